import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { connectedPair, removeVisitors } from '../support/visitors.js';
import { microphonesSpeak, remoteTiles, waitFor } from '../support/helpers.js';

afterEach(removeVisitors);

const parts = (el: Element) => (el.getAttribute('part') ?? '').split(' ');

describe('<video-chat> mute and camera state', () => {
  it('reflects muted and camera-off, and the buttons toggle them', async () => {
    const [ada] = await connectedPair();
    await ada.updateComplete;
    const button = (part: string) => ada.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="button"][part~="${part}"]`)!;
    button('mic').click();
    await ada.updateComplete;
    expect(ada.muted).to.equal(true);
    expect(ada.hasAttribute('muted')).to.equal(true);
    expect(ada.localStream!.getAudioTracks()[0].enabled, 'no audio energy leaves').to.equal(false);
    expect(button('mic').getAttribute('aria-pressed')).to.equal('true');
    ada.cameraOff = true;
    await ada.updateComplete;
    expect(ada.getAttribute('camera-off')).to.equal('');
    expect(ada.localStream!.getVideoTracks()[0].enabled).to.equal(false);
    expect(button('camera').getAttribute('aria-pressed')).to.equal('true');
    ada.removeAttribute('muted');
    await ada.updateComplete;
    expect(ada.localStream!.getAudioTracks()[0].enabled).to.equal(true);
    expect(button('mic').getAttribute('aria-pressed')).to.equal('false');
  });

  it('shows a peer muted and camera-off on its tile (parts, mic-off mark, initials), told over the link', async () => {
    const [ada, bob] = await connectedPair();
    const adaTile = () => remoteTiles(bob)[0];
    await waitFor(() => !!adaTile(), 'Ada\'s tile at Bob\'s');
    expect(parts(adaTile())).to.not.include('muted');
    ada.muted = true;
    await waitFor(() => parts(adaTile()).includes('muted'), 'the muted part on Ada\'s tile', 5000);
    expect(adaTile().querySelector('[part~="name"] [role="img"]')?.getAttribute('aria-label')).to.equal('Microphone off');
    expect(adaTile().querySelector('[part~="avatar"]')).to.equal(null);
    ada.cameraOff = true;
    await waitFor(() => parts(adaTile()).includes('camera-off'), 'the camera-off part', 5000);
    expect(adaTile().querySelector('[part~="avatar"]')?.textContent?.trim()).to.equal('A');
    ada.muted = false;
    ada.cameraOff = false;
    await waitFor(() => !parts(adaTile()).includes('muted') && !parts(adaTile()).includes('camera-off'), 'both back on', 5000);
    expect(adaTile().querySelector('[part~="avatar"]')).to.equal(null);
    // The self-view says the same.
    const own = ada.shadowRoot!.querySelector('[part~="local"]')!;
    expect(parts(own)).to.not.include('muted');
  });

  it('rings the tile of a peer while it speaks (part speaking), never while it is muted', async function () {
    this.timeout(30_000);
    const quiet = microphonesSpeak();
    const [ada, bob] = await connectedPair().finally(quiet);
    const adaTile = () => remoteTiles(bob)[0];
    await waitFor(() => !!adaTile(), 'Ada\'s tile at Bob\'s');
    await waitFor(() => parts(adaTile()).includes('speaking'), 'the speaking part on Ada\'s tile', 10_000);
    const ring = getComputedStyle(adaTile(), '::after');
    expect(ring.borderTopWidth).to.equal('3px');
    expect(ring.borderTopColor, 'the accent colour').to.equal('rgb(37, 99, 235)');
    bob.style.setProperty('--video-chat-speaking-color', 'rgb(1, 2, 3)');
    expect(getComputedStyle(adaTile(), '::after').borderTopColor).to.equal('rgb(1, 2, 3)');
    expect(parts(bob.shadowRoot!.querySelector('[part~="local"]')!), 'not on the self-view').to.not.include('speaking');
    ada.muted = true;
    await waitFor(() => parts(adaTile()).includes('muted') && !parts(adaTile()).includes('speaking'), 'muted, not speaking', 5000);
    for (let i = 0; i < 25; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(parts(adaTile()), 'never speaking while muted').to.not.include('speaking');
    }
  });

  it('tells a peer who arrives later that this visitor is already muted', async () => {
    const [ada, bob] = await connectedPair({ muted: '', 'camera-off': '' });
    await waitFor(() => !!remoteTiles(bob)[0] && parts(remoteTiles(bob)[0]).includes('muted') && parts(remoteTiles(bob)[0]).includes('camera-off'), 'Ada shown muted with camera off', 5000);
    expect(ada.localStream!.getAudioTracks()[0].enabled).to.equal(false);
  });
});
