import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { connectedPair, joinAll, removeVisitors, visitor } from '../support/visitors.js';
import { decodedFrames, nextEvent, remoteTiles, uniqueRoom, waitFor } from '../support/helpers.js';
import type { VideoChat } from '../../src/element/video-chat.element.js';

afterEach(removeVisitors);

const parts = (el: Element) => (el.getAttribute('part') ?? '').split(' ');
const screenTile = (el: VideoChat) => el.shadowRoot!.querySelector<HTMLElement>('[part~="remote"][part~="screen"]');
const cameraTiles = (el: VideoChat) => remoteTiles(el).filter((tile) => !parts(tile).includes('screen'));
type Internals = { controller: { call: { currentVisit: { peerMesh: { link(id: string): { connection: RTCPeerConnection } } } } } };
const connectionOf = (el: VideoChat) => (el as unknown as Internals).controller.call.currentVisit.peerMesh.link(el.peers[0].peerId).connection;

describe('<video-chat> screen share', () => {
  it('sends the screen as a second video, shown large to the peer beside the camera', async () => {
    const [ada, bob] = await connectedPair();
    await waitFor(() => cameraTiles(bob).length === 1 && decodedFrames(cameraTiles(bob)[0].querySelector('video')!) > 5, 'Bob decodes Ada\'s camera');
    // Nobody shares yet: no video stream for a screen on either side (an idle one costs every receiver).
    const videoTransceivers = (el: VideoChat) => connectionOf(el).getTransceivers().filter((t) => t.receiver.track.kind === 'video' && t.direction !== 'stopped').length;
    expect([videoTransceivers(ada), videoTransceivers(bob)]).to.deep.equal([1, 1]);
    const started = nextEvent(ada, 'screenshare-started');
    ada.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"][part~="share"]')!.click();
    expect((await started).detail.peerId).to.equal(bob.peers[0].peerId);
    await ada.updateComplete;
    expect(ada.shadowRoot!.querySelector('[part~="button"][part~="share"]')!.getAttribute('aria-pressed')).to.equal('true');
    expect(ada.shadowRoot!.querySelector('[part~="local"][part~="screen"]'), 'Ada sees her own share').to.exist;
    await waitFor(() => !!screenTile(bob) && decodedFrames(screenTile(bob)!.querySelector('video')!) > 10, 'Bob decodes Ada\'s screen', 15000);
    expect(parts(screenTile(bob)!), 'in the spotlight').to.include('spotlight');
    expect(screenTile(bob)!.querySelector('[part~="name"]')!.textContent).to.contain('Ada\'s screen');
    const camera = cameraTiles(bob)[0].querySelector('video')!;
    const frames = decodedFrames(camera);
    await waitFor(() => decodedFrames(camera) > frames + 10, 'the camera still decoding beside the share');
    expect([videoTransceivers(ada), videoTransceivers(bob)], 'one more video each way, for the screen').to.deep.equal([2, 2]);
    // The browser's own "Stop sharing" ends the track: the share ends the same way.
    const stopped = nextEvent(ada, 'screenshare-stopped');
    const track = ada.shadowRoot!.querySelector<HTMLVideoElement>('[part~="local"][part~="screen"] video')!.srcObject as MediaStream;
    track.getVideoTracks()[0].stop();
    track.getVideoTracks()[0].dispatchEvent(new Event('ended'));
    await stopped;
    await waitFor(() => screenTile(bob) === null, 'the share gone at Bob\'s');
    expect(ada.shadowRoot!.querySelector('[part~="screen"]')).to.equal(null);
  });

  it('shows a share already under way to a visitor who joins later', async () => {
    const room = uniqueRoom();
    const ada = visitor(room, 'Ada');
    await joinAll(ada);
    await ada.shareScreen();
    const cy = visitor(room, 'Cy');
    await joinAll(cy);
    await waitFor(() => !!screenTile(cy) && decodedFrames(screenTile(cy)!.querySelector('video')!) > 5, 'Cy decodes the share', 20000);
    await ada.stopShare();
    await waitFor(() => screenTile(cy) === null, 'the share gone at Cy\'s');
  });

  it('reports a cancelled picker as share-denied and changes nothing else', async () => {
    const [ada, bob] = await connectedPair();
    const original = navigator.mediaDevices.getDisplayMedia;
    navigator.mediaDevices.getDisplayMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    try {
      const error = nextEvent(ada, 'error');
      let started = false;
      ada.addEventListener('screenshare-started', () => (started = true));
      await ada.shareScreen();
      expect((await error).detail).to.include({ code: 'share-denied', reason: 'screen' });
      expect(started).to.equal(false);
      expect(ada.peers).to.have.length(1);
      expect(ada.shadowRoot!.querySelector('[part~="button"][part~="share"]')!.getAttribute('aria-pressed')).to.equal('false');
      expect(bob.peers).to.have.length(1);
    } finally {
      navigator.mediaDevices.getDisplayMedia = original;
    }
  });
});

describe('<video-chat> pin', () => {
  it('puts a peer in the spotlight with pin() or its tile\'s pin button, and back with pin(null)', async () => {
    const room = uniqueRoom();
    const [ada, bob, cy] = [visitor(room, 'Ada'), visitor(room, 'Bob'), visitor(room, 'Cy')];
    await joinAll(ada, bob, cy);
    await waitFor(() => ada.peers.length === 2, 'Ada meets both');
    await ada.updateComplete;
    const tileOf = (peerId: string) => ada.shadowRoot!.querySelector<HTMLElement>(`[part~="remote"][data-peer-id="${peerId}"]`)!;
    const [first, second] = ada.peers;
    ada.pin(first.peerId);
    await ada.updateComplete;
    expect(parts(tileOf(first.peerId))).to.include('spotlight');
    expect(ada.shadowRoot!.querySelector('[part~="grid"]')!.classList.contains('spotlight')).to.equal(true);
    const pinButton = tileOf(second.peerId).querySelector<HTMLButtonElement>('[part~="button"][part~="pin"]')!;
    pinButton.click();
    await ada.updateComplete;
    expect(parts(tileOf(second.peerId))).to.include('spotlight');
    expect(parts(tileOf(first.peerId))).to.not.include('spotlight');
    expect(pinButton.getAttribute('aria-pressed')).to.equal('true');
    ada.pin(null);
    await ada.updateComplete;
    expect(ada.shadowRoot!.querySelector('[part~="spotlight"]')).to.equal(null);
    for (const button of ['fullscreen', 'pin']) expect(tileOf(first.peerId).querySelector(`[part~="button"][part~="${button}"]`), button).to.exist;
  });
});

describe('<video-chat> invite', () => {
  it('copies the page\'s link and says so', async () => {
    const [ada] = await connectedPair();
    let copied = '';
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void (copied = text) } });
    try {
      ada.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"][part~="invite"]')!.click();
      await waitFor(() => copied !== '', 'the link copied');
      expect(copied).to.equal(location.href);
      await ada.updateComplete;
      expect(ada.shadowRoot!.querySelector('.status')!.textContent).to.contain('Invite link copied');
    } finally {
      delete (navigator as unknown as Record<string, unknown>).clipboard;
      if (original) Object.defineProperty(Navigator.prototype, 'clipboard', original);
    }
  });
});
