// A virtual X display for the one browser that needs a screen: headed Firefox, whose display
// capture fails headless. Debian's xvfb; the display is a Unix socket, so it works inside a
// loopback-only network namespace.
import { spawn } from 'node:child_process';

/** Starts Xvfb on a free display number. Resolves with `display` (e.g. ':99') and `stop()`. */
export async function startXvfb() {
  // -displayfd: Xvfb picks a free display and writes its number to fd 3 once it accepts clients.
  const child = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x720x24'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const number = await new Promise((resolve, reject) => {
    let written = '';
    child.stdio[3].on('data', (chunk) => {
      written += chunk;
      if (written.includes('\n')) resolve(written.trim());
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${stderr}`)));
  });
  return {
    display: `:${number}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}
