// A visitor whose browser stops (every process frozen with SIGSTOP: a hung machine, a laptop lid
// closed) and one whose page is merely busy, in the network lab (netlab.mjs): two Chromium
// visitors behind endpoint-independent NATs. Runs as root in the root network namespace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectDecoding, waitUntil } from '../e2e/support.mjs';
import { closeAll, expectAllDecoding, pairBehind, useLab } from './support.mjs';

/** Issue 29's bound: the others are told within 5 s, and a thawed visitor is back within 5 s. */
const BOUND_MS = 5000;

const events = (page, type) => page.evaluate((t) => window.visit.events.filter((e) => e.type === t), type);

describe('a frozen visitor (network lab)', () => {
  const fixture = useLab();

  it('is reported gone within 5 s of its browser stopping, and back within 5 s of it running again, the same call', async () => {
    const visitors = await pairBehind(fixture.lab, 'frozen', ['plain', 'plain'], [fixture.stun()]);
    const [ada, bob] = visitors;
    try {
      await expectAllDecoding(visitors);
      bob.network.freeze();
      const frozenAt = Date.now();
      await waitUntil(ada.page, () => window.visit.events.some((e) => e.type === 'disconnected'), BOUND_MS + 5000);
      const toldAfter = Date.now() - frozenAt;
      const [gone] = await events(ada.page, 'disconnected');
      assert.equal(gone.detail.reason, 'vanished');
      assert.ok(toldAfter <= BOUND_MS, `Ada was told after ${toldAfter} ms`);
      // Frozen for a while longer, as a visitor who comes back after a pause would be.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      bob.network.thaw();
      const thawedAt = Date.now();
      await waitUntil(ada.page, () => window.visit.events.filter((e) => e.type === 'connected').length === 2, BOUND_MS + 10000);
      const backAfter = Date.now() - thawedAt;
      await expectDecoding(ada.page);
      assert.ok(backAfter <= BOUND_MS, `Bob was back at Ada's after ${backAfter} ms`);
      console.log(`frozen visitor: told after ${toldAfter} ms, back ${backAfter} ms after it resumed`);
      // Bob never left the room: nothing on his side said so, and no error anywhere.
      for (const { page } of visitors) assert.deepEqual((await events(page, 'error')).map((e) => e.detail), []);
    } finally {
      await closeAll(visitors);
    }
  });

  it('is never reported gone while its page is busy (its timers stalled, as in a background tab)', async () => {
    const visitors = await pairBehind(fixture.lab, 'busy', ['plain', 'plain'], [fixture.stun()]);
    const [ada, bob] = visitors;
    try {
      await expectAllDecoding(visitors);
      // Bob's page runs nothing for 8 s: no heartbeat leaves it, but his browser still sends media.
      await bob.page.evaluate(() => {
        const until = performance.now() + 8000;
        while (performance.now() < until) { /* busy */ }
      });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.deepEqual(await events(ada.page, 'disconnected'), []);
      await expectAllDecoding(visitors);
    } finally {
      await closeAll(visitors);
    }
  });
});
