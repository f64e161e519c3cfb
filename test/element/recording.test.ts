import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { connectedPair, removeVisitors } from '../support/visitors.js';
import { nextEvent, remoteTiles, waitFor, withPageTimersStalled } from '../support/helpers.js';
import { HEAD_BYTES } from '../../src/media/webm-duration.js';

afterEach(removeVisitors);

const parts = (el: Element) => (el.getAttribute('part') ?? '').split(' ');

/** The duration a player reads from a WebM file (Infinity without one in the file). */
async function playedDuration(blob: Blob): Promise<number> {
  const video = document.createElement('video');
  video.muted = true;
  video.src = URL.createObjectURL(blob);
  await new Promise((resolve, reject) => {
    video.addEventListener('loadedmetadata', resolve, { once: true });
    video.addEventListener('error', () => reject(new Error(`cannot play: ${video.error?.message}`)), { once: true });
  });
  const { duration } = video;
  URL.revokeObjectURL(video.src);
  return duration;
}

/** Records the size of every Blob the page reads into memory, by any API, until restored. */
function spyOnBlobReads() {
  const sizes: number[] = [];
  const originals = { arrayBuffer: Blob.prototype.arrayBuffer, bytes: Blob.prototype.bytes, readAsArrayBuffer: FileReader.prototype.readAsArrayBuffer };
  Blob.prototype.arrayBuffer = function (this: Blob) {
    sizes.push(this.size);
    return originals.arrayBuffer.call(this);
  };
  Blob.prototype.bytes = function (this: Blob) {
    sizes.push(this.size);
    return originals.bytes.call(this);
  };
  FileReader.prototype.readAsArrayBuffer = function (this: FileReader, blob: Blob) {
    sizes.push(blob.size);
    return originals.readAsArrayBuffer.call(this, blob);
  };
  return {
    sizes,
    restore: () => {
      Object.assign(Blob.prototype, { arrayBuffer: originals.arrayBuffer, bytes: originals.bytes });
      FileReader.prototype.readAsArrayBuffer = originals.readAsArrayBuffer;
    },
  };
}

describe('<video-chat> recording', () => {
  it('records 5 s of the call into a WebM file that plays for about 5 s, and marks the recorder\'s tile for everyone', async function () {
    this.timeout(60000);
    const [ada, bob] = await connectedPair();
    const started = nextEvent(ada, 'recording-started');
    ada.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"][part~="record"]')!.click();
    await started;
    await waitFor(() => !!remoteTiles(bob)[0] && parts(remoteTiles(bob)[0]).includes('recording'), 'the recording mark at Bob\'s', 5000);
    expect(remoteTiles(bob)[0].querySelector('[aria-label="Recording"]')).to.exist;
    await ada.updateComplete;
    expect(parts(ada.shadowRoot!.querySelector('[part~="local"]')!)).to.include('recording');
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const stopped = nextEvent(ada, 'recording-stopped');
    // However long the call, stopping reads only the file's head into the page.
    const reads = spyOnBlobReads();
    const blob = await ada.stopRecording().finally(() => reads.restore());
    expect(Math.max(0, ...reads.sizes), 'bytes read into the page on stop').to.be.at.most(HEAD_BYTES);
    const { detail } = await stopped;
    expect(detail.blob).to.equal(blob);
    expect(blob!.type).to.equal('video/webm');
    expect(blob!.size).to.be.above(50_000);
    const duration = await playedDuration(blob!);
    console.log(`recorded ${(blob!.size / 1024).toFixed(0)} KiB, plays for ${duration.toFixed(2)} s`);
    expect(duration).to.be.within(4.5, 6.5);
    await ada.updateComplete;
    const download = ada.shadowRoot!.querySelector<HTMLAnchorElement>('[part~="download"]')!;
    expect(download.getAttribute('download')).to.match(/^call-.*\.webm$/);
    await waitFor(() => !parts(remoteTiles(bob)[0]).includes('recording'), 'the mark gone', 5000);
  });

  it('keeps drawing 24 frames a second while the page\'s own timers stall, as they do in a background tab', async function () {
    this.timeout(30_000);
    const [ada] = await connectedPair();
    // A background tab runs the page's timers once a second at most, and animation frames not at
    // all: here they do not run at all while recording. The frames must come from elsewhere.
    const drawn: number[] = [];
    const fillRect = CanvasRenderingContext2D.prototype.fillRect;
    CanvasRenderingContext2D.prototype.fillRect = function (this: CanvasRenderingContext2D, ...args: [number, number, number, number]) {
      // The first fill of each frame covers the whole 1280x720 canvas.
      if (args[2] === 1280 && args[3] === 720) drawn.push(performance.now());
      return fillRect.apply(this, args);
    };
    try {
      const from = performance.now();
      await withPageTimersStalled(3000, () => ada.startRecording());
      const frames = drawn.filter((t) => t >= from).length;
      const seconds = (performance.now() - from) / 1000;
      console.log(`drawn with the page's timers stalled: ${frames} frames in ${seconds.toFixed(2)} s`);
      expect(frames / seconds).to.be.within(18, 30);
    } finally {
      CanvasRenderingContext2D.prototype.fillRect = fillRect;
      await ada.stopRecording();
    }
  });
});

describe('<video-chat> recording where the page may not play sound', () => {
  it('records the picture alone and says so once, rather than nothing, when the voices\' mix never runs', async function () {
    this.timeout(30_000);
    // As in a browser that will not let this page play sound (Firefox without a sound device):
    // every audio context stays suspended.
    const state = Object.getOwnPropertyDescriptor(BaseAudioContext.prototype, 'state')!;
    const resume = AudioContext.prototype.resume;
    Object.defineProperty(BaseAudioContext.prototype, 'state', { get: () => 'suspended', configurable: true });
    AudioContext.prototype.resume = () => new Promise(() => undefined);
    try {
      const [ada] = await connectedPair();
      const errors: string[] = [];
      ada.addEventListener('error', ({ detail }) => errors.push(`${detail.code}/${detail.reason}`));
      ada.startRecording();
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const blob = (await ada.stopRecording())!;
      expect(errors).to.deep.equal(['unsupported/no-recording-sound']);
      expect(blob.size, 'bytes recorded').to.be.greaterThan(5000);
      const duration = await playedDuration(blob);
      expect(duration, 'a finite duration, from when the recording began').to.be.within(0.5, 3);
    } finally {
      Object.defineProperty(BaseAudioContext.prototype, 'state', state);
      AudioContext.prototype.resume = resume;
    }
  });
});
