// A visitor moves to another network mid-call (a new address, as from Wi-Fi to a phone's), in the
// network lab (netlab.mjs): two Chromium visitors behind endpoint-independent NATs, coturn offered
// as STUN and TURN. Runs as root in the root network namespace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitUntil } from '../e2e/support.mjs';
import { closeAll, expectAllDecoding, pairBehind, useLab } from './support.mjs';

/**
 * Media back within this long of a move to another network: the path's silence is noticed after
 * 2.5 s, its stopped bytes 1.2 s later, the dead broker connection 1.5 s after that; the restart
 * offers go out once the broker is reached again, and a side may wait out its recovery delay (3 s)
 * first. 6.5–10.1 s measured here.
 */
const MOVE_BOUND = 15000;

/** Resolves once the page has presented no remote frame for `quiet` ms: the video has stopped. */
function videoStops(page, quiet = 1000, timeout = 5000) {
  return waitUntil(page, (ms) => {
    const frames = window.remoteFrames().reduce((sum, n) => sum + n, 0);
    const now = performance.now();
    if (frames !== window.labLastFrames) {
      window.labLastFrames = frames;
      window.labLastFrameAt = now;
    }
    return now - window.labLastFrameAt >= ms;
  }, timeout, quiet);
}

/**
 * From now on, counts the frames every remote tile presents, including tiles that appear later
 * (a visitor who was dropped and came back gets a new one): `window.labFramesSince`.
 */
function countFramesFromNow(page) {
  return page.evaluate(() => {
    window.labFramesSince = 0;
    const watched = new WeakSet();
    const element = document.querySelector('video-chat');
    setInterval(() => {
      for (const video of element.shadowRoot.querySelectorAll('[part~="remote"] video')) {
        if (watched.has(video)) continue;
        watched.add(video);
        const next = () => video.requestVideoFrameCallback(() => {
          window.labFramesSince++;
          next();
        });
        next();
      }
    }, 50);
  });
}

describe('a network that moves (network lab)', () => {
  const fixture = useLab();

  it('a visitor moves to another network mid-call (new address): both see each other again within 10 s, in the same call', async () => {
    const { stun, turn } = fixture;
    const visitors = await pairBehind(fixture.lab, 'move', ['plain', 'plain'], [stun(), turn('udp', 'tcp')]);
    const [ada, bob] = visitors;
    try {
      await expectAllDecoding(visitors);
      await Promise.all(visitors.map(({ page }) => countFramesFromNow(page)));
      const joinedBefore = await Promise.all(visitors.map(({ page }) => page.evaluate(() => window.visit.events.filter((e) => e.type === 'joined').length)));
      const movedAt = Date.now();
      bob.network.changeAddress();
      await videoStops(ada.page);
      await Promise.all(visitors.map(({ page }) => page.evaluate(() => (window.labFramesSince = 0))));
      await Promise.all(visitors.map(async ({ page }, i) => {
        await waitUntil(page, () => window.labFramesSince >= 10, Math.max(0, movedAt + MOVE_BOUND - Date.now())).catch(async (error) => {
          const events = await page.evaluate(() => window.visit.events.filter((e) => e.type !== 'signaling-state'));
          assert.fail(`${i ? 'Bob' : 'Ada'} decodes no video ${MOVE_BOUND} ms after the move: ${error.message}\nevents: ${JSON.stringify(events)}`);
        });
        console.log(`${i ? 'Bob' : 'Ada'} decodes video again ${Date.now() - movedAt} ms after the move`);
      }));
      // Nobody left or joined again: the same visit goes on.
      const joinedAfter = await Promise.all(visitors.map(({ page }) => page.evaluate(() => window.visit.events.filter((e) => e.type === 'joined' || e.type === 'left').length)));
      assert.deepEqual(joinedAfter, joinedBefore);
    } finally {
      await closeAll(visitors);
    }
  });
});
