// The broker and anyone subscribed to `#` are hostile: they must learn nothing from a call, and
// nothing they publish may break it. Real mosquitto, real Chromium pages, the built bundle.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import mqtt from 'mqtt';
import { expectDecoding, openVisitor, useBrokerServerAndBrowser, waitUntil } from './support.mjs';

describe('a hostile broker', () => {
  const fixture = useBrokerServerAndBrowser();

  async function eavesdropper() {
    const client = await mqtt.connectAsync(fixture.broker.url, { protocolVersion: 4 });
    const captured = [];
    client.on('message', (topic, payload) => captured.push({ topic, payload: Buffer.from(payload) }));
    await client.subscribeAsync('#');
    return { client, captured };
  }

  it('learns nothing from a full call with a password', async () => {
    const room = 'board-meeting-q4-confidential';
    const password = 'correct horse battery staple';
    const names = ['Ada Lovelace', 'Bob Builder'];
    const spy = await eavesdropper();
    const [ada, bob] = await Promise.all(names.map((name) => openVisitor(fixture.browser, fixture.server.origin, { room, broker: fixture.broker.url, name, password })));
    await Promise.all([expectDecoding(ada.page), expectDecoding(bob.page)]);
    await bob.page.evaluate(() => document.querySelector('video-chat').leave());
    await waitUntil(ada.page, () => window.visit.events.some((e) => e.type === 'disconnected'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await spy.client.endAsync();
    await Promise.all([ada.context.close(), bob.context.close()]);

    // Only words that cannot turn up by chance: topics carry random hex peer ids (where "ada" can
    // appear) and payloads are ciphertext, so each word is five characters or more, not all hex.
    const forbidden = ['v=0\r\n', 'a=candidate', 'candidate:', 'ice-ufrag', 'ice-pwd', 'fingerprint', 'sha-256', 'typ host', room, password, ...names, 'Lovelace', 'Builder', 'hello', 'offer', 'answer'];
    const ipAddress = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/;
    const bytes = spy.captured.reduce((sum, m) => sum + m.payload.length, 0);
    // The least a whole call takes: two hellos and the goodbye on the room topic, an offer and an
    // answer in the two inboxes (a `here` or trickled candidates may add more).
    assert.ok(spy.captured.length >= 5, `expected a real exchange, captured ${spy.captured.length}`);
    assert.ok(new Set(spy.captured.map((m) => m.topic)).size >= 3, 'expected the room topic and both inboxes');
    for (const { topic, payload } of spy.captured) {
      for (const text of [topic, payload.toString('latin1'), payload.toString('utf8')]) {
        for (const word of forbidden) assert.ok(!text.toLowerCase().includes(word.toLowerCase()), `"${word}" leaked in ${topic}`);
        assert.ok(!ipAddress.test(text), `an IP address leaked in ${topic}`);
      }
    }
    console.log(`eavesdropper captured ${spy.captured.length} messages, ${bytes} bytes, on ${new Set(spy.captured.map((m) => m.topic)).size} topics; none readable`);
  });

  it('cannot break a live call by flooding it with 10,000+ hostile messages', async () => {
    const room = `flood-${Math.random().toString(36).slice(2, 8)}`;
    const spy = await eavesdropper();
    const visitors = await Promise.all(['Ada', 'Bob'].map((name) => openVisitor(fixture.browser, fixture.server.origin, { room, broker: fixture.broker.url, name, password: 'pw' })));
    await Promise.all(visitors.map(({ page }) => expectDecoding(page)));
    const topics = [...new Set(spy.captured.map((m) => m.topic))];
    const realMessages = spy.captured.slice();
    const heapBefore = await Promise.all(visitors.map(({ page }) => page.evaluate(() => {
      window.gc?.();
      return performance.memory.usedJSHeapSize;
    })));

    const attacker = await mqtt.connectAsync(fixture.broker.url, { protocolVersion: 4 });
    const hostile = [
      () => randomBytes(1 + Math.floor(Math.random() * 300)),
      () => Buffer.from(JSON.stringify({ v: 1, kind: 'offer', from: 'x', sdp: 42 })),
      () => Buffer.from('{"__proto__":{"polluted":1}}'),
      () => Buffer.from(JSON.stringify({ constructor: { prototype: { polluted: 1 } } })),
      () => realMessages[Math.floor(Math.random() * realMessages.length)].payload,
      () => Buffer.concat([Buffer.from([1]), randomBytes(100)]),
    ];
    const started = performance.now();
    let sent = 0;
    for (let i = 0; i < 12000; i++) {
      const topic = topics[i % topics.length];
      const payload = i % 600 === 0 ? Buffer.alloc(1024 * 1024, 0x7b) : hostile[i % hostile.length]();
      attacker.publish(topic, payload, { qos: 0 });
      sent++;
      if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => attacker.stream.write('', resolve));
    const seconds = (performance.now() - started) / 1000;
    await attacker.endAsync();
    await spy.client.endAsync();

    for (const { page } of visitors) await expectDecoding(page, 30, 20000);
    for (const { page } of visitors) {
      const state = await page.evaluate(() => {
        window.gc?.();
        return { errors: window.visit.errors, polluted: ({}).polluted, heap: performance.memory.usedJSHeapSize, disconnects: window.visit.events.filter((e) => e.type === 'disconnected').length };
      });
      assert.deepEqual(state.errors, []);
      assert.equal(state.polluted, undefined);
      assert.equal(state.disconnects, 0);
      const growthMb = (state.heap - heapBefore[visitors.findIndex((v) => v.page === page)]) / 1048576;
      assert.ok(growthMb < 40, `heap grew ${growthMb.toFixed(1)} MB`);
      console.log(`heap growth under flood: ${growthMb.toFixed(1)} MB`);
    }
    console.log(`flood: ${sent} hostile messages in ${seconds.toFixed(2)} s (${Math.round(sent / seconds)}/s) on ${topics.length} topics; call kept decoding`);
    await Promise.all(visitors.map(({ context }) => context.close()));
  });
  it('ignores a retained message an outsider left on the room topic', async () => {
    const room = `retained-${Math.random().toString(36).slice(2, 8)}`;
    const spy = await eavesdropper();
    // A visitor with another password knocks on the room's topic, then goes.
    const eve = await openVisitor(fixture.browser, fixture.server.origin, { room, broker: fixture.broker.url, name: 'Eve', password: 'another' });
    await waitUntil(eve.page, () => window.visit.joinedAt !== undefined);
    await eve.context.close();
    const knock = spy.captured.find((m) => m.topic.endsWith('/presence'));
    assert.ok(knock, 'saw the knock');
    // An outsider keeps it on the broker for every later subscriber.
    await spy.client.publishAsync(knock.topic, knock.payload, { qos: 1, retain: true });
    try {
      const ada = await openVisitor(fixture.browser, fixture.server.origin, { room, broker: fixture.broker.url, name: 'Ada', password: 'right' });
      await waitUntil(ada.page, () => window.visit.joinedAt !== undefined);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const errors = await ada.page.evaluate(() => window.visit.events.filter((e) => e.type === 'error').map((e) => e.detail.code));
      assert.deepEqual(errors, []);
      await ada.context.close();
    } finally {
      await spy.client.publishAsync(knock.topic, Buffer.alloc(0), { qos: 1, retain: true });
      await spy.client.endAsync();
    }
  });

  it('keeps visitors on the broker while an outsider connects with every id it saw in the topics', async () => {
    const room = `kick-${Math.random().toString(36).slice(2, 8)}`;
    const spy = await eavesdropper();
    const visit = (name) => openVisitor(fixture.browser, fixture.server.origin, { room, broker: fixture.broker.url, name });
    const [ada, bob] = await Promise.all([visit('Ada'), visit('Bob')]);
    await Promise.all([expectDecoding(ada.page), expectDecoding(bob.page)]);
    const seenIds = [...new Set(spy.captured.map((m) => m.topic.split('/').at(-1)).filter((id) => id !== 'presence'))];
    assert.ok(seenIds.length >= 2, `peer ids in topics: ${seenIds}`);
    const stateEvents = () => Promise.all([ada, bob].map(({ page }) => page.evaluate(() => window.visit.events.filter((e) => e.type === 'signaling-state').length)));
    const statesBefore = await stateEvents();

    // For 4 s, connect with every client id a visitor could have derived from what was seen.
    let kicking = true;
    const kicks = (async () => {
      let attempts = 0;
      while (kicking) {
        for (const id of seenIds) {
          for (const clientId of [`vc_${id}`, id]) {
            const client = await mqtt.connectAsync(fixture.broker.url, { protocolVersion: 4, clientId, reconnectPeriod: 0 }).catch(() => undefined);
            await client?.endAsync();
            attempts++;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return attempts;
    })();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const cy = await visit('Cy');
    await waitUntil(cy.page, () => window.remoteFrames().length === 2 && window.remoteFrames().every((n) => n > 0), 15000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    kicking = false;
    const attempts = await kicks;
    assert.ok(attempts > 10, `only ${attempts} attempts`);
    assert.deepEqual(await stateEvents(), statesBefore, 'the visitors lost their broker connection');
    for (const { page } of [ada, bob, cy]) {
      assert.equal(await page.evaluate(() => window.visit.events.filter((e) => e.type === 'disconnected').length), 0);
    }
    await spy.client.endAsync();
    await Promise.all([ada, bob, cy].map(({ context }) => context.close()));
  });
});
