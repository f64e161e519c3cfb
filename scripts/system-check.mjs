// What `npm test` and `npm run bench` need from the machine beyond npm packages. Stops with the
// command that installs what is missing (`bash .ci/run` installs it as root).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { CHROMIUM_PATH } from './chromium.mjs';
import { mosquittoAvailable } from './brokers.mjs';
import { FIREFOX_PATH } from './firefox.mjs';

/** Wraps a shell command so it runs in a private network namespace that has only `lo`. */
export function loopbackOnly(command) {
  const asRoot = process.getuid?.() === 0;
  return ['unshare', [asRoot ? '-n' : '-rn', 'sh', '-c', `ip link set lo up && exec ${command}`]];
}

/**
 * Stops with the install command if a package is missing: Chromium, Firefox (the second engine of
 * the tests and the benchmark) and mosquitto always; iptables and Xvfb (a display for the headed
 * Firefox that shares a screen) when asked.
 */
export function checkSystem({ iptables = false, xvfb = false } = {}) {
  const missing = [];
  if (!existsSync(CHROMIUM_PATH)) missing.push('chromium');
  if (!existsSync(FIREFOX_PATH)) missing.push('firefox-esr');
  if (!mosquittoAvailable()) missing.push('mosquitto mosquitto-clients');
  if (iptables && spawnSync('iptables', ['--version'], { stdio: 'ignore' }).error) missing.push('iptables');
  if (xvfb && spawnSync('Xvfb', ['-help'], { stdio: 'ignore' }).error) missing.push('xvfb xauth');
  if (missing.length) {
    console.error(`\nMissing system packages. Install them as root:\n  apt-get update && apt-get install -y ${missing.join(' ')}\n(or run: bash .ci/run, which installs them)`);
    process.exit(1);
  }
  const probe = spawnSync(...loopbackOnly('true'), { stdio: 'pipe' });
  if (probe.status !== 0) {
    console.error(`\nCannot create a loopback-only network namespace (unshare + ip): ${probe.stderr}\nRun as root, or install util-linux and iproute2.`);
    process.exit(1);
  }
}

/**
 * For scripts that drive Chromium (screenshot, bench): outside the namespace, checks the machine,
 * runs `prepare` (e.g. a build), re-runs this very script inside a loopback-only namespace and
 * exits with its status. Inside, returns at once.
 */
export function runInLoopbackNamespace(prepare = () => {}) {
  if (process.env.VC_IN_NAMESPACE) return;
  checkSystem();
  prepare();
  const quoted = process.argv.slice(1).map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(' ');
  const { status } = spawnSync(...loopbackOnly(`env VC_IN_NAMESPACE=1 node ${quoted}`), { stdio: 'inherit' });
  process.exit(status ?? 1);
}
