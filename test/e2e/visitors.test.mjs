// What a visitor does: two separate browser pages load the built dist/video-chat.js from a plain
// HTML page and meet through Debian's mosquitto. Run inside a loopback-only network namespace.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import mqtt from 'mqtt';
import { expectDecoding, median, openVisitor, pageUrl, useBrokerServerAndBrowser, waitUntil } from './support.mjs';

describe('two visitors on a plain page with the built bundle', () => {
  const fixture = useBrokerServerAndBrowser();

  const visit = (room, name) => openVisitor(fixture.browser, fixture.server.origin, { room, broker: fixture.broker.url, name });

  it('connect, decode each other\'s video and hang up cleanly (5 trials)', async () => {
    const timings = [];
    for (let trial = 0; trial < 5; trial++) {
      const room = `e2e-${trial}-${Math.random().toString(36).slice(2, 8)}`;
      const [ada, bob] = await Promise.all([visit(room, 'Ada'), visit(room, 'Bob')]);
      for (const { page } of [ada, bob]) await expectDecoding(page, 10, 10000);
      const [a, b] = await Promise.all([ada, bob].map(({ page }) => page.evaluate(() => window.visit)));
      assert.deepEqual([a.errors, b.errors], [[], []]);
      assert.equal(a.events.find((e) => e.type === 'connected').detail.name, 'Bob');
      assert.equal(b.events.find((e) => e.type === 'connected').detail.name, 'Ada');
      timings.push(Math.max(a.firstRemoteFrameAt, b.firstRemoteFrameAt) - Math.max(a.joinedAt, b.joinedAt));

      const gone = waitUntil(ada.page, () => window.visit.events.some((e) => e.type === 'disconnected'));
      await bob.page.evaluate(() => document.querySelector('video-chat').leave());
      await gone;
      const reason = await ada.page.evaluate(() => window.visit.events.find((e) => e.type === 'disconnected').detail.reason);
      assert.equal(reason, 'left');
      await Promise.all([ada.context.close(), bob.context.close()]);
    }
    console.log(`both joined → first remote frame on both pages, ms: ${timings.map((t) => t.toFixed(0)).join(', ')}; median ${median(timings).toFixed(0)} ms`);
  });

  it('joins when its broker socket is open long before the room key is ready', async () => {
    // A slow device: key derivation takes 400 ms more, so the early socket has opened by then.
    const room = `e2e-slow-key-${Math.random().toString(36).slice(2, 8)}`;
    const visitors = [];
    for (const name of ['Ada', 'Bob']) {
      const context = await fixture.browser.newContext();
      await context.addInitScript(() => {
        // Init scripts also run in about:blank, which has no WebCrypto.
        if (!globalThis.crypto?.subtle) return;
        const derive = crypto.subtle.deriveBits.bind(crypto.subtle);
        crypto.subtle.deriveBits = (...args) => new Promise((resolve) => setTimeout(resolve, 400)).then(() => derive(...args));
      });
      const page = await context.newPage();
      await page.goto(pageUrl(fixture.server.origin, { room, broker: fixture.broker.url, name }));
      visitors.push({ context, page });
    }
    for (const { page } of visitors) await expectDecoding(page, 10, 10000);
    const states = await Promise.all(visitors.map(({ page }) => page.evaluate(() => window.visit.errors)));
    assert.deepEqual(states, [[], []]);
    await Promise.all(visitors.map(({ context }) => context.close()));
  });

  it('leaves no retained message on the broker', async () => {
    const client = await mqtt.connectAsync(fixture.broker.url, { protocolVersion: 4 });
    const retained = [];
    client.on('message', (topic, payload, packet) => packet.retain && retained.push(topic));
    await client.subscribeAsync('#');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await client.endAsync();
    assert.deepEqual(retained, []);
  });
});

describe('the drop-in bundle', () => {
  it("gives MQTT.js our microtask `process` shim, not the `process` package's timer-based one", () => {
    // The package's nextTick waits for a timer task, and every MQTT.js write waits for one nextTick.
    const bundle = readFileSync(new URL('../../dist/video-chat.js', import.meta.url), 'utf8');
    // A message only the package carries; the shim's own behaviour is unit-tested.
    assert.equal(bundle.includes('process.chdir is not supported'), false);
  });
});

describe('the library build', () => {
  it('imports in Node (server-side rendering) without touching window', async () => {
    const module = await import('../../lib/index.js');
    assert.equal(typeof module.VideoChat, 'function');
    assert.equal(typeof globalThis.window, 'undefined');
  });
});
