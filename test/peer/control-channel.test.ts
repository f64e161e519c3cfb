import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { ControlChannel } from '../../src/peer/control-channel.js';
import { LocalSources } from '../../src/media/local-sources.js';
import { sourcesOf, waitFor } from '../support/helpers.js';

/** Two connections joined directly (no signaling), each with a control channel. */
async function pairOfChannels(ours: LocalSources, theirs: LocalSources) {
  const [a, b] = [new RTCPeerConnection(), new RTCPeerConnection()];
  a.addEventListener('icecandidate', ({ candidate }) => candidate && void b.addIceCandidate(candidate));
  b.addEventListener('icecandidate', ({ candidate }) => candidate && void a.addIceCandidate(candidate));
  const [channelA, channelB] = [new ControlChannel(a, ours), new ControlChannel(b, theirs)];
  // The data channel under b's side, to send what a hostile peer would.
  const raw = (channelB as unknown as { channel: RTCDataChannel }).channel;
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
  await waitFor(() => raw.readyState === 'open', 'the channel open');
  return { a, b, channelA, channelB, raw };
}

describe('ControlChannel: media state', () => {
  it('tells the peer its microphone and camera state, and ignores malformed states', async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    const theirs = await sourcesOf(stream);
    const { a, b, channelA, raw } = await pairOfChannels(new LocalSources(), theirs);
    await waitFor(() => channelA.remoteState !== undefined, 'the first state');
    expect(channelA.remoteState).to.deep.equal({ microphone: true, camera: true, screen: false, recording: false });
    theirs.microphone.setEnabled(false);
    await waitFor(() => channelA.remoteState?.microphone === false, 'muted');
    expect(channelA.remoteState).to.deep.equal({ microphone: false, camera: true, screen: false, recording: false });
    let changes = 0;
    channelA.addEventListener('state', () => changes++);
    for (const hostile of ['state:', 'state:{', 'state:null', 'state:[]', 'state:{"microphone":"yes","camera":1}', `state:{"microphone":true,"camera":true,"x":"${'a'.repeat(500)}"}`, 'state:{"__proto__":{"microphone":true}}']) raw.send(hostile);
    raw.send('ping');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(changes).to.equal(0);
    expect(channelA.remoteState).to.deep.equal({ microphone: false, camera: true, screen: false, recording: false });
    for (const c of [a, b]) c.close();
    stream.getTracks().forEach((t) => t.stop());
  });
});
