// Loopback MQTT brokers for the demo, the tests and the benchmark. Nothing here listens beyond 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { WebSocketServer, createWebSocketStream } from 'ws';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts an in-process aedes broker speaking MQTT over WebSocket. Pass an existing HTTP server to
 * share its port (upgrade requests on `path`), or nothing to get a dedicated loopback port.
 */
export async function startAedes({ server, path } = {}) {
  const broker = await Aedes.createBroker();
  let port;
  let wss;
  if (server) {
    wss = new WebSocketServer({ server, path });
  } else {
    // Port 0 binds a free port at once: no gap in which something else could take it.
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    port = wss.address().port;
  }
  wss.on('connection', (socket) => {
    const stream = createWebSocketStream(socket);
    stream.on('error', () => stream.destroy());
    broker.handle(stream);
  });
  return {
    broker,
    url: port ? `ws://127.0.0.1:${port}` : undefined,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(() => resolve()));
      await new Promise((resolve) => broker.close(() => resolve()));
    },
  };
}

/** Tells whether Debian's mosquitto is installed, with the command that installs it if not. */
export function mosquittoAvailable() {
  const probe = spawnSync('mosquitto', ['-h'], { stdio: 'ignore' });
  return probe.error === undefined;
}

/**
 * Starts Debian's mosquitto with a WebSocket listener and a TCP listener, both on 127.0.0.1 only.
 * `extraConfig` lines are appended (e.g. a bridge). Resolves once it answers MQTT over WebSocket.
 * Ports picked here are free when picked, but something else (a static server or Chromium starting
 * alongside) may bind one before mosquitto does: then it starts again on fresh ports. Ports given
 * by the caller (a restart on the same address) are retried as they are.
 */
export async function startMosquitto({ wsPort, tcpPort, extraConfig = '' } = {}) {
  if (!mosquittoAvailable()) {
    throw new Error('mosquitto is not installed: run `apt-get install -y mosquitto mosquitto-clients` as root.');
  }
  const attempts = 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchMosquitto({ wsPort: wsPort ?? (await freePort()), tcpPort: tcpPort ?? (await freePort()), extraConfig });
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

class PortTakenError extends Error {}

async function launchMosquitto({ wsPort, tcpPort, extraConfig }) {
  const dir = mkdtempSync(join(tmpdir(), 'vc-mosquitto-'));
  const configFile = join(dir, 'mosquitto.conf');
  writeFileSync(
    configFile,
    [
      'persistence false',
      'allow_anonymous true',
      `listener ${tcpPort} 127.0.0.1`,
      'protocol mqtt',
      `listener ${wsPort} 127.0.0.1`,
      'protocol websockets',
      'socket_domain ipv4',
      'log_type error',
      extraConfig,
      '',
    ].join('\n'),
  );
  const child = spawn('mosquitto', ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  try {
    await waitForBroker(wsPort, child, () => stderr);
  } catch (error) {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    throw /Unable to create|Address already in use/i.test(stderr) ? new PortTakenError(error.message) : error;
  }
  return {
    url: `ws://127.0.0.1:${wsPort}`,
    wsPort,
    tcpPort,
    process: child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill(signal);
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until mosquitto answers MQTT on its WebSocket port. An open port alone is not enough: the
 * port may belong to whatever took it first, while mosquitto itself is failing to bind it.
 */
async function waitForBroker(port, child, stderr) {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited: ${stderr()}`);
    const client = await mqtt
      .connectAsync(`ws://127.0.0.1:${port}`, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 1000 }, false)
      .catch(() => undefined);
    if (client) {
      await client.endAsync();
      if (child.exitCode === null) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`mosquitto did not answer on port ${port}: ${stderr()}`);
}
