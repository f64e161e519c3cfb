import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { PeerMesh, type SignalPort } from '../../src/peer/mesh.js';
import { prepareOffer } from '../../src/peer/prepared-offer.js';
import type { DirectedSignal, Signal } from '../../src/signaling/messages.js';
import { LocalSources } from '../../src/media/local-sources.js';
import { sourcesOf, waitFor } from '../support/helpers.js';

function recordingPort() {
  const sent: Signal[] = [];
  const port: SignalPort = { broadcast: (s) => sent.push(s), sendTo: (s: DirectedSignal) => sent.push(s) };
  return { sent, port };
}

function mesh(peerId: string, port: SignalPort) {
  return new PeerMesh({ peerId, name: 'Me', rtcConfiguration: { iceServers: [] }, sources: new LocalSources(), signal: port });
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

  it('counts its join from its first announcement, not from its creation', async () => {
    const { sent, port } = recordingPort();
    const m = mesh('aaaaaaaaaaaa', port);
    await new Promise((resolve) => setTimeout(resolve, 30));
    // Announced after we were created but before we announced: that peer was there first.
    m.handle({ kind: 'hello', from: 'zzzzzzzzzzzz', name: 'First', since: Date.now() - 10 });
    expect(sent).to.deep.equal([{ kind: 'here', from: 'aaaaaaaaaaaa', to: 'zzzzzzzzzzzz', name: 'Me' }]);
    m.announce();
    expect((sent[1] as { since: number }).since).to.be.greaterThan(Date.now() - 30);
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

  it('reports a connection the browser refuses to create as a failed peer, and throws nothing', async () => {
    const { port } = recordingPort();
    // A TURN server without credentials: the RTCPeerConnection constructor throws for it.
    const m = new PeerMesh({ peerId: 'aaaaaaaaaaaa', name: 'Me', rtcConfiguration: { iceServers: [{ urls: 'turn:t.example.org' }] }, sources: new LocalSources(), signal: port });
    const failures: string[] = [];
    m.addEventListener('peer-failed', ({ detail }) => failures.push(`${detail.peerId} ${detail.name}: ${detail.reason} ${detail.detail}`));
    const pc = new RTCPeerConnection();
    pc.addTransceiver('video');
    await pc.setLocalDescription();
    expect(() => m.handle({ kind: 'offer', from: 'zzzzzzzzzzzz', to: 'aaaaaaaaaaaa', name: 'Zed', sdp: pc.localDescription!.sdp })).not.to.throw();
    expect(failures).to.have.length(1);
    expect(failures[0]).to.match(/^zzzzzzzzzzzz Zed: create-failed .*RTCPeerConnection/);
    pc.close();
    m.close();
  });

  it('announces itself again after a link gave up, a bounded number of times, reporting the failure once, and not after a goodbye', async () => {
    const { sent, port } = recordingPort();
    const m = new PeerMesh({ peerId: 'aaaaaaaaaaaa', name: 'Me', rtcConfiguration: { iceServers: [] }, sources: new LocalSources(), signal: port, reintroduceAfterMs: [30, 30] });
    const hellos = () => sent.filter((s) => s.kind === 'hello').length;
    const failures: string[] = [];
    m.addEventListener('peer-failed', ({ detail }) => failures.push(detail.peerId));
    // An offer the browser cannot apply makes the link give up at once.
    const failWith = async (from: string) => {
      m.handle({ kind: 'offer', from, to: 'aaaaaaaaaaaa', name: 'Zed', sdp: 'v=0\r\nnot an offer\r\n' });
      await waitFor(() => m.linkCount === 0, 'the link to give up');
    };
    await failWith('zzzzzzzzzzzz');
    await waitFor(() => hellos() === 1, 'the first re-announcement');
    await failWith('zzzzzzzzzzzz');
    await waitFor(() => hellos() === 2, 'the second re-announcement');
    await failWith('zzzzzzzzzzzz');
    await failWith('zzzzzzzzzzzz');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(hellos(), 'attempts used up, and they stay used up').to.equal(2);
    expect(failures, 'reported once').to.deep.equal(['zzzzzzzzzzzz']);

    await failWith('yyyyyyyyyyyy');
    m.handle({ kind: 'bye', from: 'yyyyyyyyyyyy' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(hellos(), 'no announcement for a peer that said goodbye').to.equal(2);
    expect(failures).to.deep.equal(['zzzzzzzzzzzz', 'yyyyyyyyyyyy']);
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

/** Meshes wired back to back: what one sends, the others handle. */
function wiredMeshes() {
  const meshes = new Map<string, PeerMesh>();
  const portFor = (self: string): SignalPort => ({
    broadcast: (s) => queueMicrotask(() => [...meshes].filter(([id]) => id !== self).forEach(([, m]) => m.handle(s))),
    sendTo: (s) => queueMicrotask(() => meshes.get(s.to)?.handle(s)),
  });
  return { meshes, portFor };
}

describe('PeerMesh: offers prepared ahead', () => {
  type WithSpare = { spare?: { pc: RTCPeerConnection } };
  const ufragOf = (sdp: string) => sdp.match(/a=ice-ufrag:(\S+)/)?.[1];

  it('sends a newcomer the offer it prepared before the newcomer was known, candidates included', async () => {
    const { sent, port } = recordingPort();
    const m = mesh('zzzzzzzzzzzz', port);
    await waitFor(() => (m as unknown as WithSpare).spare !== undefined, 'a prepared offer');
    const prepared = (m as unknown as WithSpare).spare!.pc;
    m.handle({ kind: 'hello', from: 'aaaaaaaaaaaa', name: 'New', since: Date.now() + 1000 });
    expect((m as unknown as WithSpare).spare, 'taken, not reused').to.equal(undefined);
    await waitFor(() => sent.some((s) => s.kind === 'offer'), 'an offer');
    const offer = sent.find((s) => s.kind === 'offer') as { sdp: string };
    expect(ufragOf(offer.sdp)).to.equal(ufragOf(prepared.localDescription!.sdp));
    expect(offer.sdp).to.include('a=candidate:');
    m.close();
    expect(prepared.signalingState).to.equal('closed');
  });

  it('connects a pair through a prepared offer', async () => {
    const { meshes, portFor } = wiredMeshes();
    const streams: MediaStream[] = [];
    const stream = async () => {
      streams.push(await navigator.mediaDevices.getUserMedia({ video: true, audio: true }));
      return streams.at(-1)!;
    };
    const early = new PeerMesh({ peerId: 'eeeeeeeeeeee', name: 'Early', rtcConfiguration: { iceServers: [] }, sources: await sourcesOf(await stream()), signal: portFor('eeeeeeeeeeee') });
    meshes.set('eeeeeeeeeeee', early);
    early.announce();
    await waitFor(() => (early as unknown as WithSpare).spare !== undefined, 'a prepared offer');
    const preparedPc = (early as unknown as WithSpare).spare!.pc;
    const late = new PeerMesh({ peerId: 'llllllllllll', name: 'Late', rtcConfiguration: { iceServers: [] }, sources: await sourcesOf(await stream()), signal: portFor('llllllllllll') });
    meshes.set('llllllllllll', late);
    late.announce();
    await waitFor(() => early.peers.length === 1 && late.peers.length === 1, 'both connected', 10000);
    expect(early.link('llllllllllll')!.connection).to.equal(preparedPc);
    await waitFor(() => late.link('eeeeeeeeeeee')!.remoteTracks.has('camera'), 'the camera track');
    for (const m of [early, late]) m.close();
    for (const track of streams.flatMap((s) => s.getTracks())) track.stop();
  });

  it('sends the camera through an offer prepared before the camera was ready', async () => {
    const { meshes, portFor } = wiredMeshes();
    // Begun first, with no media: the camera is only asked for afterwards.
    const earlySources = new LocalSources();
    const earlySpare = prepareOffer({ iceServers: [] }, earlySources);
    const earlySdp = (await earlySpare).pc.localDescription!.sdp;
    const cameras = await Promise.all([0, 1].map(() => navigator.mediaDevices.getUserMedia({ video: true, audio: true })));
    await earlySources.useStream(cameras[0]);
    const early = new PeerMesh({ peerId: 'eeeeeeeeeeee', name: 'Early', rtcConfiguration: { iceServers: [] }, sources: earlySources, signal: portFor('eeeeeeeeeeee'), earlySpare });
    meshes.set('eeeeeeeeeeee', early);
    early.announce();
    await waitFor(() => (early as unknown as WithSpare).spare !== undefined, 'the early offer, with our media');
    const late = new PeerMesh({ peerId: 'llllllllllll', name: 'Late', rtcConfiguration: { iceServers: [] }, sources: await sourcesOf(cameras[1]), signal: portFor('llllllllllll') });
    meshes.set('llllllllllll', late);
    late.announce();
    await waitFor(() => early.peers.length === 1 && late.peers.length === 1, 'both connected', 10000);
    const pc = early.link('llllllllllll')!.connection;
    expect(ufragOf(pc.localDescription!.sdp), 'the early offer was the one used').to.equal(ufragOf(earlySdp));
    // Frames of our camera reach the other side: the empty senders got their tracks.
    const video = Object.assign(document.createElement('video'), { muted: true, srcObject: new MediaStream([late.link('eeeeeeeeeeee')!.remoteTracks.get('camera')!]) });
    await video.play();
    await waitFor(() => video.getVideoPlaybackQuality().totalVideoFrames >= 5, 'frames from the early offer');
    for (const m of [early, late]) m.close();
    for (const track of cameras.flatMap((s) => s.getTracks())) track.stop();
  });

  it('offers Opus and VP8 (with retransmission) only, which every WebRTC browser supports', async () => {
    const camera = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    for (const prepared of [await prepareOffer({ iceServers: [] }, await sourcesOf(camera)), await prepareOffer({ iceServers: [] }, new LocalSources())]) {
      const sdp = prepared.pc.localDescription!.sdp;
      const codecs = [...sdp.matchAll(/a=rtpmap:\d+ ([\w-]+)\//g)].map((m) => m[1].toLowerCase());
      expect([...new Set(codecs)].sort()).to.deep.equal(['opus', 'rtx', 'vp8']);
      prepared.pc.close();
    }
    camera.getTracks().forEach((t) => t.stop());
  });
});

describe('PeerMesh: goodbyes through the broker', () => {
  /** Ada and Bob's meshes, wired to each other, connected, with Bob's heartbeat heard by Ada. */
  async function linkedMeshes(bobSources: LocalSources) {
    const { meshes, portFor } = wiredMeshes();
    const ada = new PeerMesh({ peerId: 'aaaaaaaaaaaa', name: 'Ada', rtcConfiguration: { iceServers: [] }, sources: new LocalSources(), signal: portFor('aaaaaaaaaaaa') });
    const bob = new PeerMesh({ peerId: 'bbbbbbbbbbbb', name: 'Bob', rtcConfiguration: { iceServers: [] }, sources: bobSources, signal: portFor('bbbbbbbbbbbb') });
    meshes.set('aaaaaaaaaaaa', ada).set('bbbbbbbbbbbb', bob);
    ada.announce();
    bob.announce();
    await waitFor(() => ada.peers.length === 1 && bob.peers.length === 1, 'both connected', 10000);
    await waitFor(() => ada.link('bbbbbbbbbbbb')!.lastHeardAt > 0, 'the heartbeat');
    return { meshes, ada, bob };
  }

  it('keeps a live link when its peer is still heard after a replayed will or goodbye, and ends it when not', async () => {
    const { meshes, ada, bob } = await linkedMeshes(new LocalSources());
    const gone: string[] = [];
    ada.addEventListener('peer-disconnected', ({ detail }) => gone.push(detail.reason));
    // What an outsider could replay: Bob's will and a goodbye of Bob's, while Bob is still there.
    ada.handle({ kind: 'bye', from: 'bbbbbbbbbbbb', reason: 'vanished' });
    ada.handle({ kind: 'bye', from: 'bbbbbbbbbbbb' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(gone).to.deep.equal([]);
    expect(ada.peers).to.have.length(1);
    // Bob really goes, and only the broker tells: the heartbeat confirms it.
    meshes.delete('bbbbbbbbbbbb');
    (bob as unknown as { links: Map<string, { close(): void }> }).links.get('aaaaaaaaaaaa')!.close();
    ada.handle({ kind: 'bye', from: 'bbbbbbbbbbbb' });
    await waitFor(() => gone.length === 1, 'Bob reported gone', 5000);
    expect(gone).to.deep.equal(['left']);
    for (const m of [ada, bob]) m.close();
  });

  it('keeps a peer whose page stalls (heartbeat silent) while its media still arrives, after its will', async () => {
    const camera = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    const { meshes, ada, bob } = await linkedMeshes(await sourcesOf(camera));
    const gone: string[] = [];
    ada.addEventListener('peer-disconnected', ({ detail }) => gone.push(detail.reason));
    // Bob's page stalls: its heartbeat stops (as when its main thread is busy for seconds), its
    // broker connection times out and the broker publishes its will; its browser still sends media.
    const bobControl = (bob.link('aaaaaaaaaaaa') as unknown as { control: { timer?: ReturnType<typeof setInterval> } }).control;
    clearInterval(bobControl.timer);
    await new Promise((resolve) => setTimeout(resolve, 600));
    ada.handle({ kind: 'bye', from: 'bbbbbbbbbbbb', reason: 'vanished' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(gone, 'a stalled page is not a dead one').to.deep.equal([]);
    // Bob's browser dies: nothing arrives any more, and the next will is believed.
    meshes.delete('bbbbbbbbbbbb');
    (bob as unknown as { links: Map<string, { close(): void }> }).links.get('aaaaaaaaaaaa')!.close();
    ada.handle({ kind: 'bye', from: 'bbbbbbbbbbbb', reason: 'vanished' });
    await waitFor(() => gone.length === 1, 'Bob reported gone', 5000);
    expect(gone).to.deep.equal(['vanished']);
    for (const m of [ada, bob]) m.close();
    camera.getTracks().forEach((t) => t.stop());
  });
});

describe('PeerMesh: invented peers', () => {
  it('holds no more links than the room allows, and turns the rest away within a small budget', async () => {
    const { sent, port } = recordingPort();
    const m = new PeerMesh({ peerId: 'aaaaaaaaaaaa', name: 'Me', rtcConfiguration: { iceServers: [] }, sources: new LocalSources(), signal: port, maxPeers: 4 });
    const made: RTCPeerConnection[] = [];
    const Original = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      constructor(config?: RTCConfiguration) {
        super(config);
        made.push(this);
      }
    } as typeof RTCPeerConnection;
    try {
      m.announce();
      // 2,000 hellos from ids nobody holds, all joined after us (so we would offer to each).
      for (let i = 0; i < 2000; i++) m.handle({ kind: 'hello', from: `invented${String(i).padStart(6, '0')}`, name: 'X', since: Date.now() + 60_000 });
      expect(m.linkCount).to.equal(3);
      const full = sent.filter((s) => s.kind === 'full');
      expect(full.length, '"full" replies: a burst, not one per hello').to.be.within(1, 6);
      // Connections: the three links, and prepared offers (one at a time), never one per hello.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(made.length).to.be.at.most(6);
    } finally {
      window.RTCPeerConnection = Original;
      m.close();
    }
  });

  it('is not kept out of a room with places left by a member saying it is full, under more ids than the room has places', async () => {
    const { meshes, portFor } = wiredMeshes();
    // The hostile member answers every hello at once, before any honest offer can be made, under
    // ten invented ids: more than the three places a room of four has left for a newcomer.
    const hostile = Array.from({ length: 10 }, (_, i) => `hostile${String(i).padStart(5, '0')}`);
    const port = (self: string): SignalPort => {
      const wired = portFor(self);
      return {
        ...wired,
        broadcast: (s) => {
          wired.broadcast(s);
          if (s.kind === 'hello') queueMicrotask(() => hostile.forEach((from) => meshes.get(s.from)?.handle({ kind: 'full', from, to: s.from })));
        },
      };
    };
    const member = (peerId: string, name: string) => {
      const m = new PeerMesh({ peerId, name, rtcConfiguration: { iceServers: [] }, sources: new LocalSources(), signal: port(peerId), maxPeers: 4 });
      meshes.set(peerId, m);
      return m;
    };
    const ada = member('aaaaaaaaaaaa', 'Ada');
    ada.announce();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const cy = member('cccccccccccc', 'Cy');
    let full = false;
    cy.addEventListener('room-full', () => (full = true));
    cy.announce();
    try {
      await waitFor(() => cy.peers.length === 1 && ada.peers.length === 1, 'Cy and Ada connected', 10_000);
      await new Promise((resolve) => setTimeout(resolve, 3500));
      expect(full, 'room-full').to.equal(false);
      expect(cy.peers.map((p) => p.name)).to.deep.equal(['Ada']);
    } finally {
      for (const m of meshes.values()) m.close();
    }
  });

  it('takes the room as full when, a moment after members said so, nobody else links with it', async () => {
    const { sent, port } = recordingPort();
    const both = new PeerMesh({ peerId: 'nnnnnnnnnnnn', name: 'New', rtcConfiguration: { iceServers: [] }, sources: new LocalSources(), signal: port, maxPeers: 3 });
    let fullAt: number | undefined;
    both.addEventListener('room-full', () => (fullAt = performance.now()));
    both.announce();
    const bothRefusedAt = performance.now();
    both.handle({ kind: 'full', from: 'aaaaaaaaaaaa', to: 'nnnnnnnnnnnn' });
    both.handle({ kind: 'full', from: 'bbbbbbbbbbbb', to: 'nnnnnnnnnnnn' });
    // Every place of the room said so, but ids cost nothing: the word alone is not taken at once.
    expect(fullAt, 'both members, at once').to.equal(undefined);
    await waitFor(() => fullAt !== undefined, 'room-full', 6000);
    expect(fullAt! - bothRefusedAt, 'both members, after the moment').to.be.within(2500, 4500);

    const alone = new PeerMesh({ peerId: 'oooooooooooo', name: 'New', rtcConfiguration: { iceServers: [] }, sources: new LocalSources(), signal: port, maxPeers: 3 });
    const fullAfter = new Promise<number>((resolve) => alone.addEventListener('room-full', () => resolve(performance.now())));
    alone.announce();
    const refusedAt = performance.now();
    alone.handle({ kind: 'full', from: 'aaaaaaaaaaaa', to: 'oooooooooooo' });
    expect((await fullAfter) - refusedAt, 'after a moment in which nobody offered').to.be.within(2500, 4500);
    expect(sent.filter((s) => s.kind === 'offer'), 'no link tried meanwhile').to.deep.equal([]);
    for (const m of [both, alone]) m.close();
  });

  it('reports no failure for peers that never answered (gone first, or invented), and does for one that did', async () => {
    const { port } = recordingPort();
    const m = new PeerMesh({ peerId: 'aaaaaaaaaaaa', name: 'Me', rtcConfiguration: { iceServers: [] }, sources: new LocalSources(), signal: port, connectTimeoutMs: 200, restartTimeoutMs: 200, patienceMs: 600, maxPeers: 100 });
    const failures: string[] = [];
    m.addEventListener('peer-failed', ({ detail }) => failures.push(`${detail.peerId} ${detail.reason}`));
    // Ids that joined after us: we offer, and nobody ever answers.
    for (let i = 0; i < 20; i++) m.handle({ kind: 'hello', from: `invented${String(i).padStart(4, '0')}`, name: 'Nobody', since: Date.now() + 1000 });
    // One that answers with something the browser cannot apply.
    m.handle({ kind: 'offer', from: 'zzzzzzzzzzzz', to: 'aaaaaaaaaaaa', name: 'Zed', sdp: 'v=0\r\nnot an offer\r\n' });
    // Each unanswered link gives up once its patience is spent, without ICE restarts.
    await waitFor(() => m.linkCount === 0, 'every link to give up', 5000);
    expect(failures).to.deep.equal(['zzzzzzzzzzzz negotiation-error']);
    m.close();
  });

  it('forgets the oldest failed peers beyond a bound, however many fail', async () => {
    const { port } = recordingPort();
    const m = new PeerMesh({ peerId: 'aaaaaaaaaaaa', name: 'Me', rtcConfiguration: { iceServers: [] }, sources: new LocalSources(), signal: port, reintroduceAfterMs: [60_000], maxPeers: 200 });
    const book = (m as unknown as { reintroductions: Map<string, unknown> }).reintroductions;
    for (let i = 0; i < 100; i++) {
      // An offer the browser cannot apply makes the link give up at once.
      m.handle({ kind: 'offer', from: `failing${String(i).padStart(6, '0')}`, to: 'aaaaaaaaaaaa', name: 'Zed', sdp: 'v=0\r\nnot an offer\r\n' });
    }
    await waitFor(() => m.linkCount === 0, 'every link to give up');
    expect(book.size).to.equal(32);
    m.close();
    expect(book.size).to.equal(0);
  });
});
