import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { PeerLink } from '../../src/peer/peer-link.js';
import type { DirectedSignal } from '../../src/signaling/messages.js';
import type { LocalSources } from '../../src/media/local-sources.js';
import { sourcesOf, waitFor } from '../support/helpers.js';

/** A pair of real PeerLinks whose signals travel through a delayed in-page pipe instead of a broker. */
function linkedPair(sources: LocalSources, roles: ['offer' | 'answer', 'offer' | 'answer'] = ['offer', 'answer'], connectTimeoutMs = 2000) {
  const ids = { a: 'aaaaaaaaaaaa', b: 'bbbbbbbbbbbb' };
  const links: Record<'a' | 'b', PeerLink> = {} as Record<'a' | 'b', PeerLink>;
  const deliver = (to: 'a' | 'b') => (signal: DirectedSignal) => {
    if (signal.kind === 'offer' || signal.kind === 'answer' || signal.kind === 'candidate') {
      setTimeout(() => void links[to].handle(signal), 5);
    }
  };
  const common = { rtcConfiguration: { iceServers: [] }, sources, localName: 'x', connectTimeoutMs };
  links.a = new PeerLink({ ...common, role: roles[0], localPeerId: ids.a, remotePeerId: ids.b, polite: false, send: deliver('b') });
  links.b = new PeerLink({ ...common, role: roles[1], localPeerId: ids.b, remotePeerId: ids.a, polite: true, send: deliver('a') });
  return links;
}

describe('PeerLink perfect negotiation', () => {
  let stream: MediaStream;
  let sources: LocalSources;
  before(async () => {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 180 } });
    sources = await sourcesOf(stream);
  });
  after(() => stream.getTracks().forEach((t) => t.stop()));

  it('connects with one side offering', async () => {
    const { a, b } = linkedPair(sources);
    a.start();
    await waitFor(() => a.state === 'connected' && b.state === 'connected', 'both connected');
    await waitFor(() => b.remoteTracks.has('camera') && b.remoteTracks.has('microphone'), 'remote tracks on b');
    await waitFor(() => a.remoteTracks.has('camera'), 'a receives b\'s answer-attached media');
    a.close();
    b.close();
  });

  it('sends the answer alone when ICE connects through its checks', async () => {
    const sentByB: string[] = [];
    const links = {} as Record<'a' | 'b', PeerLink>;
    const common = { rtcConfiguration: { iceServers: [] }, sources, localName: 'x' };
    links.a = new PeerLink({ ...common, role: 'offer', localPeerId: 'aaaaaaaaaaaa', remotePeerId: 'bbbbbbbbbbbb', polite: false, send: (s) => setTimeout(() => void links.b.handle(s as never), 5) });
    links.b = new PeerLink({ ...common, role: 'answer', localPeerId: 'bbbbbbbbbbbb', remotePeerId: 'aaaaaaaaaaaa', polite: true, send: (s) => {
      sentByB.push(s.kind);
      setTimeout(() => void links.a.handle(s as never), 5);
    } });
    links.a.start();
    await waitFor(() => links.a.state === 'connected' && links.b.state === 'connected', 'both connected');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sentByB).to.deep.equal(['answer']);
    links.a.close();
    links.b.close();
  });

  it('trickles the answer\'s candidates when the offerer cannot be reached first', async () => {
    // The offer reaches b without candidates, so b cannot check towards a: a must learn b's.
    const links = {} as Record<'a' | 'b', PeerLink>;
    const common = { rtcConfiguration: { iceServers: [] }, sources, localName: 'x' };
    const toB = (s: DirectedSignal) => {
      if (s.kind === 'candidate') return;
      const stripped = s.kind === 'offer' ? { ...s, sdp: s.sdp.split('\r\n').filter((l) => !l.startsWith('a=candidate')).join('\r\n') } : s;
      setTimeout(() => void links.b.handle(stripped as never), 5);
    };
    const sentByB: DirectedSignal[] = [];
    links.a = new PeerLink({ ...common, role: 'offer', localPeerId: 'aaaaaaaaaaaa', remotePeerId: 'bbbbbbbbbbbb', polite: false, send: toB });
    links.b = new PeerLink({ ...common, role: 'answer', localPeerId: 'bbbbbbbbbbbb', remotePeerId: 'aaaaaaaaaaaa', polite: true, send: (s) => {
      sentByB.push(s);
      setTimeout(() => void links.a.handle(s as never), 5);
    } });
    links.a.start();
    await waitFor(() => links.a.state === 'connected' && links.b.state === 'connected', 'both connected');
    const answer = sentByB[0] as { kind: string; sdp: string };
    expect(answer.kind).to.equal('answer');
    expect(answer.sdp.includes('a=candidate') || sentByB.some((s) => s.kind === 'candidate'), 'b\'s candidates reached a').to.equal(true);
    links.a.close();
    links.b.close();
  });

  it('ends connected when both sides offer at once (forced glare, 8 rounds)', async () => {
    for (let round = 0; round < 8; round++) {
      const { a, b } = linkedPair(sources, ['offer', 'offer']);
      const failures: string[] = [];
      for (const link of [a, b]) link.addEventListener('failed', (e) => failures.push(e.detail.reason));
      a.start();
      b.start();
      await waitFor(() => a.state === 'connected' && b.state === 'connected', `round ${round}: both connected`, 12000);
      await waitFor(() => a.remoteTracks.has('camera') && b.remoteTracks.has('camera'), `round ${round}: media both ways`);
      // Frames arrive (the track unmutes), each side's camera on one transceiver only.
      await waitFor(() => !a.remoteTracks.get('camera')!.muted && !b.remoteTracks.get('camera')!.muted, `round ${round}: frames both ways`);
      for (const link of [a, b]) {
        const sending = link.connection.getTransceivers().filter((t) => t.sender.track?.kind === 'video' && t.direction !== 'stopped');
        expect(sending, `round ${round}: one camera sender`).to.have.length(1);
      }
      expect(failures).to.deep.equal([]);
      a.close();
      b.close();
    }
  });

  it('caps the video it sends, setting the sender only when the cap changes', async () => {
    const { a, b } = linkedPair(sources);
    a.start();
    await waitFor(() => a.state === 'connected' && b.state === 'connected', 'both connected');
    const sender = a.connection.getSenders().find((s) => s.track?.kind === 'video')!;
    const setParameters = sender.setParameters.bind(sender);
    let sets = 0;
    sender.setParameters = (parameters, ...rest) => {
      sets++;
      return setParameters(parameters, ...rest);
    };
    const encoding = () => sender.getParameters().encodings[0];

    a.setSendQuality({ scaleResolutionDownBy: 1 });
    expect(sets, 'a new sender already sends as captured').to.equal(0);

    a.setSendQuality({ scaleResolutionDownBy: 1.5, maxBitrate: 500_000 });
    a.setSendQuality({ scaleResolutionDownBy: 1.5, maxBitrate: 500_000 });
    expect(sets).to.equal(1);
    await waitFor(() => encoding().scaleResolutionDownBy === 1.5 && encoding().maxBitrate === 500_000, 'the cap applied');

    a.setSendQuality({ scaleResolutionDownBy: 1 });
    expect(sets).to.equal(2);
    await waitFor(() => encoding().scaleResolutionDownBy === 1 && encoding().maxBitrate === undefined, 'the cap lifted');
    a.close();
    b.close();
  });

  it('keeps a cap set before the pair connected', async () => {
    const { a, b } = linkedPair(sources);
    a.start();
    a.setSendQuality({ scaleResolutionDownBy: 2, maxBitrate: 300_000 });
    await waitFor(() => a.state === 'connected' && b.state === 'connected', 'both connected');
    const sender = a.connection.getSenders().find((s) => s.track?.kind === 'video')!;
    await waitFor(() => sender.getParameters().encodings[0]?.maxBitrate === 300_000, 'the cap holds once connected');
    expect(sender.getParameters().encodings[0].scaleResolutionDownBy).to.equal(2);
    a.close();
    b.close();
  });

  it('waits for a slow peer instead of restarting: an answer that takes 4x the connect timeout', async () => {
    const offers: string[] = [];
    const links = {} as Record<'a' | 'b', PeerLink>;
    const common = { rtcConfiguration: { iceServers: [] }, sources, localName: 'x', connectTimeoutMs: 250, restartTimeoutMs: 250 };
    links.a = new PeerLink({ ...common, role: 'offer', localPeerId: 'aaaaaaaaaaaa', remotePeerId: 'bbbbbbbbbbbb', polite: false, send: (s) => {
      if (s.kind === 'offer') offers.push(s.sdp);
      setTimeout(() => void links.b.handle(s as never), 5);
    } });
    // The peer's machine is busy: everything it sends arrives a second late.
    links.b = new PeerLink({ ...common, role: 'answer', localPeerId: 'bbbbbbbbbbbb', remotePeerId: 'aaaaaaaaaaaa', polite: true, send: (s) => setTimeout(() => void links.a.handle(s as never), 1000) });
    links.a.start();
    await waitFor(() => links.a.state === 'connected' && links.b.state === 'connected', 'both connected', 10000);
    expect(offers, 'no ICE restart offer').to.have.length(1);
    links.a.close();
    links.b.close();
  });

  it('does not restart ICE when a peer whose page is busy goes quiet on a connection that still works', async () => {
    const offers: string[] = [];
    const links = {} as Record<'a' | 'b', PeerLink>;
    const common = { rtcConfiguration: { iceServers: [] }, sources, localName: 'x' };
    links.a = new PeerLink({ ...common, role: 'offer', localPeerId: 'aaaaaaaaaaaa', remotePeerId: 'bbbbbbbbbbbb', polite: false, send: (s) => {
      if (s.kind === 'offer') offers.push(s.sdp);
      setTimeout(() => void links.b.handle(s as never), 5);
    } });
    links.b = new PeerLink({ ...common, role: 'answer', localPeerId: 'bbbbbbbbbbbb', remotePeerId: 'aaaaaaaaaaaa', polite: true, send: (s) => setTimeout(() => void links.a.handle(s as never), 5) });
    links.a.start();
    await waitFor(() => links.a.state === 'connected' && links.b.state === 'connected' && links.a.lastHeardAt > 0, 'both connected, heartbeat heard');
    // b's page stops running its heartbeat (a long task, a starved machine); its media path stays up.
    (links.b as unknown as { control: { send(message: string): void } }).control.send = () => undefined;
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(performance.now() - links.a.lastHeardAt, 'a heard nothing for a while').to.be.above(2500);
    expect(offers, 'no ICE restart offer').to.have.length(1);
    expect(links.a.state).to.equal('connected');
    links.a.close();
    links.b.close();
  });

  it('gives up after its restarts and reports failure once', async () => {
    const stranded = new PeerLink({
      localPeerId: 'aaaaaaaaaaaa', remotePeerId: 'cccccccccccc', localName: 'x', polite: false,
      rtcConfiguration: { iceServers: [] }, sources, role: 'offer', send: () => undefined, connectTimeoutMs: 200, restartTimeoutMs: 200, maxRestarts: 1, patienceMs: 0,
    });
    const failures: string[] = [];
    stranded.addEventListener('failed', (e) => failures.push(e.detail.reason));
    stranded.start();
    await waitFor(() => failures.length > 0, 'failure', 3000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(failures).to.have.length(1);
    expect(stranded.state).to.equal('closed');
  });
});
