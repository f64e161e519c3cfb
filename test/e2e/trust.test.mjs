// Trust across visits, as a site gets it: the built bundle with `remember-identity` on a plain
// page, two visitors in browsers of their own (own storage), Debian's mosquitto.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mqtt from 'mqtt';
import { expectDecoding, openVisitor, useBrokerServerAndBrowser, waitUntil } from './support.mjs';

describe('remember-identity in the bundle', () => {
  const fixture = useBrokerServerAndBrowser();

  it('keeps a peer verified across a reload, while the broker sees only fresh ids', async () => {
    const room = `e2e-remember-${Math.random().toString(36).slice(2, 8)}`;
    const spy = await mqtt.connectAsync(fixture.broker.url, { protocolVersion: 4 });
    const topics = [];
    spy.on('message', (topic) => topics.push(topic));
    await spy.subscribeAsync('video-chat-element/#');
    const visit = (name) => openVisitor(fixture.browser, fixture.server.origin, { room, broker: fixture.broker.url, name, attributes: { 'remember-identity': '' } });
    const visitors = await Promise.all([visit('Ada'), visit('Bob')]);
    await Promise.all(visitors.map(({ page }) => expectDecoding(page)));
    // Each compares the code and says it matches, as "It matches" in the Verify panel does.
    for (const { page } of visitors) {
      await page.evaluate(() => {
        const el = document.querySelector('video-chat');
        el.markVerified(el.peers[0].peerId);
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const topicsBefore = new Set(topics.splice(0));

    await Promise.all(visitors.map(({ page }) => page.reload()));
    await Promise.all(visitors.map(({ page }) => expectDecoding(page)));
    for (const { page } of visitors) {
      await waitUntil(page, () => window.visit.events.some((e) => e.type === 'peer-verified'));
      const seen = await page.evaluate(async () => {
        const el = document.querySelector('video-chat');
        await el.updateComplete;
        return {
          verified: window.visit.events.filter((e) => e.type === 'peer-verified').map((e) => e.detail.remembered),
          tileParts: el.shadowRoot.querySelector('[part~="remote"]').getAttribute('part').split(' '),
          errors: window.visit.errors,
        };
      });
      assert.deepEqual(seen.verified, [true]);
      assert.ok(seen.tileParts.includes('verified'), `tile parts: ${seen.tileParts}`);
      assert.deepEqual(seen.errors, []);
    }
    // The room's topic is the same; every peer id in a topic is new.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const idsIn = (set) => new Set([...set].map((topic) => topic.split('/')[3]).filter((id) => id && id !== 'presence'));
    const before = idsIn(topicsBefore);
    const after = idsIn(new Set(topics));
    assert.ok(before.size >= 2 && after.size >= 2, `peer ids in topics: ${[...before]} then ${[...after]}`);
    assert.deepEqual([...after].filter((id) => before.has(id)), []);
    await spy.endAsync();
    await Promise.all(visitors.map(({ context }) => context.close()));
  });
});
