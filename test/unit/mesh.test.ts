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
    expect(sent).to.have.length(1);
    expect(sent[0]).to.include({ kind: 'hello', from: 'mmmmmmmmmmmm', name: 'Me' });
    expect((sent[0] as { since: number }).since).to.be.closeTo(Date.now(), 5000);
  });

  it('offers at once to a peer that joined later, whatever the ids', async () => {
    const { sent, port } = recordingPort();
    const m = mesh('zzzzzzzzzzzz', port);
    m.handle({ kind: 'hello', from: 'aaaaaaaaaaaa', name: 'New', since: Date.now() + 1000 });
    await waitFor(() => sent.some((s) => s.kind === 'offer'), 'an offer');
    expect(sent[0]).to.include({ kind: 'offer', to: 'aaaaaaaaaaaa', name: 'Me' });
    m.close();
  });

  it('breaks a tie of join times by peer id', async () => {
    const { sent, port } = recordingPort();
    const m = mesh('aaaaaaaaaaaa', port);
    const since = (m as unknown as { joinedAt: number }).joinedAt;
    m.handle({ kind: 'hello', from: 'zzzzzzzzzzzz', name: 'New', since });
    await waitFor(() => sent.some((s) => s.kind === 'offer'), 'an offer');
    expect(sent[0]).to.include({ kind: 'offer', to: 'zzzzzzzzzzzz', name: 'Me' });
    m.close();
  });

  it('asks a peer that joined earlier to offer, and answers its offer', async () => {
    const { sent, port } = recordingPort();
    const m = mesh('aaaaaaaaaaaa', port);
    const earlier = Date.now() - 60_000;
    m.handle({ kind: 'hello', from: 'zzzzzzzzzzzz', name: 'Old', since: earlier });
    expect(sent).to.deep.equal([{ kind: 'here', from: 'aaaaaaaaaaaa', to: 'zzzzzzzzzzzz', name: 'Me' }]);
    m.handle({ kind: 'hello', from: 'zzzzzzzzzzzz', name: 'Old', since: earlier });
    expect(sent).to.have.length(2, 'a repeated hello is answered again, harmlessly');
    const offerer = new RTCPeerConnection();
    offerer.addTransceiver('video');
    await offerer.setLocalDescription();
    m.handle({ kind: 'offer', from: 'zzzzzzzzzzzz', to: 'aaaaaaaaaaaa', name: 'Old', sdp: offerer.localDescription!.sdp });
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
