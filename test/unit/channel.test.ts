import { expect } from '@open-wc/testing';
import { openPlainChannel, roomTopics, TOPIC_PREFIX } from '../../src/signaling/channel.js';

describe('room channel', () => {
  it('puts each room under one versioned prefix with a presence topic and per-peer inboxes', () => {
    const topics = roomTopics('team-standup');
    expect(topics.presence).to.equal(`${TOPIC_PREFIX}/team-standup/presence`);
    expect(topics.inbox('abcdef123456')).to.equal(`${TOPIC_PREFIX}/team-standup/peer/abcdef123456`);
  });

  it('escapes MQTT wildcards and separators in room names', () => {
    const { presence } = roomTopics('a/b+c#d');
    expect(presence).to.equal(`${TOPIC_PREFIX}/a%2Fb%2Bc%23d/presence`);
    expect(presence.split('/')).to.have.length(4);
  });

  it('round-trips a signal and drops junk without throwing', async () => {
    const channel = await openPlainChannel('r');
    const hello = { kind: 'hello', from: 'abcdef123456', name: 'Ada' } as const;
    expect(await channel.decode(await channel.encode(hello))).to.deep.equal(hello);
    expect(await channel.decode(new Uint8Array([0xff, 0xfe, 0x00]))).to.equal(undefined);
    expect(await channel.decode(new TextEncoder().encode('{"v":1'))).to.equal(undefined);
    expect(await channel.decode(new Uint8Array(70 * 1024).fill(0x20))).to.equal(undefined);
  });
});
