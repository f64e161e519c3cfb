import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import process, { nextTick } from '../../scripts/mqtt-browser/process.mjs';

// The drop-in bundle gives MQTT.js this `process` (see rollup.config.mjs). Every MQTT.js write
// waits for one nextTick, so a nextTick that waited for a timer task held signals back.
describe('process shim of the drop-in bundle', () => {
  it('runs nextTick callbacks in order, with their arguments, before the page runs another task', async () => {
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    const calls: unknown[][] = [];
    nextTick((a: number, b: string) => calls.push([a, b, timerRan]), 1, 'two');
    process.nextTick(() => calls.push(['second', timerRan]));
    // Queued after both callbacks, as a microtask: they have run by the time it does.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(calls).to.deep.equal([
      [1, 'two', false],
      ['second', false],
    ]);
  });

  it('answers what MQTT.js and readable-stream read from it', () => {
    expect(process.browser).to.equal(true);
    expect(process.env).to.deep.equal({});
    expect(process.version).to.equal('');
    expect(Object.prototype.hasOwnProperty.call(process.versions, 'electron')).to.equal(false);
  });
});
