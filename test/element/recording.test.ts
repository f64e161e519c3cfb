import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { connectedPair, removeVisitors } from '../support/visitors.js';
import { nextEvent, remoteTiles, waitFor } from '../support/helpers.js';

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
    const blob = await ada.stopRecording();
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
});
