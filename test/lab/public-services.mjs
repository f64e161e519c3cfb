// The servers of the network lab's public network, run inside its public namespace (by netlab.mjs,
// through `ip netns exec`): the test pages and the bundle over HTTP, mosquitto (MQTT over
// WebSocket) and two coturns (STUN and TURN over UDP and TCP): one with a fixed user, one taking
// short-lived TURN REST credentials (`use-auth-secret`), all on the one public address. Prints one
// line, `ready`, once every server answers; stops them all on SIGTERM or when stdin closes.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startStaticServer } from '../../scripts/static-server.mjs';

const config = JSON.parse(process.argv[2]);
const { dir, address, pagePort, brokerPort, turnPort, turnUser, turnPassword, realm, relayPorts, secretTurnPort, turnSecret, secretRelayPorts } = config;

const children = [];
let stopping = false;

function stop() {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();

/** Starts `command`, failing the whole lab at once if it exits while the lab still needs it. */
function startChild(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${command} exited (${signal ?? code}): ${stderr}`);
    stop();
  });
  children.push(child);
  return child;
}

/** Resolves once `probe` succeeds, within 10 s. */
async function waitFor(what, probe) {
  const deadline = Date.now() + 10000;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not answer on ${address} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const tcpOpen = (port) => new Promise((resolve) => {
  const socket = connect({ host: address, port });
  socket.once('connect', () => {
    socket.destroy();
    resolve(true);
  });
  socket.once('error', () => resolve(false));
});

// startStaticServer binds loopback only; the lab's visitors reach this namespace by its public
// address, so the same server listens there instead.
const pages = await startStaticServer({ '/dist/': 'dist/', '/': 'test/e2e/' });
await new Promise((resolve) => pages.server.close(resolve));
await new Promise((resolve, reject) => {
  pages.server.once('error', reject);
  pages.server.listen(pagePort, address, resolve);
});

const mosquittoConfig = join(dir, 'mosquitto.conf');
writeFileSync(mosquittoConfig, [
  'persistence false',
  'allow_anonymous true',
  // mosquitto 2.0 starts no WebSocket-only configuration ("Unable to start any listening sockets").
  `listener ${brokerPort + 1} ${address}`,
  'protocol mqtt',
  `listener ${brokerPort} ${address}`,
  'protocol websockets',
  'socket_domain ipv4',
  'log_type error',
  '',
].join('\n'));
startChild('mosquitto', ['-c', mosquittoConfig]);

/** Starts a coturn on `port` whose files in `dir` are named `name`; `auth`: its configuration lines on credentials. */
function startTurn(name, port, [minPort, maxPort], auth) {
  const file = join(dir, `${name}.conf`);
  writeFileSync(file, [
    `listening-ip=${address}`,
    `relay-ip=${address}`,
    `listening-port=${port}`,
    `min-port=${minPort}`,
    `max-port=${maxPort}`,
    ...auth,
    `realm=${realm}`,
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-multicast-peers',
    `pidfile=${join(dir, `${name}.pid`)}`,
    `userdb=${join(dir, `${name}.db`)}`,
    `log-file=${join(dir, `${name}.log`)}`,
    'simple-log',
    '',
  ].join('\n'));
  startChild('turnserver', ['-c', file]);
}

startTurn('turnserver', turnPort, relayPorts, ['lt-cred-mech', `user=${turnUser}:${turnPassword}`]);
// Accepts any username `<expiry in Unix seconds>:<anything>` whose password is the HMAC-SHA1 of
// it under the secret, until that expiry: what a site's credentials endpoint hands out.
startTurn('turnserver-secret', secretTurnPort, secretRelayPorts, ['use-auth-secret', `static-auth-secret=${turnSecret}`]);

await Promise.all([
  waitFor('mosquitto', async () => {
    const client = await mqtt.connectAsync(`ws://${address}:${brokerPort}`, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 1000 }, false);
    await client.endAsync();
    return true;
  }),
  waitFor('coturn', () => tcpOpen(turnPort)),
  waitFor('coturn (use-auth-secret)', () => tcpOpen(secretTurnPort)),
]);
console.log('ready');
