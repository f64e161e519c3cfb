import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import '../../src/video-chat.js';
import type { RemoteParticipant } from '../../src/call/participant.js';
import { connectedPair, joinAll, removeVisitors, visitor } from '../support/visitors.js';
import { collectPageErrors, expectRemoteFramesDecoding, nextEvent, remoteTiles, uniqueRoom, waitFor } from '../support/helpers.js';

afterEach(removeVisitors);

describe('<video-chat> calls', () => {
  it('connects two elements and each decodes the other\'s video', async () => {
    const room = uniqueRoom();
    const ada = visitor(room, 'Ada');
    const bob = visitor(room, 'Bob');
    const adaSeesBob = nextEvent(ada, 'connected');
    const bobSeesAda = nextEvent(bob, 'connected');
    await joinAll(ada, bob);
    const [a, b] = await Promise.all([adaSeesBob, bobSeesAda]);
    expect(a.detail).to.deep.equal({ peerId: b.target === bob ? a.detail.peerId : a.detail.peerId, name: 'Bob' });
    expect(b.detail.name).to.equal('Ada');
    expect(ada.state).to.equal('joined');
    expect(ada.peers).to.deep.equal([{ peerId: a.detail.peerId, name: 'Bob' }]);
    await ada.updateComplete;
    await bob.updateComplete;
    expect(remoteTiles(ada)).to.have.length(1);
    expect(remoteTiles(bob)).to.have.length(1);
    await Promise.all([expectRemoteFramesDecoding(ada), expectRemoteFramesDecoding(bob)]);
    const label = remoteTiles(ada)[0].querySelector('[part~="name"]');
    expect(label?.textContent?.trim()).to.equal('Bob');
  });

  it('gives three elements two remote tiles each, all decoding', async () => {
    const room = uniqueRoom();
    const people = ['Ada', 'Bob', 'Cy'].map((name) => visitor(room, name));
    const twoEach = people.map((el) => new Promise<void>((resolve) => {
      let count = 0;
      el.addEventListener('connected', () => ++count === 2 && resolve());
    }));
    await joinAll(people[0]);
    await joinAll(people[1]);
    await joinAll(people[2]);
    await Promise.all(twoEach);
    for (const el of people) {
      await el.updateComplete;
      expect(remoteTiles(el), el.name).to.have.length(2);
    }
    await Promise.all(people.map((el) => expectRemoteFramesDecoding(el)));
  });

  it('tells the others with reason "left" when a visitor leaves, exactly once', async () => {
    const [ada, bob] = await connectedPair();
    const disconnections: string[] = [];
    ada.addEventListener('disconnected', (e) => disconnections.push(e.detail.reason));
    const left = nextEvent(bob, 'left');
    await bob.leave();
    await left;
    expect(bob.state).to.equal('left');
    await waitFor(() => disconnections.length > 0, 'disconnected on the other side', 5000);
    const event = disconnections[0];
    expect(event).to.equal('left');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(disconnections).to.have.length(1);
    await ada.updateComplete;
    expect(remoteTiles(ada)).to.have.length(0);
    expect(ada.shadowRoot?.querySelector('[part~="empty"]')).to.exist;
    expect(bob.localStream).to.equal(undefined);
  });

  it("redraws a tile when its participant's tracks change after the connection is up", async () => {
    const [ada] = await connectedPair();
    const participant = (ada as unknown as { controller: { call: { participants: RemoteParticipant[] } } }).controller.call.participants[0];
    const tileStream = () => remoteTiles(ada)[0].querySelector('video')!.srcObject as MediaStream;
    await waitFor(() => tileStream().getVideoTracks().length === 1, 'the camera on the tile');
    const tracks = new Map((['camera', 'microphone'] as const).map((source) => [source, participant.track(source)!]));
    // As when a track ends, or arrives only after the connection is up.
    participant.syncTracks(new Map([['microphone', tracks.get('microphone')!]]));
    await ada.updateComplete;
    expect(tileStream().getVideoTracks(), 'the camera gone from the tile').to.have.length(0);
    participant.syncTracks(tracks);
    await ada.updateComplete;
    expect(tileStream().getVideoTracks(), 'the camera back on the tile').to.have.length(1);
  });

  it('does not hang up when the element is moved within the page', async () => {
    const [ada, bob] = await connectedPair();
    let hungUp = false;
    ada.addEventListener('disconnected', () => (hungUp = true));
    const box = document.createElement('div');
    document.body.append(box);
    box.append(bob); // remove + re-insert in the same task
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bob.state).to.equal('joined');
    expect(hungUp).to.equal(false);
    await expectRemoteFramesDecoding(ada);
    box.remove();
  });

  it('hangs up when the element is removed from the page', async () => {
    const [ada, bob] = await connectedPair();
    const gone = nextEvent(ada, 'disconnected');
    bob.remove();
    expect((await gone).detail.reason).to.equal('left');
    await waitFor(() => bob.state === 'left', 'bob to have left');
    expect(bob.localStream).to.equal(undefined);
  });

  for (const when of ['after it has left', 'while it is still leaving'] as const) it(`joins again when put back on the page ${when}`, async () => {
    const [ada, bob] = await connectedPair();
    bob.remove();
    if (when === 'after it has left') await waitFor(() => bob.state === 'left', 'bob to have left');
    else await new Promise((resolve) => setTimeout(resolve, 20));
    const met = Promise.all([nextEvent(ada, 'connected'), nextEvent(bob, 'connected')]);
    document.body.append(bob);
    const [adaMet, bobMet] = await met;
    expect([adaMet.detail.name, bobMet.detail.name]).to.deep.equal(['Bob', 'Ada']);
    await expectRemoteFramesDecoding(bob);
  });

  it('moves rooms when the room attribute changes while joined', async () => {
    const first = uniqueRoom('first');
    const second = uniqueRoom('second');
    const ada = visitor(first, 'Ada');
    const bob = visitor(second, 'Bob');
    await joinAll(ada, bob);
    const met = Promise.all([nextEvent(ada, 'connected'), nextEvent(bob, 'connected')]);
    const left = nextEvent(ada, 'left');
    ada.room = second;
    expect((await left).detail.room).to.equal(first);
    await met;
    expect(ada.state).to.equal('joined');
  });

  for (const [interruption, phase] of [['removed from the page', 'joined'], ['told to leave', 'joined'], ['told to leave', 'joining'], ['removed from the page', 'joining']] as const) {
    it(`stays out of the call when ${interruption} while moving rooms (${phase})`, async () => {
      const ada = visitor(uniqueRoom('first'), 'Ada');
      if (phase === 'joined') await joinAll(ada);
      else document.body.append(ada);
      await ada.updateComplete;
      expect(ada.state).to.equal(phase);
      const joinedAgain: string[] = [];
      ada.addEventListener('joined', ({ detail }) => joinedAgain.push(detail.room));
      ada.room = uniqueRoom('second');
      await ada.updateComplete;
      if (interruption === 'removed from the page') ada.remove();
      else void ada.leave();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(joinedAgain).to.deep.equal([]);
      expect(ada.state).to.equal('left');
      expect(ada.localStream).to.equal(undefined);
    });
  }

  it('joins receive-only when the camera is denied, and reports media-denied', async () => {
    const room = uniqueRoom();
    const original = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied by test', 'NotAllowedError'));
    const pageErrors = collectPageErrors();
    try {
      const shy = visitor(room, 'Shy');
      const error = nextEvent(shy, 'error');
      await joinAll(shy);
      expect((await error).detail.code).to.equal('media-denied');
      navigator.mediaDevices.getUserMedia = original;
      const bob = visitor(room, 'Bob');
      const connected = nextEvent(shy, 'connected');
      await joinAll(bob);
      await connected;
      await shy.updateComplete;
      await expectRemoteFramesDecoding(shy);
      expect(shy.localStream?.getTracks()).to.have.length(0);
      expect(pageErrors.errors).to.deep.equal([]);
    } finally {
      navigator.mediaDevices.getUserMedia = original;
      pageErrors.stop();
    }
  });

  it('tells how each visitor is reached and how well: direct and measured on loopback; a poor, relayed link shows on its tile', async () => {
    const [ada] = await connectedPair();
    const participant = (ada as unknown as { controller: { call: { participants: RemoteParticipant[] } } }).controller.call.participants[0];
    const told = nextEvent(ada, 'quality-changed', 10_000);
    // Measured every two seconds from the link's statistics: loopback is a direct path.
    const { detail } = await told;
    expect(detail).to.include({ peerId: participant.peerId, name: 'Bob', path: 'direct' });
    expect(['good', 'fair', 'poor']).to.include(detail.quality);
    expect(participant.path).to.equal('direct');
    await ada.updateComplete;
    const tile = remoteTiles(ada)[0];
    expect(tile.getAttribute('part')).to.not.match(/\brelay\b/);
    // What a poor, relayed link looks like (the lab measures real ones): parts and a mark that says why.
    participant.setLink({ path: 'relay', quality: 'poor', sample: { loss: 0.12, roundTripMs: 640 } });
    await ada.updateComplete;
    expect(tile.getAttribute('part')).to.match(/\brelay\b/).and.match(/\bquality-poor\b/);
    const mark = tile.querySelector('.link-mark');
    expect(mark?.getAttribute('title')).to.equal('Poor connection: video may freeze and sound break up (12% of packets lost, 640 ms round trip). Connected through a relay server.');
  });
});
