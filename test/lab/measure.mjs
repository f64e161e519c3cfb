// Measures, in the network lab, how a call between two Chromium visitors behind endpoint-independent
// NATs (STUN and TURN offered) recovers when Bob's network misbehaves, as seen from Ada:
// - address: Bob moves to another network (new LAN and public address) mid-call;
// - outage: Bob's link goes down for 10 s, then comes back;
// - freeze: every process of Bob's browser is stopped (SIGSTOP) until Ada is told he is gone (or
//   30 s pass), then resumed;
// - lossy: Bob's router drops 5 % of packets and passes 1 Mbit/s each way for 20 s: what Ada
//   receives of Bob's video (frames per second, height) and audio, second by second.
// Prints one JSON line per run. Usage (as root): node test/lab/measure.mjs [runs] [scenario...]
import { startLab } from './netlab.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const [runsArg, ...scenarioArgs] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const scenarios = scenarioArgs.length ? scenarioArgs : ['address', 'outage', 'freeze', 'lossy'];

/** Frames Ada has decoded in all her remote tiles together. */
const framesAt = (page) => page.evaluate(() => window.remoteFrames().reduce((sum, n) => sum + n, 0));

const events = (page) => page.evaluate(() => window.visit.events.filter((e) => ['connected', 'disconnected', 'error'].includes(e.type)).map((e) => ({ type: e.type, at: e.at, reason: e.detail?.reason ?? e.detail?.code })));

/**
 * Waits, from `since`, until Ada's frames have grown by `frames` within one second and returns
 * the time of the first of them: media is back. Undefined after `timeout` ms.
 */
async function mediaBackAfter(page, since, { frames = 10, timeout = 60000 } = {}) {
  const samples = [];
  while (Date.now() - since < timeout) {
    const now = Date.now();
    samples.push([now, await framesAt(page)]);
    // The first sample that had fewer frames than a sample at most 1 s later by `frames`.
    for (let i = 0; i < samples.length; i++) {
      const [at, count] = samples[i];
      const later = samples.find(([t, n]) => t > at && t - at <= 1000 && n - count >= frames);
      if (later) {
        const resumed = samples.slice(i).find(([, n]) => n > count);
        return resumed[0] - since;
      }
    }
    await sleep(50);
  }
  return undefined;
}

/** Waits until Ada's frames stop growing for `quiet` ms; returns when the last one came. */
async function stallAfter(page, since, { quiet = 700, timeout = 15000 } = {}) {
  let last = await framesAt(page);
  let lastAt = Date.now();
  while (Date.now() - since < timeout) {
    await sleep(50);
    const count = await framesAt(page);
    if (count !== last) {
      last = count;
      lastAt = Date.now();
    } else if (Date.now() - lastAt >= quiet) {
      return lastAt - since;
    }
  }
  return undefined;
}

async function openPair(lab, label) {
  const iceServers = [{ urls: lab.stunUrl }, { urls: [lab.turn.udp, lab.turn.tcp], username: lab.turn.username, credential: lab.turn.credential }];
  const room = `measure-${label}-${Math.random().toString(36).slice(2, 8)}`;
  const visitors = [];
  for (const name of ['Ada', 'Bob']) {
    const network = lab.addVisitor('plain');
    const browser = await network.launchChromium();
    const page = await (await browser.newContext()).newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const query = new URLSearchParams({ room, broker: lab.brokerUrl, name, password: '', 'ice-servers': JSON.stringify(iceServers) });
    await page.goto(`${lab.origin}/page.html?${query}`);
    await page.waitForFunction(() => window.visit.joinedAt !== undefined, undefined, { timeout: 30000 });
    visitors.push({ network, browser, page, errors });
  }
  for (const { page } of visitors) {
    await page.waitForFunction(() => window.remoteFrames().some((n) => n > 20), undefined, { timeout: 30000, polling: 50 });
  }
  return visitors;
}

async function measureAddress(ada, bob) {
  const changedAt = Date.now();
  bob.network.changeAddress();
  const stalledAfter = await stallAfter(ada.page, changedAt);
  const backAfter = stalledAfter === undefined ? 0 : await mediaBackAfter(ada.page, changedAt);
  return { stalledAfter, backAfter };
}

async function measureOutage(ada, bob) {
  const downAt = Date.now();
  bob.network.linkDown();
  const stalledAfter = await stallAfter(ada.page, downAt);
  await sleep(Math.max(0, downAt + 10000 - Date.now()));
  const upAt = Date.now();
  bob.network.linkUp();
  const backAfterUp = await mediaBackAfter(ada.page, upAt);
  return { stalledAfter, backAfterUp };
}

async function measureFreeze(ada, bob) {
  const frozenAt = Date.now();
  bob.network.freeze();
  const noticed = await ada.page.waitForFunction((since) => window.visit.events.find((e) => e.type === 'disconnected' && e.at > since), frozenAt, { timeout: 30000, polling: 50 })
    .then((handle) => handle.jsonValue(), () => undefined);
  const noticedAfter = noticed ? Math.round(noticed.at - frozenAt) : undefined;
  const thawedAt = Date.now();
  bob.network.thaw();
  const backAfterThaw = await mediaBackAfter(ada.page, thawedAt);
  return { noticedAfter, reason: noticed?.detail?.reason, backAfterThaw };
}

/** What Ada's connected peer connections have received so far: video frames, height, audio bytes. */
const inbound = (page) => page.evaluate(async () => {
  const totals = { framesDecoded: 0, frameHeight: 0, audioBytes: 0 };
  for (const pc of window.peerConnections.filter((p) => p.connectionState === 'connected')) {
    (await pc.getStats()).forEach((report) => {
      if (report.type !== 'inbound-rtp') return;
      if (report.kind === 'video') {
        totals.framesDecoded += report.framesDecoded ?? 0;
        totals.frameHeight = Math.max(totals.frameHeight, report.frameHeight ?? 0);
      } else {
        totals.audioBytes += report.bytesReceived;
      }
    });
  }
  return totals;
});

async function measureLossy(ada, bob) {
  bob.network.setLoss(0.05);
  bob.network.setRate('1mbit');
  const perSecond = [];
  let before = await inbound(ada.page);
  for (let second = 0; second < 20; second++) {
    await sleep(1000);
    const now = await inbound(ada.page);
    perSecond.push({ fps: now.framesDecoded - before.framesDecoded, height: now.frameHeight, audioBytes: now.audioBytes - before.audioBytes });
    before = now;
  }
  bob.network.setLoss(0);
  bob.network.setRate(undefined);
  const fps = perSecond.map((s) => s.fps);
  return {
    minFps: Math.min(...fps),
    medianFps: fps.sort((a, b) => a - b)[Math.floor(fps.length / 2)],
    heights: [...new Set(perSecond.map((s) => s.height))],
    secondsWithoutAudio: perSecond.filter((s) => s.audioBytes === 0).length,
    perSecond: perSecond.map((s) => s.fps).join(' '),
  };
}

const measures = { address: measureAddress, outage: measureOutage, freeze: measureFreeze, lossy: measureLossy };

const lab = await startLab();
try {
  for (const scenario of scenarios) {
    for (let run = 1; run <= runs; run++) {
      const [ada, bob] = await openPair(lab, scenario);
      const startedAt = Date.now();
      let result;
      try {
        result = await measures[scenario](ada, bob);
      } catch (error) {
        result = { error: error.message };
      }
      const seen = (await events(ada.page)).filter((e) => e.at >= startedAt).map((e) => ({ ...e, at: Math.round(e.at - startedAt) }));
      console.log(JSON.stringify({ scenario, run, ...result, adaEvents: seen, pageErrors: [...ada.errors, ...bob.errors] }));
      await Promise.all([ada, bob].map(({ network }) => network.close()));
    }
  }
} finally {
  await lab.close();
}
