import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import mqtt from 'mqtt';
import { openRoomChannel } from '../../src/signaling/channel.js';
import { RoomSignal } from '../../src/signaling/room-signal.js';
import { brokerUrl } from '../support/broker-url.js';
import { removeVisitors, visitor } from '../support/visitors.js';
import { nextEvent, uniqueRoom, waitFor } from '../support/helpers.js';

afterEach(removeVisitors);

describe('<video-chat> a newcomer in a room with a hostile member and an outsider replaying', () => {
  it('meets every member although 30 old hellos are replayed and 7 invented ids say the room is full', async function () {
    this.timeout(60_000);
    const room = uniqueRoom('hostile');
    const ada = visitor(room, 'Ada');
    const bob = visitor(room, 'Bob');
    const paired = Promise.all([nextEvent(ada, 'connected'), nextEvent(bob, 'connected')]);
    document.body.append(ada, bob);
    await paired;

    // Thirty visits of the last minutes, their hellos captured off the broker, and a member of the
    // room with seven ids of its own making, who answers a newcomer's hello the moment it comes.
    const presenceOf = async () => (await openRoomChannel(room, '')).topics.presence;
    const presence = await presenceOf();
    const captured = await Promise.all(Array.from({ length: 30 }, async () => {
      const gone = await openRoomChannel(room, '');
      return gone.encode(presence, { kind: 'hello', from: gone.peerId, name: 'Gone', since: Date.now() - 5 * 60_000 });
    }));
    const invented = await Promise.all(Array.from({ length: 7 }, () => openRoomChannel(room, '')));
    const publisher = mqtt.connect(brokerUrl, { protocolVersion: 4 });
    await new Promise((resolve) => publisher.once('connect', resolve));
    const listenerChannel = openRoomChannel(room, '');
    const listener = new RoomSignal({ brokerUrls: [brokerUrl], channel: listenerChannel });
    const listening = listener.connect(new AbortController().signal);
    // The outsider replays the captured hellos again and again: each is new once to whoever never
    // heard it, a visitor who joins included.
    const replaying = setInterval(() => captured.forEach((payload) => publisher.publish(presence, payload as never)), 100);
    listener.addEventListener('signal', ({ detail }) => {
      if (detail.kind !== 'hello') return;
      for (const id of invented) {
        const inbox = id.topics.inbox(detail.from);
        void id.encode(inbox, { kind: 'full', from: id.peerId, to: detail.from }).then((payload) => publisher.publish(inbox, payload as never));
      }
    });
    expect(await listening).to.equal(true);

    const cy = visitor(room, 'Cy');
    const errors: string[] = [];
    cy.addEventListener('error', ({ detail }) => errors.push(detail.code));
    try {
      document.body.append(cy);
      await waitFor(() => cy.peers.length === 2, 'Cy connected to Ada and Bob', 20_000);
      // Past the moment in which a newcomer told "full" waits for offers.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      expect(cy.peers.map((p) => p.name).sort()).to.deep.equal(['Ada', 'Bob']);
      expect(cy.state).to.equal('joined');
      expect(errors).to.deep.equal([]);
    } finally {
      clearInterval(replaying);
      publisher.end(true);
      await listener.close();
    }
  });
});
