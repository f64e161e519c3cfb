// Visitors on different engines meet: Debian's Chromium and firefox-esr load the built bundle from
// the same plain page and meet through mosquitto, in every order. Run inside a loopback-only
// network namespace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engineOf, expectDecoding, expectHearing, openVisitor, useBrokerServerAndBrowsers, waitUntil } from './support.mjs';

describe('a call across engines (Chromium and Firefox)', () => {
  const fixture = useBrokerServerAndBrowsers();

  /**
   * Opens one visitor per engine named, each once the one before is in the room (so the first
   * named is the member the others find there), and waits until every one decodes every other's
   * video. Returns the visitors; fails on any `error` event.
   */
  async function meet(label, engines) {
    const room = `e2e-engines-${label}-${Math.random().toString(36).slice(2, 8)}`;
    const visitors = [];
    for (const [index, engine] of engines.entries()) {
      const browser = engine === 'Firefox' ? fixture.firefox : fixture.chromium;
      const visitor = await openVisitor(browser, fixture.server.origin, { room, broker: fixture.broker.url, name: `${engine}-${index}` });
      await waitUntil(visitor.page, () => window.visit.joinedAt !== undefined);
      visitors.push(visitor);
    }
    const others = engines.length - 1;
    await Promise.all(visitors.map(async ({ page }) => {
      await waitUntil(page, (n) => window.remoteFrames().length === n, 30000, others).catch(async (error) => {
        const events = await page.evaluate(() => window.visit.events.filter((e) => e.type !== 'signaling-state'));
        throw new Error(`${engineOf(page)} visitor shows ${others} remote tiles: ${error.message}\n${JSON.stringify(events)}`);
      });
      await expectDecoding(page, 10, 30000);
    }));
    for (const [index, { page }] of visitors.entries()) {
      const visit = await page.evaluate(() => window.visit);
      assert.deepEqual(visit.events.filter((e) => e.type === 'error').map((e) => e.detail), [], `errors at ${engines[index]}-${index}`);
      assert.deepEqual(visit.errors, []);
      const names = visit.events.filter((e) => e.type === 'connected').map((e) => e.detail.name).sort();
      assert.deepEqual(names, engines.map((engine, i) => `${engine}-${i}`).filter((_, i) => i !== index).sort());
    }
    return visitors;
  }

  const cells = [
    ['chromium-chromium', 'Chromium and Chromium', ['Chromium', 'Chromium']],
    ['firefox-firefox', 'Firefox and Firefox', ['Firefox', 'Firefox']],
    ['firefox-first', 'Firefox first, then Chromium', ['Firefox', 'Chromium']],
    ['chromium-first', 'Chromium first, then Firefox', ['Chromium', 'Firefox']],
    ['three', 'three visitors: Firefox, Chromium, Firefox', ['Firefox', 'Chromium', 'Firefox']],
  ];
  for (const [label, title, engines] of cells) {
    it(`${title}: everyone sees and hears everyone`, async () => {
      const visitors = await meet(label, engines);
      await Promise.all(visitors.map(({ page }) => expectHearing(page)));
      await Promise.all(visitors.map(({ context }) => context.close()));
    });
  }
});
