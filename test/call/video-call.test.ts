import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { VideoCall } from '../../src/index.js';
import type { RemoteParticipant } from '../../src/index.js';
import { brokerUrl } from '../support/broker-url.js';
import { microphonesSpeak, uniqueRoom, waitFor } from '../support/helpers.js';

/** A page's own player for a participant's camera and microphone, as a framework component would make. */
function play(participant: RemoteParticipant): HTMLVideoElement {
  const tracks = [participant.track('camera'), participant.track('microphone')].filter((t): t is MediaStreamTrack => !!t);
  const video = Object.assign(document.createElement('video'), { muted: true, autoplay: true, playsInline: true, srcObject: new MediaStream(tracks) });
  document.body.append(video);
  return video;
}

const frames = (video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames;

/** Ada and Bob in a call, their microphones carrying a steady tone, Bob's voice played at Ada's. */
async function speakingPair(label: string) {
  const room = uniqueRoom(label);
  const calls = ['Ada', 'Bob'].map((name) => new VideoCall({ room, name, broker: brokerUrl, iceServers: [] }));
  const [ada, bob] = calls;
  const met = new Promise<RemoteParticipant>((resolve) => ada.addEventListener('participant-joined', ({ detail }) => resolve(detail), { once: true }));
  const quiet = microphonesSpeak();
  await Promise.all(calls.map((call) => call.join())).finally(quiet);
  const bobAtAda = await met;
  await waitFor(() => !!bobAtAda.track('microphone'), 'Bob\'s microphone at Ada');
  // Browsers measure a voice as it plays: the page plays it, as any page in a call does.
  return { calls, ada, bob, bobAtAda, player: play(bobAtAda) };
}

describe('VideoCall without the element', () => {
  it('puts two visitors in a call, media flowing both ways, and ends it with events on both sides', async () => {
    const room = uniqueRoom('engine');
    const calls = ['Ada', 'Bob'].map((name) => new VideoCall({ room, name, broker: brokerUrl, iceServers: [] }));
    const [ada, bob] = calls;
    const states: string[] = [];
    ada.addEventListener('state', () => states.push(ada.state));
    const met = calls.map((call) => new Promise<RemoteParticipant>((resolve) => call.addEventListener('participant-joined', ({ detail }) => resolve(detail), { once: true })));
    await Promise.all(calls.map((call) => call.join()));
    expect(calls.map((call) => call.state)).to.deep.equal(['joined', 'joined']);
    const [bobAsSeenByAda, adaAsSeenByBob] = await Promise.all(met);
    expect([bobAsSeenByAda.name, adaAsSeenByBob.name]).to.deep.equal(['Bob', 'Ada']);
    await waitFor(() => ['camera', 'microphone'].every((s) => bobAsSeenByAda.sources.includes(s as 'camera') && adaAsSeenByBob.sources.includes(s as 'camera')), 'camera and microphone tracks both ways');

    const players = [play(bobAsSeenByAda), play(adaAsSeenByBob)];
    const start = players.map(frames);
    await waitFor(() => players.every((video, i) => frames(video) >= start[i] + 10), '10 decoded frames both ways');

    const gone = new Promise<string>((resolve) => bob.addEventListener('participant-left', ({ detail }) => resolve(detail.reason), { once: true }));
    let left = false;
    ada.addEventListener('left', () => (left = true));
    await ada.leave();
    expect(await gone).to.equal('left');
    expect(left).to.equal(true);
    expect(ada.state).to.equal('left');
    expect(ada.localStream).to.equal(undefined);
    expect(states).to.deep.equal(['joining', 'joined', 'leaving', 'left']);
    await bob.leave();
    players.forEach((video) => video.remove());
  });

  it('tells who is speaking from the level their voice arrives with, and never a muted visitor', async function () {
    this.timeout(30_000);
    const { calls, bob, bobAtAda, player } = await speakingPair('speaking');
    const changes: boolean[] = [];
    bobAtAda.addEventListener('speaking-changed', () => changes.push(bobAtAda.speaking));
    await waitFor(() => bobAtAda.speaking, 'Bob heard speaking', 10_000);
    expect(changes[0], 'told with speaking-changed').to.equal(true);
    bob.setMicrophoneEnabled(false);
    await waitFor(() => !bobAtAda.microphoneOn && !bobAtAda.speaking, 'Bob muted at Ada, and not speaking');
    const whileMuted = changes.length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(changes.slice(whileMuted), 'never speaking while muted').to.not.include(true);
    expect(bobAtAda.speaking).to.equal(false);
    await Promise.all(calls.map((call) => call.leave()));
    player.remove();
  });

  it('shows a visitor that says it is muted while its voice plays as it sounds: microphone on, speaking', async function () {
    this.timeout(30_000);
    const { calls, ada, bob, bobAtAda, player } = await speakingPair('lying');
    await waitFor(() => bobAtAda.speaking, 'Bob heard speaking', 10_000);
    // Bob's client says "muted" over the link, and keeps sending his voice.
    const link = bob.currentVisit!.peerMesh!.link(ada.currentVisit!.peerId)!;
    const control = (link as unknown as { control: { sendText(text: string): void } }).control;
    control.sendText(`state:${JSON.stringify({ microphone: false, camera: true, screen: false, recording: false })}`);
    await waitFor(() => !bobAtAda.microphoneOn, 'Bob\'s word at Ada');
    await waitFor(() => bobAtAda.microphoneOn && bobAtAda.speaking, 'Bob shown as heard, despite his word', 10_000);
    // He really mutes: once silence has lasted longer than a pause between words, he is shown muted.
    bob.setMicrophoneEnabled(false);
    await waitFor(() => !bobAtAda.microphoneOn && !bobAtAda.speaking, 'Bob really muted at Ada', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(bobAtAda.microphoneOn, 'silence, as he says').to.equal(false);
    await Promise.all(calls.map((call) => call.leave()));
    player.remove();
  });

  it('restarts a join quietly when the room changes mid-join, and leaves and rejoins mid-call', async () => {
    const call = new VideoCall({ room: uniqueRoom('first'), broker: brokerUrl, iceServers: [] });
    const events: string[] = [];
    for (const type of ['joined', 'left'] as const) call.addEventListener(type, ({ detail }) => events.push(`${type} ${detail.room}`));
    const joining = call.join();
    await waitFor(() => call.state === 'joining', 'joining');
    const second = uniqueRoom('second');
    call.configure({ room: second });
    await joining;
    expect(call.state).to.equal('joined');
    expect(events).to.deep.equal([`joined ${second}`]);
    const third = uniqueRoom('third');
    call.configure({ room: third });
    await waitFor(() => events.length === 3, 'left and joined again');
    expect(events.slice(1)).to.deep.equal([`left ${second}`, `joined ${third}`]);
    await call.leave();
  });

  it('mutes and turns the camera off as states of its sources, kept across joins', async () => {
    const call = new VideoCall({ room: uniqueRoom('mute'), broker: brokerUrl, iceServers: [] });
    call.setMicrophoneEnabled(false);
    await call.join();
    const microphone = call.sources.microphone.track!;
    expect(microphone.enabled).to.equal(false);
    call.setCameraEnabled(false);
    expect(call.sources.camera.track!.enabled).to.equal(false);
    call.setMicrophoneEnabled(true);
    expect(microphone.enabled).to.equal(true);
    await call.leave();
    await call.join();
    expect(call.sources.camera.track!.enabled, 'the camera stays off in the next visit').to.equal(false);
    await call.leave();
  });

  it('tells of a few failed peers, then of one every ten seconds at most, however many a member invents', async () => {
    const call = new VideoCall({ room: uniqueRoom('failures'), broker: brokerUrl, iceServers: [] });
    const failures: string[] = [];
    call.addEventListener('error', ({ detail }) => detail.code === 'negotiation-failed' && failures.push(detail.params.peer ?? ''));
    await call.join();
    const mesh = call.currentVisit!.peerMesh!;
    let failed = 0;
    mesh.addEventListener('peer-failed', () => failed++);
    // Offers the browser cannot apply, from 30 made-up ids (a few at a time, fewer than a full
    // room's links): each link fails at once.
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 5; i++) {
        const n = round * 5 + i;
        mesh.handle({ kind: 'offer', from: `madeup${String(n).padStart(6, '0')}`, to: call.peerId!, name: `M${n}`, sdp: 'v=0\r\nnot an offer\r\n' });
      }
      await waitFor(() => mesh.linkCount === 0, 'the made-up links to fail');
    }
    await waitFor(() => failed === 30, 'thirty failures');
    expect(failures).to.deep.equal(['M0', 'M1', 'M2']);
    await call.leave();
  });

  it('relayed only, with no TURN server: says so on joining, and says "no-route" when a visitor cannot be reached, not "negotiation-failed"', async function () {
    this.timeout(90_000);
    const room = uniqueRoom('no-route');
    const calls = ['Ada', 'Bob'].map((name) => new VideoCall({ room, name, broker: brokerUrl, iceServers: [], iceTransportPolicy: 'relay' }));
    const problems = calls.map((call) => {
      const seen: string[] = [];
      call.addEventListener('error', ({ detail }) => seen.push(`${detail.code} ${detail.reason}`));
      return seen;
    });
    // Every connection gathers no candidate at all: nothing to relay through.
    await Promise.all(calls.map((call) => call.join()));
    for (const seen of problems) expect(seen).to.deep.equal(['bad-attribute relay-without-turn']);
    await waitFor(() => problems.some((seen) => seen.includes('no-route no-turn-server')), 'a no-route error', 80_000);
    for (const seen of problems) expect(seen.filter((p) => p.startsWith('negotiation-failed'))).to.deep.equal([]);
    await Promise.all(calls.map((call) => call.leave()));
  });

  it('derives the room\'s keys while the preview shows, so that Join derives none (the room as a visit takes it, trimmed)', async () => {
    const call = new VideoCall({ room: `  ${uniqueRoom('ahead')}  `, broker: brokerUrl, iceServers: [] });
    call.setActive(true);
    await waitFor(() => call.state === 'previewing', 'the preview');
    // Room and password held still for 300 ms; the derivation itself takes a few hundred more.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const subtle = crypto.subtle as unknown as { deriveBits: (...args: unknown[]) => Promise<ArrayBuffer> };
    const deriveBits = subtle.deriveBits;
    const pbkdf2Runs: unknown[] = [];
    subtle.deriveBits = function (algorithm: unknown, ...rest: unknown[]) {
      if ((algorithm as { name?: string }).name === 'PBKDF2') pbkdf2Runs.push(algorithm);
      return deriveBits.call(crypto.subtle, algorithm, ...rest);
    };
    try {
      await call.join();
      expect(call.state).to.equal('joined');
      expect(pbkdf2Runs, 'PBKDF2 runs during Join').to.have.length(0);
    } finally {
      subtle.deriveBits = deriveBits;
      await call.leave();
      call.setActive(false);
    }
  });
});

