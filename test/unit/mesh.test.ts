import { expect } from '@open-wc/testing';
import { PeerMesh, type SignalPort } from '../../src/peer/mesh.js';
import type { DirectedSignal, Signal } from '../../src/signaling/messages.js';
import { waitFor } from '../support/helpers.js';

function recordingPort() {
  const sent: Signal[] = [];
  const port: SignalPort = { broadcast: (s) => sent.push(s), sendTo: (s: DirectedSignal) => sent.push(s) };
  return { sent, port };
}

function mesh(peerId: string, port: SignalPort) {
  return new PeerMesh({ peerId, name: 'Me', rtcConfiguration: { iceServers: [] }, localStream: new MediaStream(), signal: port });
}

describe('PeerMesh: who offers', () => {
  it('announces with hello on the room', () => {
    const { sent, port } = recordingPort();
    mesh('mmmmmmmmmmmm', port).announce();
    expect(sent).to.deep.equal([{ kind: 'hello', from: 'mmmmmmmmmmmm', name: 'Me' }]);
  });

  it('offers at once to a newcomer with a larger id', async () => {
    const { sent, port } = recordingPort();
    const m = mesh('aaaaaaaaaaaa', port);
    m.handle({ kind: 'hello', from: 'zzzzzzzzzzzz', name: 'New' });
    await waitFor(() => sent.some((s) => s.kind === 'offer'), 'an offer');
    expect(sent[0]).to.include({ kind: 'offer', to: 'zzzzzzzzzzzz', name: 'Me' });
    m.close();
  });

  it('asks a newcomer with a smaller id to offer, and answers its offer', async () => {
    const { sent, port } = recordingPort();
    const m = mesh('zzzzzzzzzzzz', port);
    m.handle({ kind: 'hello', from: 'aaaaaaaaaaaa', name: 'New' });
    expect(sent).to.deep.equal([{ kind: 'here', from: 'zzzzzzzzzzzz', to: 'aaaaaaaaaaaa', name: 'Me' }]);
    m.handle({ kind: 'hello', from: 'aaaaaaaaaaaa', name: 'New' });
    expect(sent).to.have.length(2, 'a repeated hello is answered again, harmlessly');
    const offerer = new RTCPeerConnection();
    offerer.addTransceiver('video');
    await offerer.setLocalDescription();
    m.handle({ kind: 'offer', from: 'aaaaaaaaaaaa', to: 'zzzzzzzzzzzz', name: 'New', sdp: offerer.localDescription!.sdp });
    await waitFor(() => sent.some((s) => s.kind === 'answer'), 'an answer');
    offerer.close();
    m.close();
  });

  it('ignores answers and candidates from strangers and byes for unknown peers', () => {
    const { sent, port } = recordingPort();
    const m = mesh('mmmmmmmmmmmm', port);
    m.handle({ kind: 'answer', from: 'aaaaaaaaaaaa', to: 'mmmmmmmmmmmm', name: 'x', sdp: 'v=0' });
    m.handle({ kind: 'candidate', from: 'aaaaaaaaaaaa', to: 'mmmmmmmmmmmm', candidates: [{ candidate: 'c' }] });
    m.handle({ kind: 'bye', from: 'aaaaaaaaaaaa' });
    expect(sent).to.deep.equal([]);
    expect(m.peers).to.deep.equal([]);
  });
});
