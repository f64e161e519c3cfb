import './support/page-guard.js';
import { expect } from '@open-wc/testing';
import { everyInterval } from '../src/background-interval.js';
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
});
