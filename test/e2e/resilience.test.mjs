// Calls that survive: killed visitors are noticed, broker outages do not drop calls, bridged
// brokers meet, a broken media path recovers by ICE restart. Real mosquitto, real Chromium.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import mqtt from 'mqtt';
import { chromium } from 'playwright-core';
import { startAedes, startMosquitto } from '../../scripts/brokers.mjs';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { expectDecoding, guardPages, openLivePair, openVisitor, useServerAndBrowser, waitUntil } from './support.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const room = (label) => `${label}-${Math.random().toString(36).slice(2, 8)}`;
const events = (page, type) => page.evaluate((t) => window.visit.events.filter((e) => e.type === t), type);
/** Drops all UDP on loopback (WebRTC media) while signaling, over TCP, stays up; `false` lets it through again. */
const blockMedia = (blocked) => execFileSync('iptables', [blocked ? '-I' : '-D', 'INPUT', '-p', 'udp', '-j', 'DROP']);

describe('calls that survive', () => {
  const fixture = useServerAndBrowser();

  it('notices a visitor whose browser process was killed, as vanished, within 2 s', async () => {
    const broker = await startMosquitto();
    const doomedServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
    try {
      const doomed = guardPages(await chromium.connect(doomedServer.wsEndpoint()));
      const name = room('kill');
      const ada = await openVisitor(fixture.browser, fixture.server.origin, { room: name, broker: broker.url, name: 'Ada' });
      const bob = await openVisitor(doomed, fixture.server.origin, { room: name, broker: broker.url, name: 'Bob' });
      await Promise.all([expectDecoding(ada.page), expectDecoding(bob.page)]);
      const killedAt = Date.now();
      doomedServer.process().kill('SIGKILL');
      await waitUntil(ada.page, () => window.visit.events.some((e) => e.type === 'disconnected'), 10000);
      const [gone] = await events(ada.page, 'disconnected');
      const detectionMs = gone.at - killedAt;
      console.log(`killed visitor noticed after ${detectionMs.toFixed(0)} ms (reason: ${gone.detail.reason})`);
      assert.equal(gone.detail.reason, 'vanished');
      assert.ok(detectionMs < 2000, `took ${detectionMs} ms`);
      await ada.context.close();
    } finally {
      await doomedServer.close().catch(() => undefined);
      await broker.stop();
    }
  });

  it('tells the others "left" within 1 s when a visitor navigates away or closes the tab', async () => {
    const broker = await startMosquitto();
    try {
      for (const how of ['navigate', 'close']) {
        const name = room(how);
        const [ada, bob] = await openLivePair(fixture, name, broker.url);
        const goneAt = Date.now();
        if (how === 'navigate') await bob.page.goto('about:blank');
        else await bob.page.close({ runBeforeUnload: true });
        await waitUntil(ada.page, () => window.visit.events.some((e) => e.type === 'disconnected'), 5000);
        const [gone] = await events(ada.page, 'disconnected');
        const ms = gone.at - goneAt;
        console.log(`${how}: the other side saw "${gone.detail.reason}" after ${ms.toFixed(0)} ms`);
        assert.equal(gone.detail.reason, 'left');
        assert.ok(ms < 1000, `took ${ms} ms`);
        await Promise.all([ada.context.close(), bob.context.close()]);
      }
    } finally {
      await broker.stop();
    }
  });

  it('keeps media flowing through a broker crash, then lets a newcomer meet everyone once', async () => {
    let broker = await startMosquitto();
    const { wsPort, tcpPort } = broker;
    try {
      const name = room('outage');
      const [ada, bob] = await openLivePair(fixture, name, broker.url);

      await broker.stop('SIGKILL');
      await waitUntil(ada.page, () => document.querySelector('video-chat').signalingState === 'reconnecting', 10000);
      const framesBefore = await Promise.all([ada, bob].map(({ page }) => page.evaluate(() => window.remoteFrames()[0])));
      await sleep(5000);
      const framesAfter = await Promise.all([ada, bob].map(({ page }) => page.evaluate(() => window.remoteFrames()[0])));
      const decoded = framesAfter.map((n, i) => n - framesBefore[i]);
      console.log(`frames decoded during 5 s without a broker: Ada ${decoded[0]}, Bob ${decoded[1]}`);
      for (const n of decoded) assert.ok(n > 50, `only ${n} frames in 5 s`);

      broker = await startMosquitto({ wsPort, tcpPort });
      const cy = await openVisitor(fixture.browser, fixture.server.origin, { room: name, broker: broker.url, name: 'Cy' });
      for (const { page } of [ada, bob, cy]) {
        await waitUntil(page, () => window.remoteFrames().length === 2 && window.remoteFrames().every((n) => n > 0), 30000);
      }
      for (const { page } of [ada, bob, cy]) {
        const connected = await events(page, 'connected');
        const names = connected.map((e) => e.detail.name).sort();
        assert.equal(new Set(names).size, names.length, `duplicated peers: ${names}`);
        assert.equal(names.length, 2);
        assert.deepEqual(await events(page, 'disconnected'), []);
        assert.equal(await page.evaluate(() => document.querySelector('video-chat').signalingState), 'online');
      }
      await Promise.all([ada, bob, cy].map(({ context }) => context.close()));
    } finally {
      await broker.stop();
    }
  });

  it('lets two visitors on two bridged mosquitto brokers meet', async () => {
    const hub = await startMosquitto();
    const edge = await startMosquitto({
      extraConfig: ['connection to-hub', `address 127.0.0.1:${hub.tcpPort}`, 'topic video-chat-element/# both 1', 'cleansession true', 'restart_timeout 1'].join('\n'),
    });
    try {
      await waitForBridge(hub, edge);
      const name = room('bridge');
      const ada = await openVisitor(fixture.browser, fixture.server.origin, { room: name, broker: hub.url, name: 'Ada' });
      const bob = await openVisitor(fixture.browser, fixture.server.origin, { room: name, broker: edge.url, name: 'Bob' });
      await Promise.all([expectDecoding(ada.page), expectDecoding(bob.page)]);
      await Promise.all([ada.context.close(), bob.context.close()]);
    } finally {
      await edge.stop();
      await hub.stop();
    }
  });

  it('fails over to the next broker in the list when the first dies', async () => {
    const first = await startMosquitto();
    const second = await startMosquitto();
    try {
      const brokers = `${first.url} ${second.url}`;
      const name = room('failover');
      const ada = await openVisitor(fixture.browser, fixture.server.origin, { room: name, broker: brokers, name: 'Ada' });
      await expectNoDecodingYet(ada.page);
      await first.stop('SIGKILL');
      await waitUntil(ada.page, () => document.querySelector('video-chat').signalingState === 'online'
        && window.visit.events.filter((e) => e.type === 'signaling-state').length >= 3, 20000);
      const bob = await openVisitor(fixture.browser, fixture.server.origin, { room: name, broker: second.url, name: 'Bob' });
      await Promise.all([expectDecoding(ada.page, 10, 20000), expectDecoding(bob.page, 10, 20000)]);
      await Promise.all([ada.context.close(), bob.context.close()]);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('tries again when the broker refuses its subscription, and joins once it accepts', async () => {
    const broker = await startAedes();
    let refusals = 0;
    broker.broker.authorizeSubscribe = (client, subscription, callback) => {
      if (refusals < 2) {
        refusals++;
        callback(null, null); // SUBACK 0x80: refused, connection kept
      } else callback(null, subscription);
    };
    try {
      const ada = await openVisitor(fixture.browser, fixture.server.origin, { room: room('refused'), broker: broker.url, name: 'Ada' });
      await waitUntil(ada.page, () => window.visit.joinedAt !== undefined, 20000);
      assert.ok(refusals >= 2, `refused ${refusals} times`);
      const errors = await events(ada.page, 'error');
      assert.deepEqual(errors.map((e) => e.detail.code), ['broker-unreachable']);
      assert.match(errors[0].detail.message, /refused our subscription/);
      assert.deepEqual(await ada.page.evaluate(() => window.visit.errors), []);
      await ada.context.close();
    } finally {
      await broker.close();
    }
  });

  it('recovers from a broken media path by ICE restart', async () => {
    const broker = await startMosquitto();
    try {
      const name = room('ice');
      const [ada, bob] = await openLivePair(fixture, name, broker.url);
      const ufragBefore = await remoteUfrag(ada.page);
      // WebRTC media is UDP and signaling is TCP: dropping UDP on loopback breaks only the media path,
      // for long enough that the browser finds the connection broken (a quiet heartbeat alone is
      // not reason enough to restart), and then a while longer, so that a first restart fails too.
      blockMedia(true);
      try {
        await waitUntil(ada.page, () => window.peerConnections.some((pc) => pc.connectionState === 'disconnected'), 20000);
        await sleep(2000);
      } finally {
        blockMedia(false);
      }
      await Promise.all([expectDecoding(ada.page, 30, 20000), expectDecoding(bob.page, 30, 20000)]);
      const ufragAfter = await remoteUfrag(ada.page);
      assert.notEqual(ufragAfter, ufragBefore, 'ICE credentials should have changed (a restart happened)');
      for (const { page } of [ada, bob]) assert.deepEqual(await events(page, 'disconnected'), []);
      await Promise.all([ada.context.close(), bob.context.close()]);
    } finally {
      await broker.stop();
    }
  });

  it('lets a pair meet again once the network is back, after their link gave up while both stayed in the room', async () => {
    const broker = await startMosquitto();
    try {
      const name = room('again');
      const [ada, bob] = await openLivePair(fixture, name, broker.url);
      // Media (UDP) down for longer than the ICE restarts last; signaling (TCP) stays up.
      blockMedia(true);
      let brokenFor;
      try {
        const startedAt = Date.now();
        await Promise.all([ada, bob].map(({ page }) => waitUntil(page, () => window.visit.events.some((e) => e.type === 'disconnected'), 90000)));
        brokenFor = Date.now() - startedAt;
      } finally {
        blockMedia(false);
      }
      // Each side announces itself again 4 s, 15 s and 60 s after its failures, so the last
      // attempt may still be a minute away when the network comes back.
      const healedAt = Date.now();
      await Promise.all([ada, bob].map(({ page }) => waitUntil(page, () => window.visit.events.filter((e) => e.type === 'connected').length >= 2, 75000)));
      console.log(`link given up after ${brokenFor} ms without media; met again ${Date.now() - healedAt} ms after the network came back`);
      await Promise.all([expectDecoding(ada.page, 10, 20000), expectDecoding(bob.page, 10, 20000)]);
      for (const { page } of [ada, bob]) assert.deepEqual(await page.evaluate(() => window.visit.errors), []);
      await Promise.all([ada.context.close(), bob.context.close()]);
    } finally {
      await broker.stop();
    }
  });
});

/**
 * The ICE username fragment the remote side currently uses, read from the page's connected peer
 * connection (the page also holds a prepared offer, which has no remote side yet).
 */
function remoteUfrag(page) {
  return page.evaluate(() => window.peerConnections.find((pc) => pc.connectionState === 'connected').remoteDescription.sdp.match(/a=ice-ufrag:(\S+)/)[1]);
}

async function expectNoDecodingYet(page) {
  await waitUntil(page, () => document.querySelector('video-chat').state === 'joined');
  assert.deepEqual(await page.evaluate(() => window.remoteFrames()), []);
}

/** Publishes on the edge broker until the hub hears it: the bridge is up. */
async function waitForBridge(hub, edge) {
  const listener = await mqtt.connectAsync(hub.url, { protocolVersion: 4 });
  const talker = await mqtt.connectAsync(edge.url, { protocolVersion: 4 });
  let heard = false;
  listener.on('message', () => (heard = true));
  await listener.subscribeAsync('video-chat-element/bridge-probe');
  const deadline = Date.now() + 15000;
  while (!heard && Date.now() < deadline) {
    await talker.publishAsync('video-chat-element/bridge-probe', 'ping');
    await sleep(200);
  }
  await Promise.all([listener.endAsync(), talker.endAsync()]);
  assert.ok(heard, 'the mosquitto bridge did not come up');
}
