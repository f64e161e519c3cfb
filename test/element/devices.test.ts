import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { connectedPair, removeVisitors, visitor, joinAll } from '../support/visitors.js';
import { decodedFrames, nextEvent, remoteTiles, uniqueRoom, waitFor } from '../support/helpers.js';
import type { VideoChat } from '../../src/element/video-chat.element.js';

afterEach(async () => {
  await removeVisitors();
  localStorage.removeItem('video-chat-element:devices');
});

type Internals = { controller: { call: { currentVisit: { peerMesh: { link(id: string): { connection: RTCPeerConnection } } } } } };
const connectionOf = (el: VideoChat) => (el as unknown as Internals).controller.call.currentVisit.peerMesh.link(el.peers[0].peerId).connection;

/** The fake camera (of three; the second is a depth camera WebRTC does not send) with this label. */
async function camera(el: VideoChat, label: string): Promise<string> {
  const { cameras } = await el.getDevices();
  const found = cameras.find((c) => c.label.includes(label));
  if (!found) throw new Error(`no camera ${label} in ${JSON.stringify(cameras)}`);
  return found.deviceId;
}

describe('<video-chat> devices', () => {
  it('lists cameras, microphones and speakers with labels once capture is allowed', async () => {
    const [ada] = await connectedPair();
    const devices = await ada.getDevices();
    expect(devices.cameras.map((c) => c.label)).to.have.length(3);
    expect(devices.microphones.length).to.be.at.least(1);
    expect(devices.speakers.length, 'Chromium can choose a speaker (setSinkId)').to.be.at.least(1);
    for (const device of [...devices.cameras, ...devices.microphones]) expect(device.deviceId).to.be.a('string').and.not.equal('');
  });

  it('switches the camera mid-call without renegotiation: the peer\'s frames do not stop', async () => {
    const [ada, bob] = await connectedPair();
    await waitFor(() => remoteTiles(bob).length === 1 && decodedFrames(remoteTiles(bob)[0].querySelector('video')!) > 5, 'Bob decodes Ada');
    const player = () => remoteTiles(bob)[0].querySelector('video')!;
    const receivedTrack = (player().srcObject as MediaStream).getVideoTracks()[0];
    const sdpBefore = connectionOf(ada).localDescription!.sdp;
    const target = await camera(ada, 'fake_device_2');
    const changed = nextEvent(ada, 'device-changed');
    await ada.useDevice('camera', target);
    const { detail } = await changed;
    expect(detail).to.include({ kind: 'camera', deviceId: target });
    expect(detail.label).to.contain('fake_device_2');
    const newTrack = ada.localStream!.getVideoTracks()[0];
    expect(newTrack.getSettings().deviceId).to.equal(target);
    const sender = connectionOf(ada).getTransceivers().find((t) => t.receiver.track.kind === 'video')!.sender;
    expect(sender?.track, 'the sender sends the new camera').to.equal(newTrack);
    const framesAtSwitch = decodedFrames(player());
    await waitFor(() => decodedFrames(player()) > framesAtSwitch + 20, 'frames keep coming after the switch', 10000);
    expect((player().srcObject as MediaStream).getVideoTracks()[0], 'the same remote track').to.equal(receivedTrack);
    expect(connectionOf(ada).localDescription!.sdp, 'no renegotiation').to.equal(sdpBefore);
    expect(ada.localStream!.getVideoTracks(), 'the old camera is released').to.have.length(1);
  });

  it('remembers the choice on this site and starts the next visit with it', async () => {
    const room = uniqueRoom();
    const first = visitor(room, 'Ada');
    await joinAll(first);
    const target = await camera(first, 'fake_device_2');
    await first.useDevice('camera', target);
    await first.leave();
    const next = visitor(uniqueRoom(), 'Ada again');
    await joinAll(next);
    await waitFor(() => !!next.localStream?.getVideoTracks()[0], 'the camera');
    expect(next.localStream!.getVideoTracks()[0].getSettings().deviceId).to.equal(target);
  });

  it('starts with the browser\'s default, without an error, when the remembered device is gone', async () => {
    localStorage.setItem('video-chat-element:devices', JSON.stringify({ camera: 'unplugged-since', microphone: 'also-gone' }));
    const el = visitor(uniqueRoom(), 'Ada');
    const errors: string[] = [];
    el.addEventListener('error', ({ detail }) => errors.push(detail.code));
    await joinAll(el);
    await waitFor(() => el.localStream?.getVideoTracks()[0]?.readyState === 'live', 'a camera');
    expect(el.localStream!.getAudioTracks()[0].readyState).to.equal('live');
    expect(errors).to.deep.equal([]);
  });

  it('plays the others through the chosen speaker', async () => {
    const [ada] = await connectedPair();
    const { speakers } = await ada.getDevices();
    const speaker = speakers.at(-1)!;
    await ada.useDevice('speaker', speaker.deviceId);
    await ada.updateComplete;
    const video = remoteTiles(ada)[0].querySelector('video') as HTMLVideoElement & { sinkId: string };
    await waitFor(() => video.sinkId === speaker.deviceId, 'the remote tile on that speaker');
  });

  it('falls back to another camera when the one in use goes away, and the call goes on', async () => {
    const [ada, bob] = await connectedPair();
    const player = () => remoteTiles(bob)[0].querySelector('video')!;
    await waitFor(() => !!remoteTiles(bob)[0] && decodedFrames(player()) > 5, 'Bob decodes Ada');
    const lost = ada.localStream!.getVideoTracks()[0];
    const changed = nextEvent(ada, 'device-changed');
    // What the browser does when a camera is unplugged: the track ends.
    lost.stop();
    lost.dispatchEvent(new Event('ended'));
    expect((await changed).detail.kind).to.equal('camera');
    const replacement = ada.localStream!.getVideoTracks()[0];
    expect(replacement).to.not.equal(lost);
    expect(replacement.readyState).to.equal('live');
    const frames = decodedFrames(player());
    await waitFor(() => decodedFrames(player()) > frames + 20, 'frames from the fallback camera', 10000);
    expect(bob.peers).to.have.length(1);
  });

  it('rejects an unknown device, reports it, and keeps the call as it was', async () => {
    const [ada] = await connectedPair();
    const before = ada.localStream!.getVideoTracks()[0];
    const error = await ada.useDevice('camera', 'no-such-camera').then(() => undefined, (e: Error) => e.message);
    expect(error).to.match(/no camera/);
    expect(ada.localStream!.getVideoTracks()[0]).to.equal(before);
  });

  it('updates an open settings panel when a device is plugged in or out', async () => {
    const [ada] = await connectedPair();
    ada.shadowRoot!.querySelector<HTMLButtonElement>('[part~="controls"] [part~="button"][part~="settings"]')!.click();
    const cameraLabels = () => [...ada.shadowRoot!.querySelectorAll<HTMLOptionElement>('[part~="settings-panel"] select[name="camera"] option')].map((o) => o.textContent!.trim());
    await waitFor(() => cameraLabels().length === 3, 'the three fake cameras');
    // The browser says a camera came: the fake devices cannot be plugged, so the list it gives
    // from now on has one more, as after a real plug.
    const { mediaDevices } = navigator;
    const real = mediaDevices.enumerateDevices.bind(mediaDevices);
    const plugged = { deviceId: 'usb-camera', groupId: 'usb', kind: 'videoinput', label: 'USB camera', toJSON() {} } as MediaDeviceInfo;
    Object.defineProperty(mediaDevices, 'enumerateDevices', { configurable: true, value: async () => [...await real(), plugged] });
    try {
      mediaDevices.dispatchEvent(new Event('devicechange'));
      await waitFor(() => cameraLabels().includes('USB camera'), 'the plugged camera listed');
      expect(cameraLabels()).to.have.length(4);
    } finally {
      // Unplugged: the browser's own list again.
      delete (mediaDevices as { enumerateDevices?: unknown }).enumerateDevices;
    }
    mediaDevices.dispatchEvent(new Event('devicechange'));
    await waitFor(() => cameraLabels().length === 3, 'the unplugged camera gone from the list');
    expect(ada.peers, 'the call goes on').to.have.length(1);
  });

  it('offers the devices in a settings panel, in the call and before joining', async () => {
    const room = uniqueRoom();
    const el = document.createElement('video-chat');
    Object.assign(el, { room, iceServers: '[]' });
    el.setAttribute('broker', (await import('../support/broker-url.js')).brokerUrl);
    document.body.append(el);
    try {
      await waitFor(() => !!el.localStream?.getVideoTracks()[0], 'the preview camera');
      await el.updateComplete;
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="prejoin"] [part~="button"][part~="settings"]')!.click();
      await waitFor(() => !!el.shadowRoot!.querySelector('[part~="settings-panel"] select[name="camera"] option'), 'the camera list');
      const select = el.shadowRoot!.querySelector<HTMLSelectElement>('select[name="camera"]')!;
      expect(select.options).to.have.length(3);
      const target = [...select.options].find((o) => o.textContent!.includes('fake_device_2'))!;
      select.value = target.value;
      const changed = nextEvent(el, 'device-changed');
      select.dispatchEvent(new Event('change'));
      expect((await changed).detail.deviceId).to.equal(target.value);
      expect(el.localStream!.getVideoTracks()[0].getSettings().deviceId, 'the preview shows it').to.equal(target.value);
    } finally {
      await el.leave();
      el.remove();
    }
  });
});
