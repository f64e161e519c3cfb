// `npm run bench`: our <video-chat> against Trystero's MQTT strategy, side by side in one run, on
// the same machine, the same Debian Chromium and the same local mosquitto; and our pair across
// engines (a Firefox visitor first, a Chromium one second) beside our Chromium pair. Loopback only:
// the browser side runs in a network namespace that has nothing but `lo`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import mqtt from 'mqtt';
import { chromium } from 'playwright-core';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { startMosquitto } from '../scripts/brokers.mjs';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { launchFirefox } from '../scripts/firefox.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';
import { bundleSizes } from '../scripts/bundle-size.mjs';
import { runInLoopbackNamespace } from '../scripts/system-check.mjs';
import { renderRatioChart } from './chart.mjs';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 10);
const IDLE_WINDOW_MS = Number(process.env.BENCH_IDLE_MS ?? 90_000);
const DEADLINE = Date.now() + 14 * 60_000;
/**
 * Systems to run (comma-separated): ours, trystero, mixed (ours with the first visitor in Firefox
 * and the second in Chromium: the pair trials only), and on request two references that run the
 * pair trials only: floor, a bare page that does only what any system sending media in its first
 * offer must (bench/pages/floor.html), the least a pair can cost on this machine; and engine, our
 * VideoCall without the element (bench/pages/engine.html), which tells the engine's cost from
 * what the element adds.
 */
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? 'ours,trystero,mixed').split(',');
const REFERENCE_SYSTEMS = ['floor', 'engine'];
/** Systems that run the pair trials only. */
const PAIR_ONLY_SYSTEMS = [...REFERENCE_SYSTEMS, 'mixed'];
const FULL_SYSTEMS = SYSTEMS.filter((system) => !PAIR_ONLY_SYSTEMS.includes(system));
/** The engine and the mixed pair speak our wire protocol: their broker traffic is counted under ours' topics. */
const trafficOf = (system) => (system === 'engine' || system === 'mixed' ? 'ours' : system);
/** The page a system's visitors load: the mixed pair loads ours. */
const pageOf = (system) => (system === 'mixed' ? 'ours' : system);
/** Parts to run (comma-separated), for working on one figure: pairs, rejoin, idle, kill, files, share, crowd, crypto. */
const ALL_PARTS = ['pairs', 'rejoin', 'idle', 'kill', 'files', 'share', 'crowd', 'crypto'];
/** The file sent between two visitors: random bytes, so that nothing compresses. */
const FILE_MB = 20;
const PARTS = new Set((process.env.BENCH_PARTS ?? ALL_PARTS.join(',')).split(','));
/** Rejoin trials: ours only (Join again is the element's). */
const REJOIN_TRIALS = 5;
/** How long a six-visitor room gets to form before it is reported as it stands. */
const CROWD_DEADLINE_MS = 60_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

runInLoopbackNamespace(() => {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
});

// A global watchdog: the runner always stops, and takes down what it started.
const started = [];
let stopping;
/** Stops everything started, once; a second caller waits for the same stop. */
const stopAll = () =>
  (stopping ??= (async () => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  })());
let timedOut = false;
setTimeout(async () => {
  timedOut = true;
  console.error('bench: time limit reached, stopping');
  await stopAll();
  process.exit(2);
}, DEADLINE - Date.now()).unref();

function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function buildTrystero() {
  mkdirSync('bench/.tmp', { recursive: true });
  const bundle = await rollup({ input: 'bench/trystero-entry.mjs', plugins: [nodeResolve({ browser: true }), terser()], onwarn: () => {} });
  await bundle.write({ file: 'bench/.tmp/trystero.js', format: 'es', inlineDynamicImports: true });
  await bundle.close();
  const own = await rollup({ input: 'bench/trystero-entry.mjs', external: (id) => id === 'mqtt', plugins: [nodeResolve({ browser: true }), terser()], onwarn: () => {} });
  const { output } = await own.generate({ format: 'es', inlineDynamicImports: true });
  await own.close();
  const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;
  return { totalGzipKB: kb(gzipSync(readFileSync('bench/.tmp/trystero.js'), { level: 9 }).length), ownGzipKB: kb(gzipSync(output[0].code, { level: 9 }).length) };
}

/** Our engine alone (src/index.ts), for the engine page: the drop-in build from another entry. */
async function buildEngine() {
  const { default: config } = await import('../rollup.config.mjs');
  const bundle = await rollup({ ...config, input: 'src/index.ts', onwarn: () => {} });
  await bundle.write({ ...config.output, file: 'bench/.tmp/engine.js', sourcemap: false });
  await bundle.close();
}

/** Signaling's cryptography alone (bench/crypto-entry.mjs), for the crypto page. */
async function buildCrypto() {
  const { default: config } = await import('../rollup.config.mjs');
  const bundle = await rollup({ ...config, input: 'bench/crypto-entry.mjs', onwarn: () => {} });
  await bundle.write({ ...config.output, file: 'bench/.tmp/crypto.js', sourcemap: false });
  await bundle.close();
}

/** Our signaling's cryptography in a page, the median of three runs of each figure (ms). */
async function cryptoCosts(browser, origin, brokerUrl) {
  const runs = [];
  for (let run = 0; run < 3; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/crypto.html`);
    await page.waitForFunction(() => typeof window.measureCrypto === 'function');
    runs.push(await page.evaluate((broker) => window.measureCrypto(broker), brokerUrl));
    await context.close();
  }
  return Object.fromEntries(Object.keys(runs[0]).map((key) => [key, percentile(runs.map((r) => r[key]), 50)]));
}

/** Counts what the broker carries, per system, by topic. */
async function brokerCounter(url) {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4 });
  const counts = { ours: { messages: 0, bytes: 0 }, trystero: { messages: 0, bytes: 0 }, floor: { messages: 0, bytes: 0 } };
  client.on('message', (topic, payload) => {
    const system = topic.startsWith('video-chat-element/') ? 'ours' : topic.startsWith('floor/') ? 'floor' : 'trystero';
    counts[system].messages++;
    counts[system].bytes += payload.length + Buffer.byteLength(topic);
  });
  await client.subscribeAsync('#');
  return { counts, snapshot: (system) => ({ ...counts[system] }), close: () => client.endAsync() };
}

let roomCounter = 0;
const freshRoom = (system) => `bench-${system}-${Date.now().toString(36)}-${roomCounter++}`;

const DECODE_COUNTER = readFileSync('bench/pages/decode-counter.js', 'utf8');

/** Whether `browser` is Firefox (puppeteer-core) rather than Chromium (playwright-core). */
const isFirefox = (browser) => typeof browser.createBrowserContext === 'function';

async function openVisitor(browser, origin, system, room, brokerUrl, name) {
  let context;
  let page;
  if (isFirefox(browser)) {
    // A window per visitor: a background tab renders no frames.
    context = await browser.createBrowserContext();
    page = await context.newPage({ type: 'window' });
    await page.evaluateOnNewDocument(DECODE_COUNTER);
  } else {
    context = await browser.newContext();
    await context.addInitScript(DECODE_COUNTER);
    page = await context.newPage();
  }
  const query = new URLSearchParams({ room, broker: brokerUrl, name });
  await page.goto(`${origin}/${pageOf(system)}.html?${query}`);
  return {
    context,
    page,
    snapshot: () => page.evaluate(() => window.benchSnapshot()),
    decodedFrames: () => page.evaluate(() => window.benchDecodedFrames()),
  };
}

async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await sleep(20);
  }
  console.warn(`  (timed out waiting for ${what})`);
  return false;
}

const liveTiles = (snap) => snap.tiles.filter((t) => t.firstFrameAt !== undefined).length;

/**
 * One pair: both together, or the second 2 s after the first. `browsers` holds Ada's and Bob's
 * browser (the mixed pair: Firefox, then Chromium).
 */
async function pairTrial(browsers, origin, broker, counter, system, staggered) {
  const room = freshRoom(system);
  const before = counter.snapshot(trafficOf(system));
  const visitors = [];
  if (staggered) {
    visitors.push(await openVisitor(browsers[0], origin, system, room, broker.url, 'Ada'));
    await sleep(2000);
    visitors.push(await openVisitor(browsers[1], origin, system, room, broker.url, 'Bob'));
  } else {
    visitors.push(...(await Promise.all(['Ada', 'Bob'].map((name, i) => openVisitor(browsers[i], origin, system, room, broker.url, name)))));
  }
  const ok = await waitFor(async () => (await Promise.all(visitors.map((v) => v.snapshot()))).every((s) => liveTiles(s) >= 1), 20000, `${system} pair`);
  const [a, b] = await Promise.all(visitors.map((v) => v.snapshot()));
  await sleep(300);
  const after = counter.snapshot(trafficOf(system));
  await Promise.all(visitors.map((v) => v.context.close()));
  await sleep(200);
  if (!ok) return undefined;
  const firstFrame = Math.max(a.tiles[0].firstFrameAt, b.tiles[0].firstFrameAt);
  return {
    connectMs: firstFrame - Math.max(a.present, b.present),
    navigationMs: b.tiles[0].firstFrameAt - b.navigationStart,
    messages: after.messages - before.messages,
    bytes: after.bytes - before.bytes,
  };
}

async function idleRates(browser, origin, broker, counter) {
  const pairs = {};
  for (const system of FULL_SYSTEMS) {
    const room = freshRoom(system);
    pairs[system] = await Promise.all(['Ada', 'Bob'].map((name) => openVisitor(browser, origin, system, room, broker.url, name)));
  }
  await waitFor(async () => {
    const snaps = await Promise.all(Object.values(pairs).flat().map((v) => v.snapshot()));
    return snaps.every((s) => liveTiles(s) >= 1);
  }, 20000, 'idle pairs');
  await sleep(5000);
  const before = Object.fromEntries(FULL_SYSTEMS.map((s) => [s, counter.snapshot(s)]));
  await sleep(IDLE_WINDOW_MS);
  const result = {};
  for (const system of FULL_SYSTEMS) {
    const messages = counter.snapshot(system).messages - before[system].messages;
    result[system] = messages / 2 / (IDLE_WINDOW_MS / 60_000);
  }
  await Promise.all(Object.values(pairs).flat().map((v) => v.context.close()));
  return result;
}

async function killTrial(browser, origin, broker, system) {
  const room = freshRoom(system);
  const doomedServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
  const doomedBrowser = await chromium.connect(doomedServer.wsEndpoint());
  const ada = await openVisitor(browser, origin, system, room, broker.url, 'Ada');
  await openVisitor(doomedBrowser, origin, system, room, broker.url, 'Bob');
  await waitFor(async () => liveTiles(await ada.snapshot()) >= 1, 20000, `${system} kill pair`);
  await sleep(1000);
  const killedAt = Date.now();
  doomedServer.process().kill('SIGKILL');
  const noticed = await waitFor(async () => (await ada.snapshot()).leaves.length > 0, 30000, `${system} to notice a killed visitor`);
  const leaveAt = noticed ? (await ada.snapshot()).leaves[0].at : undefined;
  await ada.context.close();
  await doomedServer.close().catch(() => undefined);
  return noticed ? leaveAt - killedAt : null;
}

/**
 * A pair meets (the second 2 s after the first), then the second leaves and joins again 2 s later
 * (the element's Join again): each meeting's time from `joined` to both first frames.
 */
async function rejoinTrial(browser, origin, broker, system) {
  const room = freshRoom(system);
  const ada = await openVisitor(browser, origin, system, room, broker.url, 'Ada');
  await sleep(2000);
  const bob = await openVisitor(browser, origin, system, room, broker.url, 'Bob');
  const both = () => Promise.all([ada.snapshot(), bob.snapshot()]);
  const close = () => Promise.all([ada.context.close(), bob.context.close()]);
  if (!(await waitFor(async () => (await both()).every((s) => liveTiles(s) >= 1), 20000, `${system} first meeting`))) return close().then(() => undefined);
  const [a1, b1] = await both();
  const firstMs = Math.max(a1.tiles[0].firstFrameAt, b1.tiles[0].firstFrameAt) - Math.max(a1.present, b1.present);
  await bob.page.evaluate(() => document.querySelector('video-chat').leave());
  await waitFor(async () => (await ada.snapshot()).leaves.length > 0, 5000, 'the leave noticed');
  await sleep(2000);
  await bob.page.evaluate(() => void document.querySelector('video-chat').join());
  const newTiles = ([a, b]) => [a.tiles.find((t) => t.id !== a1.tiles[0].id && t.firstFrameAt), b.tiles.find((t) => t.firstFrameAt > b.present)];
  const met = await waitFor(async () => {
    const snaps = await both();
    return snaps[1].present > b1.present && newTiles(snaps).every(Boolean);
  }, 20000, `${system} rejoin`);
  const snaps = await both();
  await close();
  if (!met) return { firstMs, rejoinMs: null };
  return { firstMs, rejoinMs: Math.max(...newTiles(snaps).map((t) => t.firstFrameAt)) - snaps[1].present };
}

/** A pair meets, then the first sends the second a file: from the call to the whole file handed over. */
/** Two visitors who met a second ago, or undefined (closed) if they did not meet. */
async function metPair(browser, origin, broker, system) {
  const room = freshRoom(system);
  const visitors = await Promise.all(['Ada', 'Bob'].map((name) => openVisitor(browser, origin, system, room, broker.url, name)));
  const close = () => Promise.all(visitors.map((v) => v.context.close()));
  if (!(await waitFor(async () => (await Promise.all(visitors.map((v) => v.snapshot()))).every((s) => liveTiles(s) >= 1), 20000, `${system} pair`))) {
    await close();
    return undefined;
  }
  await sleep(1000);
  return { visitors, close };
}

async function fileTrial(browser, origin, broker, system) {
  const pair = await metPair(browser, origin, broker, system);
  if (!pair) return null;
  const { visitors, close } = pair;
  const startedAt = await visitors[0].page.evaluate(async (megabytes) => {
    const data = new Uint8Array(megabytes * 1024 * 1024);
    for (let offset = 0; offset < data.length; offset += 65536) crypto.getRandomValues(data.subarray(offset, offset + 65536));
    window.benchFile = new File([data], 'bench.bin');
    const at = performance.timeOrigin + performance.now();
    void window.benchSendFile(window.benchFile);
    return at;
  }, FILE_MB);
  const arrived = await waitFor(async () => (await visitors[1].page.evaluate(() => window.bench.fileReceived)) !== undefined, 120_000, `${system} file`);
  const received = arrived ? await visitors[1].page.evaluate(() => window.bench.fileReceived) : undefined;
  await close();
  if (!received || received.size !== FILE_MB * 1024 * 1024) return null;
  return FILE_MB / ((received.at - startedAt) / 1000);
}

/** A pair meets, then the first shares its screen: from the ask to the share's first frame at the second. */
async function shareTrial(browser, origin, broker, system) {
  const pair = await metPair(browser, origin, broker, system);
  if (!pair) return null;
  const { visitors, close } = pair;
  const firstFrame = visitors[1].page.evaluate(() => window.benchWatchScreen());
  const startedAt = await visitors[0].page.evaluate(() => {
    const at = performance.timeOrigin + performance.now();
    void window.benchShareScreen();
    return at;
  });
  const frameAt = await Promise.race([firstFrame, sleep(20_000).then(() => null)]);
  await close();
  return frameAt === null ? null : frameAt - startedAt;
}

async function crowdTrial(browser, origin, broker, system, size = 6) {
  const room = freshRoom(system);
  const startedAt = Date.now();
  const visitors = await Promise.all(Array.from({ length: size }, (_, i) => openVisitor(browser, origin, system, room, broker.url, `V${i}`)));
  const everyone = await waitFor(async () => (await Promise.all(visitors.map((v) => v.snapshot()))).every((s) => liveTiles(s) >= size - 1), CROWD_DEADLINE_MS, `${system} ${size}-visitor room`);
  const allLiveMs = everyone ? Date.now() - startedAt : null;
  // Each directed link is a tile; when its first frame came, complete room or not.
  const snapshots = await Promise.all(visitors.map((v) => v.snapshot()));
  const linkTimes = snapshots.flatMap((s) => s.tiles.map((t) => t.firstFrameAt)).filter((t) => t !== undefined).map((t) => t - startedAt).sort((x, y) => x - y);
  const links = { live: linkTimes.length, of: size * (size - 1), halfMs: linkTimes[Math.ceil((size * (size - 1)) / 2) - 1] ?? null, lastMs: linkTimes.at(-1) ?? null };
  if (!everyone) console.warn(`  ${system}: live tiles per visitor ${snapshots.map((s) => `${liveTiles(s)}/${s.tiles.length}`).join(' ')}; ${links.live} of ${links.of} links live, the last after ${links.lastMs} ms`);
  let fps = null;
  let presentedFps = null;
  if (everyone) {
    await sleep(15000);
    const sample = () => Promise.all(visitors.map(async (v) => ({ snap: await v.snapshot(), decoded: await v.decodedFrames() })));
    const first = await sample();
    await sleep(5000);
    const second = await sample();
    // Decoded frames per second per tile (the issue's figure): every inbound video stream.
    const decodedRates = second.flatMap(({ decoded }, i) => Object.entries(decoded).map(([id, frames]) => (frames - (first[i].decoded[id] ?? 0)) / 5));
    // Frames each tile's <video> presented (requestVideoFrameCallback): what the viewer saw.
    const presentedRates = second.flatMap(({ snap }, i) => snap.tiles.map((tile) => {
      const earlier = first[i].snap.tiles.find((t) => t.id === tile.id);
      return (tile.frames - (earlier?.frames ?? 0)) / 5;
    }));
    fps = { median: percentile(decodedRates, 50), min: Math.min(...decodedRates), tiles: decodedRates.length };
    presentedFps = { median: percentile(presentedRates, 50), min: Math.min(...presentedRates) };
  }
  await Promise.all(visitors.map((v) => v.context.close()));
  return { allLiveMs, links, fps, presentedFps };
}

async function main() {
  const sizes = { ours: await bundleSizes(), trystero: await buildTrystero(), floor: {}, engine: {}, mixed: {} };
  if (SYSTEMS.includes('engine')) await buildEngine();
  if (PARTS.has('crypto')) await buildCrypto();
  const broker = await startMosquitto();
  started.push(() => broker.stop());
  const pages = await startStaticServer({ '/dist/': 'dist/', '/bench-build/': 'bench/.tmp/', '/mqtt/': 'node_modules/mqtt/dist/', '/': 'bench/pages/' });
  started.push(() => pages.close());
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
  started.push(() => browser.close());
  const firefox = SYSTEMS.includes('mixed') && PARTS.has('pairs') ? await launchFirefox() : undefined;
  if (firefox) started.push(() => firefox.close());
  const pairBrowsers = (system) => (system === 'mixed' ? [firefox, browser] : [browser, browser]);
  const counter = await brokerCounter(broker.url);
  started.push(() => counter.close());

  const raw = Object.fromEntries(SYSTEMS.map((system) => [system, { together: [], staggered: [] }]));
  // Alternate systems and modes trial by trial, so that any drift of this shared machine over the
  // minutes of the run hits both systems alike and leaves their ratio fair.
  for (let trial = 0; PARTS.has('pairs') && trial < TRIALS; trial++) {
    for (const mode of ['together', 'staggered']) {
      for (const system of SYSTEMS) {
        const result = await pairTrial(pairBrowsers(system), pages.origin, broker, counter, system, mode === 'staggered');
        if (result) raw[system][mode].push(result);
      }
    }
  }
  console.log('pair trials done');
  const rejoins = [];
  for (let trial = 0; PARTS.has('rejoin') && FULL_SYSTEMS.includes('ours') && trial < REJOIN_TRIALS; trial++) {
    const result = await rejoinTrial(browser, pages.origin, broker, 'ours');
    if (result) rejoins.push(result);
  }
  if (PARTS.has('rejoin')) console.log('rejoin trials done');
  const idle = PARTS.has('idle') ? await idleRates(browser, pages.origin, broker, counter) : {};
  console.log('idle window done');
  // Reference systems run the pair trials only: no kills, no crowd.
  const kills = Object.fromEntries(SYSTEMS.map((system) => [system, []]));
  for (const system of FULL_SYSTEMS) {
    for (let trial = 0; PARTS.has('kill') && trial < 3; trial++) kills[system].push(await killTrial(browser, pages.origin, broker, system));
  }
  console.log('kill trials done');
  const files = Object.fromEntries(SYSTEMS.map((system) => [system, []]));
  const shares = Object.fromEntries(SYSTEMS.map((system) => [system, []]));
  for (let trial = 0; trial < 3; trial++) {
    for (const system of FULL_SYSTEMS) {
      if (PARTS.has('files') && trial < 2) files[system].push(await fileTrial(browser, pages.origin, broker, system));
      if (PARTS.has('share')) shares[system].push(await shareTrial(browser, pages.origin, broker, system));
    }
  }
  if (PARTS.has('files') || PARTS.has('share')) console.log('file and share trials done');
  const crowd = Object.fromEntries(SYSTEMS.map((system) => [system, { allLiveMs: null, links: null, fps: null, presentedFps: null }]));
  for (const system of FULL_SYSTEMS) if (PARTS.has('crowd')) crowd[system] = await crowdTrial(browser, pages.origin, broker, system);
  console.log('6-visitor rooms done');
  const cryptoMs = PARTS.has('crypto') && FULL_SYSTEMS.includes('ours') ? await cryptoCosts(browser, pages.origin, broker.url) : {};
  if (PARTS.has('crypto')) console.log('crypto costs done');

  const figures = SYSTEMS.map((system) => {
    const together = raw[system].together;
    const staggered = raw[system].staggered;
    const all = [...together, ...staggered];
    const detected = kills[system].filter((ms) => ms !== null);
    return {
      system,
      'pair connect p50, together (ms)': percentile(together.map((r) => r.connectMs), 50),
      'pair connect p95, together (ms)': percentile(together.map((r) => r.connectMs), 95),
      'pair connect p50, 2 s apart (ms)': percentile(staggered.map((r) => r.connectMs), 50),
      'pair connect p95, 2 s apart (ms)': percentile(staggered.map((r) => r.connectMs), 95),
      'navigation → first frame p50 (ms)': percentile(staggered.map((r) => r.navigationMs), 50),
      'navigation → first frame p95 (ms)': percentile(staggered.map((r) => r.navigationMs), 95),
      'broker messages per pair (p50)': percentile(all.map((r) => r.messages), 50),
      'broker bytes per pair (p50)': percentile(all.map((r) => r.bytes), 50),
      'first join → connected p50 (ms)': system === 'ours' ? percentile(rejoins.map((r) => r.firstMs), 50) : null,
      'rejoin → connected p50 (ms)': system === 'ours' ? percentile(rejoins.map((r) => r.rejoinMs).filter((ms) => ms !== null), 50) : null,
      'idle broker messages / min / peer': idle[system] === undefined ? null : Math.round(idle[system] * 100) / 100,
      'killed visitor noticed p50 (ms)': detected.length ? percentile(detected, 50) : null,
      [`file ${FILE_MB} MB throughput, median (MB/s)`]: percentile(files[system].filter((v) => v !== null), 50),
      'screen share ask → first frame at peer p50 (ms)': percentile(shares[system].filter((v) => v !== null), 50),
      'bundle gzip total (KB)': sizes[system].totalGzipKB ?? null,
      'bundle gzip own code (KB)': sizes[system].ownGzipKB ?? null,
      '6 visitors all live (ms)': crowd[system].allLiveMs,
      '6 visitors links live (of 30)': crowd[system].links?.live ?? null,
      '6 visitors half the links live (ms)': crowd[system].links?.halfMs ?? null,
      '6 visitors last link live (ms)': crowd[system].links?.lastMs ?? null,
      '6 visitors decoded fps per tile (median)': crowd[system].fps?.median ?? null,
      '6 visitors decoded fps per tile (min)': crowd[system].fps?.min ?? null,
      '6 visitors presented fps per tile (median)': crowd[system].presentedFps?.median ?? null,
      'room key derivation (ms)': system === 'ours' ? cryptoMs.deriveMs ?? null : null,
      'join delay from key derivation (ms)': system === 'ours' ? cryptoMs.joinDelayMs ?? null : null,
      'join with keys derived ahead (ms)': system === 'ours' ? cryptoMs.warmJoinMs ?? null : null,
      'sign per message (ms)': system === 'ours' ? cryptoMs.signMs ?? null : null,
      'verify per message (ms)': system === 'ours' ? cryptoMs.verifyMs ?? null : null,
      'sign and seal per message (ms)': system === 'ours' ? cryptoMs.sealMs ?? null : null,
      'open and verify per message (ms)': system === 'ours' ? cryptoMs.openMs ?? null : null,
      trials: `${together.length}+${staggered.length} pairs${kills[system].length ? `, ${detected.length}/${kills[system].length} kills noticed` : ''}`,
    };
  });
  const ours = figures.find((f) => f.system === 'ours') ?? {};
  const theirs = figures.find((f) => f.system === 'trystero') ?? {};
  const references = figures.filter((f) => PAIR_ONLY_SYSTEMS.includes(f.system));
  const ratioOf = (a, b) => (typeof a === 'number' && typeof b === 'number' && b !== 0 ? Math.round((a / b) * 100) / 100 : null);
  const rows = Object.keys(figures[0]).filter((key) => key !== 'system' && key !== 'trials').map((metric) => {
    const row = { metric, ours: ours[metric], trystero: theirs[metric], ratio: ratioOf(ours[metric], theirs[metric]) };
    for (const reference of references) {
      row[reference.system] = reference[metric];
      row[`${reference.system}Ratio`] = ratioOf(reference[metric], theirs[metric]);
    }
    return row;
  });
  const fmt = (v) => (v === null || v === undefined ? '—' : typeof v === 'number' ? String(Math.round(v * 100) / 100) : v);
  const width = Math.max(...rows.map((r) => r.metric.length));
  const columns = ['ours', 'Trystero', 'ours/Trystero', ...references.flatMap(({ system }) => [system, `${system}/Trystero`])];
  console.log(`\n${'metric'.padEnd(width)} | ${columns.map((c) => c.padEnd(13)).join(' | ')}`);
  console.log(`${'-'.repeat(width)}-|${columns.map(() => '-'.repeat(15)).join('|')}`);
  for (const row of rows) {
    const cells = [row.ours, row.trystero, row.ratio, ...references.flatMap(({ system }) => [row[system], row[`${system}Ratio`]])];
    console.log(`${row.metric.padEnd(width)} | ${cells.map((c) => fmt(c).padEnd(13)).join(' | ')}`);
  }
  console.log(`\ntrials: ${[ours, theirs, ...references].filter((f) => f.system).map((f) => `${f.system} ${f.trials}`).join('; ')}`);

  const mixed = figures.find((f) => f.system === 'mixed');
  if (mixed && ours.system) {
    const across = (metric) => `${fmt(mixed[metric])} vs ${fmt(ours[metric])} ms (${fmt(ratioOf(mixed[metric], ours[metric]))}×)`;
    console.log(`Firefox↔Chromium vs Chromium↔Chromium (ours), pair connect p50: together ${across('pair connect p50, together (ms)')}; 2 s apart, Firefox first ${across('pair connect p50, 2 s apart (ms)')}`);
  }

  if (rejoins.length) {
    const first = percentile(rejoins.map((r) => r.firstMs), 50);
    const again = percentile(rejoins.map((r) => r.rejoinMs).filter((ms) => ms !== null), 50);
    console.log(`rejoin / first join (ours, p50): ${Math.round((again / first) * 100) / 100} (${rejoins.map((r) => `${Math.round(r.firstMs)}→${r.rejoinMs === null ? 'never' : Math.round(r.rejoinMs)}`).join(', ')} ms)`);
  }

  const partial = FULL_SYSTEMS.length < 2 || ALL_PARTS.some((part) => !PARTS.has(part)) || references.some((f) => REFERENCE_SYSTEMS.includes(f.system));
  if (partial) {
    console.log('partial run (BENCH_SYSTEMS or BENCH_PARTS set, or a reference system run): results files left as they are');
    return;
  }
  const results = { date: new Date().toISOString(), machine: { cores: (await import('node:os')).cpus().length }, trials: TRIALS, idleWindowMs: IDLE_WINDOW_MS, rows, raw, rejoins, kills, files, shares, crowd };
  writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync('bench/results.svg', renderRatioChart(rows));
  console.log('wrote bench/results.json and bench/results.svg');
}

try {
  await main();
} catch (error) {
  // Past the time limit the watchdog has closed the browser under a trial: that is the expected
  // end, already reported, not a crash.
  if (!timedOut) console.error(error);
  process.exitCode = timedOut ? 2 : 1;
} finally {
  await stopAll();
}
process.exit();
