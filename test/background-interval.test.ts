import './support/page-guard.js';
import { expect } from '@open-wc/testing';
import { BackgroundClock, everyInterval } from '../src/background-interval.js';
import { withPageTimersStalled } from './support/helpers.js';

describe('everyInterval', () => {
  it('keeps several intervals on one clock while the page\'s timers stall, and stops each alone', async () => {
    const fast: number[] = [];
    const slow: number[] = [];
    const stops: Array<() => void> = [];
    await withPageTimersStalled(600, () => {
      stops.push(everyInterval(50, () => fast.push(performance.now())));
      stops.push(everyInterval(200, () => slow.push(performance.now())));
    });
    stops[0]();
    expect(fast.length).to.be.within(8, 13);
    expect(slow.length).to.be.within(2, 4);
    const fastSeen = fast.length;
    await withPageTimersStalled(450, () => undefined);
    stops[1]();
    stops[1]();
    expect(fast.length, 'no tick after its stop').to.equal(fastSeen);
    expect(slow.length, 'the other goes on').to.be.within(4, 7);
  });

  it('falls back to the page\'s timers where its worker is refused at once or fails to load', async () => {
    const failing = () => {
      const url = URL.createObjectURL(new Blob(['throw new Error("refused")'], { type: 'text/javascript' }));
      return new Worker(url);
    };
    const refused = () => {
      throw new DOMException('Refused by the Content-Security-Policy', 'SecurityError');
    };
    for (const [what, startWorker] of [['fails to load', failing], ['is refused', refused]] as const) {
      const clock = new BackgroundClock(startWorker);
      const ticks: number[] = [];
      const stop = clock.every(30, () => ticks.push(performance.now()));
      await new Promise((resolve) => setTimeout(resolve, 400));
      stop();
      const seen = ticks.length;
      expect(seen, `ticks where the worker ${what}`).to.be.within(5, 15);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(ticks.length, 'none after stop').to.equal(seen);
    }
  });
});
