// A network lab out of Linux network namespaces: one public network (a bridge, 203.0.113.0/24)
// whose namespace runs the page server, mosquitto and coturn, and per visitor a router namespace
// (WAN on the public bridge, NAT by iptables) with the visitor's own namespace behind it, where its
// browser runs. Default routes end in a sink namespace on the bridge that drops every packet: no
// namespace of the lab is linked to the host's network, so nothing is sent anywhere else. Needs
// root, iproute2, iptables, mosquitto and coturn.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { ROOT } from '../../scripts/static-server.mjs';

/** Every namespace of a lab is named `vclab<pid of the test process>-…`: leftovers of dead runs are found by it. */
const NAME_PREFIX = 'vclab';
const PUBLIC_NET = '203.0.113';
const PUBLIC_ADDRESS = `${PUBLIC_NET}.1`;
const SINK_ADDRESS = `${PUBLIC_NET}.254`;
const PAGE_PORT = 8080;
const BROKER_PORT = 8081;
const TURN_PORT = 3478;
const TURN_USER = 'lab';
const TURN_PASSWORD = 'lab-secret';
/** The coturn that takes short-lived credentials (`use-auth-secret`) made with this secret. */
const SECRET_TURN_PORT = 3490;
const TURN_SECRET = 'lab-rest-secret';
const SECRET_TURN_RELAY_PORTS = [49353, 49552];

/**
 * The kinds of home router a visitor can sit behind.
 * - `plain`: endpoint-independent mapping (MASQUERADE keeps the source port): direct pairs by STUN work.
 * - `symmetric`: a fresh port per destination (`--random`): only a relay connects two of them.
 * - `udp-blocked`: like `plain`, but every UDP packet from the visitor is dropped: only TCP passes.
 */
export const NAT_KINDS = ['plain', 'symmetric', 'udp-blocked'];

function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Runs `command` inside namespace `ns`. */
const inNs = (ns, command, ...args) => run('ip', ['netns', 'exec', ns, command, ...args]);

function namespaces() {
  return run('ip', ['netns', 'list']).split('\n').map((line) => line.split(' ')[0]).filter(Boolean);
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Ends `child` with SIGTERM and waits for it, at most 3 s. */
async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
}

/** Kills every process still running in `ns` (servers, browsers), then deletes the namespace and its links. */
function removeNamespace(ns) {
  const pids = () => spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean).map(Number) ?? [];
  for (const pid of pids()) {
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  spawnSync('ip', ['netns', 'delete', ns]);
}

/**
 * Deletes what runs killed before their teardown left behind: namespaces (and the processes in
 * them) and temporary folders whose test process is gone.
 */
export function removeLeftovers() {
  const deadRun = new RegExp(`^${NAME_PREFIX}(\\d+)-`);
  const isDead = (name) => {
    const match = deadRun.exec(name);
    return match !== null && !processAlive(Number(match[1]));
  };
  namespaces().filter(isDead).forEach(removeNamespace);
  for (const entry of readdirSync(tmpdir()).filter(isDead)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
}

/**
 * Fails with a message that says what is missing when the machine cannot host the lab: the lab
 * needs root (namespaces, iptables), `ip netns`, iptables, mosquitto and coturn.
 */
export function checkLabHost() {
  if (process.getuid?.() !== 0) throw new Error('the network lab needs root: it creates network namespaces and iptables rules');
  const missing = [['ip', ['netns', 'list'], 'iproute2'], ['iptables', ['--version'], 'iptables'], ['mosquitto', ['-h'], 'mosquitto'], ['turnserver', ['--version'], 'coturn']]
    .filter(([command, args]) => {
      const probe = spawnSync(command, args, { stdio: 'ignore' });
      return probe.error !== undefined || (command === 'ip' && probe.status !== 0);
    })
    .map(([, , pkg]) => pkg);
  if (missing.length) throw new Error(`the network lab needs these packages: apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  const probe = `${NAME_PREFIX}${process.pid}-probe`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  spawnSync('ip', ['netns', 'delete', probe]);
  if (added.status !== 0) throw new Error(`the network lab cannot create a network namespace (ip netns add): ${added.stderr}`);
}

/**
 * Builds the public network and starts its servers. Resolves to the lab: its service addresses,
 * `addVisitor(nat)` and `close()`, which deletes every namespace and process it made.
 */
export async function startLab() {
  checkLabHost();
  removeLeftovers();
  const prefix = `${NAME_PREFIX}${process.pid}-`;
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const publicNs = `${prefix}pub`;
  const sinkNs = `${prefix}sink`;
  const created = [];
  const visitors = [];
  const publicProcesses = [];
  let services;

  const addNamespace = (ns) => {
    run('ip', ['netns', 'add', ns]);
    created.push(ns);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  };

  const lab = {
    publicAddress: PUBLIC_ADDRESS,
    origin: `http://${PUBLIC_ADDRESS}:${PAGE_PORT}`,
    brokerUrl: `ws://${PUBLIC_ADDRESS}:${BROKER_PORT}`,
    stunUrl: `stun:${PUBLIC_ADDRESS}:${TURN_PORT}`,
    turn: { udp: `turn:${PUBLIC_ADDRESS}:${TURN_PORT}?transport=udp`, tcp: `turn:${PUBLIC_ADDRESS}:${TURN_PORT}?transport=tcp`, username: TURN_USER, credential: TURN_PASSWORD },
    /**
     * The coturn with `use-auth-secret`: it takes credentials made from `secret` (TURN REST), no
     * fixed user, and relays from ports `relayPorts` (first and last), apart from the other's.
     */
    secretTurn: {
      udp: `turn:${PUBLIC_ADDRESS}:${SECRET_TURN_PORT}?transport=udp`,
      tcp: `turn:${PUBLIC_ADDRESS}:${SECRET_TURN_PORT}?transport=tcp`,
      secret: TURN_SECRET,
      relayPorts: SECRET_TURN_RELAY_PORTS,
    },
    /**
     * Runs the Node script `script` (a path from the project's root) in the public namespace with
     * `env` added to the environment, and resolves once something listens on `port` of the public
     * address. Resolves to `{lines, stop()}`: `lines` collects what the script prints, line by line.
     */
    startPublicServer: async (script, port, env = {}) => {
      const child = spawn('ip', ['netns', 'exec', publicNs, process.execPath, join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      publicProcesses.push(child);
      const lines = [];
      let pending = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        const parts = (pending + chunk).split('\n');
        pending = parts.pop();
        lines.push(...parts);
      });
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const stop = () => stopProcess(child);
      const deadline = Date.now() + 10000;
      while (!inNs(publicNs, 'ss', '-Hltn', `sport = :${port}`).trim()) {
        if (child.exitCode !== null || Date.now() > deadline) {
          await stop();
          throw new Error(`${script} did not listen on port ${port} (exit ${child.exitCode}): ${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return { lines, stop };
    },
    /** Adds a visitor behind a router of kind `nat` (see NAT_KINDS). */
    addVisitor: (nat) => {
      const visitor = createVisitor({ prefix, index: visitors.length + 1, nat, publicNs, dir, addNamespace, origin: lab.origin });
      visitors.push(visitor);
      return visitor;
    },
    async close() {
      await Promise.all(visitors.map((visitor) => visitor.close().catch(() => undefined)));
      await Promise.all(publicProcesses.map(stopProcess));
      if (services) await stopProcess(services);
      for (const ns of created.reverse()) removeNamespace(ns);
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    addNamespace(publicNs);
    run('ip', ['-n', publicNs, 'link', 'add', 'br0', 'type', 'bridge']);
    run('ip', ['-n', publicNs, 'addr', 'add', `${PUBLIC_ADDRESS}/24`, 'dev', 'br0']);
    run('ip', ['-n', publicNs, 'link', 'set', 'br0', 'up']);
    // The rest of the internet, as the lab's servers and routers see it: a next hop that swallows
    // every packet without a word. Without it coturn's sends to unroutable peers (a visitor's
    // private host candidate) fail at once, and coturn closes the whole allocation over it.
    addNamespace(sinkNs);
    run('ip', ['-n', sinkNs, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'sink', 'netns', publicNs]);
    run('ip', ['-n', publicNs, 'link', 'set', 'sink', 'master', 'br0', 'up']);
    run('ip', ['-n', sinkNs, 'addr', 'add', `${SINK_ADDRESS}/24`, 'dev', 'eth0']);
    run('ip', ['-n', sinkNs, 'link', 'set', 'eth0', 'up']);
    inNs(sinkNs, 'iptables', '-t', 'raw', '-A', 'PREROUTING', '-j', 'DROP');
    run('ip', ['-n', publicNs, 'route', 'add', 'default', 'via', SINK_ADDRESS]);
    services = spawn('ip', ['netns', 'exec', publicNs, process.execPath, join(ROOT, 'test/lab/public-services.mjs'), JSON.stringify({
      dir, address: PUBLIC_ADDRESS, pagePort: PAGE_PORT, brokerPort: BROKER_PORT, turnPort: TURN_PORT,
      turnUser: TURN_USER, turnPassword: TURN_PASSWORD, realm: 'lab.test', relayPorts: [49152, 49352],
      secretTurnPort: SECRET_TURN_PORT, turnSecret: TURN_SECRET, secretRelayPorts: SECRET_TURN_RELAY_PORTS,
    })], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      services.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('ready\n')) resolve();
      });
      services.stderr.on('data', (chunk) => (stderr += chunk));
      services.once('exit', (code) => reject(new Error(`the lab's public servers stopped (${code}): ${stderr}`)));
    });
  } catch (error) {
    await lab.close();
    throw error;
  }
  return lab;
}

/**
 * One visitor: namespace `…rN` is its router, `…vN` its own. Router: `wan` on the public bridge
 * (203.0.113.(10+N)), `lan` 10.0.N.1/24. Visitor: `eth0` 10.0.N.2/24, default route via the router.
 */
function createVisitor({ prefix, index, nat, publicNs, dir, addNamespace, origin }) {
  if (!NAT_KINDS.includes(nat)) throw new Error(`unknown NAT kind ${nat}: one of ${NAT_KINDS.join(', ')}`);
  // Public addresses 203.0.113.(10+N) and, after an address change, (110+N) must stay distinct.
  if (index > 89) throw new Error('the network lab has room for 89 visitors');
  const router = `${prefix}r${index}`;
  const ns = `${prefix}v${index}`;
  const gateway = `10.0.${index}.1`;
  let host = 2;
  let publicHost = 10 + index;
  let address = `10.0.${index}.${host}`;
  let publicAddress = `${PUBLIC_NET}.${publicHost}`;
  const browsers = [];

  addNamespace(router);
  addNamespace(ns);
  run('ip', ['-n', router, 'link', 'add', 'wan', 'type', 'veth', 'peer', 'name', `r${index}`, 'netns', publicNs]);
  run('ip', ['-n', publicNs, 'link', 'set', `r${index}`, 'master', 'br0', 'up']);
  run('ip', ['-n', router, 'link', 'add', 'lan', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  run('ip', ['-n', router, 'addr', 'add', `${publicAddress}/24`, 'dev', 'wan']);
  run('ip', ['-n', router, 'addr', 'add', `${gateway}/24`, 'dev', 'lan']);
  run('ip', ['-n', router, 'link', 'set', 'wan', 'up']);
  run('ip', ['-n', router, 'link', 'set', 'lan', 'up']);
  run('ip', ['-n', router, 'route', 'add', 'default', 'via', SINK_ADDRESS]);
  run('ip', ['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
  run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  run('ip', ['-n', ns, 'route', 'add', 'default', 'via', gateway]);

  inNs(router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
  const iptables = (...args) => inNs(router, 'iptables', ...args);
  iptables('-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE', ...(nat === 'symmetric' ? ['--random'] : []));
  // Like a home router: nothing unsolicited reaches it or the LAN. Dropping at INPUT also keeps an
  // unanswered packet from leaving a conntrack entry that would later change the NAT's port choice.
  iptables('-P', 'INPUT', 'DROP');
  iptables('-P', 'FORWARD', 'DROP');
  iptables('-N', 'impair');
  iptables('-A', 'FORWARD', '-j', 'impair');
  if (nat === 'udp-blocked') iptables('-A', 'FORWARD', '-i', 'lan', '-p', 'udp', '-j', 'DROP');
  iptables('-A', 'FORWARD', '-i', 'lan', '-o', 'wan', '-j', 'ACCEPT');
  iptables('-A', 'FORWARD', '-i', 'wan', '-o', 'lan', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT');

  // Chromium runs in the visitor's namespace through this wrapper; playwright's DevTools pipe
  // (file descriptors 3 and 4) passes through `ip netns exec`.
  const wrapper = join(dir, `chromium-v${index}`);
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM_PATH} "$@"\n`);
  chmodSync(wrapper, 0o755);

  const pids = () => spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  const signalAll = (signal) => {
    for (const pid of pids()) {
      try {
        process.kill(pid, signal);
      } catch {
        // Exited meanwhile.
      }
    }
  };

  return {
    nat,
    namespace: ns,
    router,
    get address() {
      return address;
    },
    get publicAddress() {
      return publicAddress;
    },
    /**
     * Launches Chromium inside this visitor's namespace. The lab's pages come from a public HTTP
     * origin, which Chromium is told to treat as secure (getUserMedia needs a secure context).
     */
    async launchChromium() {
      const browser = await chromium.launch({
        executablePath: wrapper,
        headless: true,
        args: [...CHROMIUM_FLAGS, `--unsafely-treat-insecure-origin-as-secure=${origin}`],
      });
      browsers.push(browser);
      return browser;
    },
    /**
     * Moves the visitor to another network: a new LAN address, and a new public address for its
     * router (which drops the NAT's old mappings), as when a phone leaves Wi-Fi for mobile data.
     */
    changeAddress() {
      const oldAddress = address;
      const oldPublic = publicAddress;
      // Toggles between two addresses each: the old mappings are gone either way.
      host = host === 2 ? 3 : 2;
      publicHost = publicHost < 100 ? publicHost + 100 : publicHost - 100;
      address = `10.0.${index}.${host}`;
      publicAddress = `${PUBLIC_NET}.${publicHost}`;
      run('ip', ['-n', router, 'addr', 'del', `${oldPublic}/24`, 'dev', 'wan']);
      run('ip', ['-n', router, 'addr', 'add', `${publicAddress}/24`, 'dev', 'wan']);
      run('ip', ['-n', router, 'route', 'replace', 'default', 'via', SINK_ADDRESS]);
      run('ip', ['-n', ns, 'addr', 'del', `${oldAddress}/24`, 'dev', 'eth0']);
      run('ip', ['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
      run('ip', ['-n', ns, 'route', 'replace', 'default', 'via', gateway]);
    },
    /** Takes the visitor's own interface down: the browser sees its address go. */
    linkDown() {
      run('ip', ['-n', ns, 'link', 'set', 'eth0', 'down']);
    },
    /** Brings the interface back, with the default route that going down removed. */
    linkUp() {
      run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
      run('ip', ['-n', ns, 'route', 'replace', 'default', 'via', gateway]);
    },
    /** Drops this share (0 to 1) of the packets the router forwards, both ways; 0 stops it. */
    setLoss(probability) {
      iptables('-F', 'impair');
      if (probability > 0) iptables('-A', 'impair', '-m', 'statistic', '--mode', 'random', '--probability', String(probability), '-j', 'DROP');
    },
    /** Limits the router's forwarding to `rate` (tc syntax, e.g. '1mbit') each way; `undefined` lifts it. */
    setRate(rate) {
      for (const dev of ['wan', 'lan']) {
        spawnSync('ip', ['netns', 'exec', router, 'tc', 'qdisc', 'del', 'dev', dev, 'root']);
        if (rate) inNs(router, 'tc', 'qdisc', 'add', 'dev', dev, 'root', 'tbf', 'rate', rate, 'burst', '64kbit', 'latency', '400ms');
      }
    },
    /** Stops (SIGSTOP) every process of the visitor: its whole browser freezes. */
    freeze: () => signalAll('SIGSTOP'),
    /** Lets a frozen visitor run again. */
    thaw: () => signalAll('SIGCONT'),
    /** Closes the visitor's browsers; its namespaces go with the lab. */
    async close() {
      signalAll('SIGCONT');
      await Promise.all(browsers.splice(0).map((browser) => Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 5000))]).catch(() => undefined)));
    },
  };
}
