import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { MAX_CLOCK_SKEW_MS, openRoomChannel, padded, roomTopics, signedPlaintext, TOPIC_PREFIX, type RoomChannel } from '../../src/signaling/channel.js';
import { createIdentity, type Identity } from '../../src/signaling/identity.js';
import type { HelloSignal } from '../../src/signaling/messages.js';
import { INFLATE_SLICE_BYTES, pack, unpack } from '../../src/signaling/compression.js';
import { base64Url, deriveRoomKeys, open, pageSite, roomKeys, seal, type RoomKeys } from '../../src/signaling/room-crypto.js';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const B = 'bbbbbbbbbbbb';

describe('room keys', () => {
  // Vectors computed independently with Node's crypto.pbkdf2Sync (PBKDF2-SHA-256, 600,000 iterations)
  // and crypto.hkdfSync (HKDF-SHA-256).
  const site = 'https://example.com';
  const vectors = [
    { room: 'team-standup', password: '', topicId: 'iSAffptiHrQh11ZFboASRQ', keyId: '136d8e26' },
    { room: 'team-standup', password: 's3cret', topicId: 'iSAffptiHrQh11ZFboASRQ', keyId: '49e10894' },
    { room: 'Zürich 🎥', password: 'pässword', topicId: 'eYdVyt9HRdNGHddYwRpH1A', keyId: 'e684a021' },
  ];
  for (const vector of vectors) {
    it(`derives the published vector for ${JSON.stringify(vector.room)} / ${JSON.stringify(vector.password)}`, async () => {
      const keys = await deriveRoomKeys(vector.room, vector.password, site);
      expect(keys.topicId).to.equal(vector.topicId);
      expect(hex(keys.keyId)).to.equal(vector.keyId);
    });
  }

  it('gives each site rooms of its own: no table of topic ids serves two sites', async () => {
    const other = await deriveRoomKeys('team-standup', '', 'https://other.example');
    expect(other.topicId).to.equal('DDi9j0R8vWbICTwf-Fvv-w');
    expect(other.topicId).not.to.equal(vectors[0].topicId);
    expect(pageSite()).to.equal(location.origin);
  });

  it('derives a room\'s keys once, however often they are asked for', async () => {
    const room = `once-${Math.random()}`;
    const first = roomKeys(room, 'pw');
    expect(roomKeys(room, 'pw')).to.equal(first);
    expect(roomKeys(room, 'other')).not.to.equal(first);
    expect(roomKeys(room, 'pw', 'https://other.example')).not.to.equal(first);
    expect((await first).topicId).to.equal((await deriveRoomKeys(room, 'pw')).topicId);
  });

  it('never puts the room name in a topic', async () => {
    const started = performance.now();
    const channel = await openRoomChannel('team-standup', '', { site });
    // Informational (timing is the benchmark's business): what key derivation adds to a join.
    console.log(`room key derivation took ${(performance.now() - started).toFixed(1)} ms`);
    expect(channel.topics.presence).to.equal(`${TOPIC_PREFIX}/iSAffptiHrQh11ZFboASRQ/presence`);
    expect(channel.topics.presence).not.to.contain('team-standup');
    expect(channel.topics.inbox(B)).to.equal(`${TOPIC_PREFIX}/iSAffptiHrQh11ZFboASRQ/${B}`);
    expect(roomTopics('x').presence.split('/')).to.have.length(4);
  });
});

describe('sealed envelopes', () => {
  it('round-trips, with a fresh IV each time', async () => {
    const keys = await deriveRoomKeys('r', 'p');
    const plaintext = new TextEncoder().encode('hello');
    const [one, two] = await Promise.all([seal(keys, 't', plaintext), seal(keys, 't', plaintext)]);
    expect(hex(one)).not.to.equal(hex(two));
    expect(await open(keys, 't', one)).to.deep.equal({ plaintext });
  });

  it('detects tampering, a moved topic, another password and junk', async () => {
    const keys = await deriveRoomKeys('r', 'p');
    const other = await deriveRoomKeys('r', 'q');
    const sealed = await seal(keys, 't', new TextEncoder().encode('hello'));
    const flipped = sealed.slice();
    flipped[flipped.length - 1] ^= 1;
    expect(await open(keys, 't', flipped)).to.deep.equal({ failure: 'forged' });
    expect(await open(keys, 'other-topic', sealed)).to.deep.equal({ failure: 'forged' });
    expect(await open(keys, 't', await seal(other, 't', new Uint8Array(3)))).to.deep.equal({ failure: 'foreign-key' });
    expect(await open(keys, 't', new Uint8Array(10))).to.deep.equal({ failure: 'malformed' });
    expect(await open(keys, 't', crypto.getRandomValues(new Uint8Array(200)))).to.have.property('failure');
  });
});

describe('room channel checks', () => {
  let now = 1_700_000_000_000;
  const clock = () => now;
  let identity: Identity;
  let sender: RoomChannel;
  let receiver: RoomChannel;
  let hello: HelloSignal;
  beforeEach(async () => {
    identity = await createIdentity();
    [sender, receiver] = await Promise.all([openRoomChannel('room', 'pw', { identity, clock }), openRoomChannel('room', 'pw', { clock })]);
    hello = { kind: 'hello', from: sender.peerId, name: 'Ada', since: 1700000000000 };
  });

  /** Hello from a new visitor: its own key pair, the room's key. */
  async function strangerHello(topic: string): Promise<{ payload: Uint8Array; from: string }> {
    const stranger = await createIdentity();
    const m = { v: 1, ...hello, from: stranger.peerId };
    return { payload: await crafted(topic, { s: 1, t: now, m, k: base64Url(stranger.publicKey) }, stranger), from: stranger.peerId };
  }

  /** A payload crafted by a member of the room (it has the room key): any body, signed by `signer`. */
  let roomKeys: Promise<RoomKeys> | undefined;
  async function crafted(topic: string, body: unknown, signer: Identity = identity): Promise<Uint8Array> {
    const keys = await (roomKeys ??= deriveRoomKeys('room', 'pw'));
    const bytes = new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
    return seal(keys, topic, padded(await pack(await signedPlaintext(signer, topic, bytes))));
  }

  it('delivers a sealed signal, and refuses it replayed', async () => {
    const topic = sender.topics.presence;
    const payload = await sender.encode(topic, hello);
    expect(sender.peerId).to.equal(identity.peerId);
    expect(await receiver.decode(topic, payload)).to.deep.equal({ signal: hello });
    expect(await receiver.decode(topic, payload)).to.deep.equal({ drop: 'replay' });
  });

  it('accepts reordering within the window but not duplicates', async () => {
    const topic = sender.topics.presence;
    const payloads = await Promise.all([1, 2, 3].map(() => sender.encode(topic, hello)));
    for (const index of [2, 0, 1]) expect(await receiver.decode(topic, payloads[index])).to.deep.equal({ signal: hello });
    expect(await receiver.decode(topic, payloads[0])).to.deep.equal({ drop: 'replay' });
  });

  it('refuses a sequence number far behind without cost, after a sender jumped ahead', async () => {
    const topic = receiver.topics.presence;
    const k = base64Url(identity.publicKey);
    const sealedWith = (seq: number) => crafted(topic, { s: seq, t: now, m: { v: 1, ...hello }, k });
    expect(await receiver.decode(topic, await sealedWith(2 ** 40))).to.deep.equal({ signal: hello });
    expect(await receiver.decode(topic, await sealedWith(1))).to.deep.equal({ drop: 'replay' });
    expect(await receiver.decode(topic, await sealedWith(2 ** 40 - 63))).to.deep.equal({ signal: hello });
  });

  it('refuses what a member of the room sends in another\'s name: a goodbye, an offer, a sequence number', async () => {
    const mallory = await createIdentity();
    const presence = receiver.topics.presence;
    const inbox = receiver.topics.inbox(receiver.peerId);
    const offer = { v: 1, kind: 'offer', from: sender.peerId, to: receiver.peerId, name: 'Ada', sdp: 'v=0 broken' };
    const bye = { v: 1, kind: 'bye', from: sender.peerId };
    const poison = { v: 1, ...hello };
    for (const [topic, m] of [[presence, bye], [inbox, offer], [presence, poison]] as const) {
      // Mallory's own key: its hash is not the claimed sender's id.
      expect(await receiver.decode(topic, await crafted(topic, { s: 2 ** 40, t: now, m, k: base64Url(mallory.publicKey) }, mallory)), `${m.kind} with Mallory's key`).to.deep.equal({ drop: 'forged' });
      // The real sender's public key, but Mallory's signature.
      expect(await receiver.decode(topic, await crafted(topic, { s: 2 ** 40, t: now, m, k: base64Url(identity.publicKey) }, mallory)), `${m.kind} in Ada's key`).to.deep.equal({ drop: 'forged' });
    }
    // Nothing was recorded for the real sender: its next message, sequence number 1, arrives.
    expect(await receiver.decode(presence, await sender.encode(presence, hello))).to.deep.equal({ signal: hello });
    // A signed message moved to another topic does not verify either.
    const moved = await crafted(inbox, { s: 5, t: now, m: { v: 1, ...hello }, k: base64Url(identity.publicKey) });
    expect(await receiver.decode(presence, moved)).to.have.property('drop');
  });

  it('lets invented ids through only within one small shared budget: of 2,000 hellos, 19 delivered', async function () {
    this.timeout(60_000);
    const topic = receiver.topics.presence;
    expect(await receiver.decode(topic, await sender.encode(topic, hello))).to.deep.equal({ signal: hello });
    const strangers = await Promise.all(Array.from({ length: 2000 }, () => strangerHello(topic)));
    const verdicts = new Map<string, number>();
    for (const { payload } of strangers) {
      const result = await receiver.decode(topic, payload);
      const key = 'drop' in result ? result.drop : 'delivered';
      verdicts.set(key, (verdicts.get(key) ?? 0) + 1);
    }
    // Ada's first hello took one of the twenty.
    expect(Object.fromEntries(verdicts)).to.deep.equal({ delivered: 19, 'rate-limited': 1981 });
    // The real sender, heard before, is not held back by the strangers.
    expect(await receiver.decode(topic, await sender.encode(topic, hello))).to.deep.equal({ signal: hello });
  });

  it('makes room for new senders however many strangers came, but never forgets a peer it is linked with', async function () {
    this.timeout(60_000);
    const linked = new Set([sender.peerId]);
    receiver = await openRoomChannel('room', 'pw', { clock, keeps: (peerId) => linked.has(peerId) });
    const presence = receiver.topics.presence;
    const inbox = receiver.topics.inbox(receiver.peerId);
    const original = await sender.encode(presence, hello);
    expect(await receiver.decode(presence, original)).to.deep.equal({ signal: hello });
    // Ada's call is steady: nothing from her through the broker for 25 minutes.
    now += 25 * 60_000;
    // 300 invented senders, at the rate the shared budget allows (the book holds 256): every one
    // is let in, the least recently heard stranger making room.
    const verdicts: string[] = [];
    for (let i = 0; i < 300; i++) {
      now += 250;
      const result = await receiver.decode(inbox, (await strangerHello(inbox)).payload);
      verdicts.push('drop' in result ? result.drop : 'delivered');
    }
    expect(verdicts.filter((v) => v !== 'delivered'), 'refused').to.deep.equal([]);
    // Twenty more at once spend the inbox's budget for new senders...
    for (let i = 0; i < 25; i++) await receiver.decode(inbox, (await strangerHello(inbox)).payload);
    expect(await receiver.decode(inbox, (await strangerHello(inbox)).payload)).to.deep.equal({ drop: 'rate-limited' });
    // ...but Ada is no new sender: her ICE restart, after 26 quiet minutes, arrives.
    const restart = { kind: 'offer' as const, from: sender.peerId, to: receiver.peerId, name: 'Ada', sdp: 'v=0' };
    expect(await receiver.decode(inbox, await sender.encode(inbox, restart))).to.deep.equal({ signal: restart });
  });

  it('spends nothing a newcomer needs on replayed announcements of visits that ended before it came', async function () {
    this.timeout(60_000);
    const presence = receiver.topics.presence;
    const inbox = receiver.topics.inbox(receiver.peerId);
    // Thirty visits of the last minutes, each with its hello captured off the broker.
    const earlier = await Promise.all(Array.from({ length: 30 }, async () => {
      const visit = await openRoomChannel('room', 'pw', { clock });
      return visit.encode(presence, { kind: 'hello', from: visit.peerId, name: 'Gone', since: now - 5 * 60_000 });
    }));
    // The newcomer announces itself; an outsider replays the thirty hellos at once.
    await receiver.encode(presence, { kind: 'hello', from: receiver.peerId, name: 'New', since: now });
    for (const payload of earlier) await receiver.decode(presence, payload);
    // The members' offers to the newcomer, and the hello of someone who comes after it, arrive.
    const members = await Promise.all(Array.from({ length: 6 }, () => openRoomChannel('room', 'pw', { clock })));
    for (const member of members) {
      const offer = { kind: 'offer' as const, from: member.peerId, to: receiver.peerId, name: 'Member', sdp: 'v=0' };
      expect(await receiver.decode(inbox, await member.encode(inbox, offer))).to.deep.equal({ signal: offer });
    }
    const later = { ...hello, since: now + 1000 };
    expect(await receiver.decode(presence, await sender.encode(presence, later))).to.deep.equal({ signal: later });
  });

  it('pads what it seals to a few sizes: a name\'s length does not show', async () => {
    const topic = sender.topics.presence;
    // The longest names a hello may carry, in 1-, 3- and 4-byte characters, and random ones that
    // deflate cannot shrink.
    const random = (length: number) => Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => String.fromCharCode(0x4e00 + b * 37)).join('');
    const names = ['', 'Ada', 'Bartholomew Jones', 'x'.repeat(64), '語'.repeat(64), '🎥'.repeat(32), random(64), random(64), random(64)];
    const sizes = await Promise.all(names.map(async (name) => (await sender.encode(topic, { ...hello, name })).length));
    expect(new Set(sizes).size, `sizes ${sizes}`).to.equal(1);
    // Sealing adds 33 bytes (version, key id, IV, tag) to the smallest padded size.
    expect(sizes[0] - 33).to.equal(512);
    const offer = await sender.encode(receiver.topics.inbox(receiver.peerId), { kind: 'offer', from: sender.peerId, to: receiver.peerId, name: 'Ada', sdp: `v=0\r\n${'a=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host\r\n'.repeat(40)}` });
    expect([512, 1024, 2048, 4096]).to.include(offer.length - 33);
    expect(await receiver.decode(receiver.topics.inbox(receiver.peerId), offer)).to.have.property('signal');
  });

  it('refuses stale messages and oversize payloads', async () => {
    const topic = sender.topics.presence;
    const payload = await sender.encode(topic, hello);
    now += MAX_CLOCK_SKEW_MS + 1;
    expect(await receiver.decode(topic, payload), 'the sender\'s clock was behind').to.deep.equal({ drop: 'stale', skewMs: -(MAX_CLOCK_SKEW_MS + 1), from: sender.peerId });
    expect(await receiver.decode(topic, new Uint8Array(65 * 1024))).to.deep.equal({ drop: 'oversize' });
  });

  it('rate-limits a flooding sender', async () => {
    const topic = sender.topics.presence;
    const payloads = await Promise.all(Array.from({ length: 60 }, () => sender.encode(topic, hello)));
    const results = [];
    for (const payload of payloads) results.push(await receiver.decode(topic, payload));
    const limited = results.filter((r) => 'drop' in r && r.drop === 'rate-limited').length;
    expect(limited).to.be.greaterThan(10);
    now += 2000;
    expect(await receiver.decode(topic, await sender.encode(topic, hello))).to.deep.equal({ signal: hello });
  });

  it("takes each will and goodbye once, however late, and their replays spend neither a signature check nor their sender's rate budget", async () => {
    const topic = sender.topics.presence;
    const from = sender.peerId;
    const will = await sender.encode(topic, { kind: 'bye', from, reason: 'vanished' });
    const bye = await sender.encode(topic, { kind: 'bye', from });
    // Sealed long before: a will is published when the connection dies, maybe an hour later.
    now += 60 * 60_000;
    expect(await receiver.decode(topic, will)).to.deep.equal({ signal: { kind: 'bye', from, reason: 'vanished' } });
    expect(await receiver.decode(topic, bye)).to.deep.equal({ signal: { kind: 'bye', from } });
    const verify = crypto.subtle.verify;
    let verified = 0;
    crypto.subtle.verify = (...args: Parameters<SubtleCrypto['verify']>) => {
      verified++;
      return verify.apply(crypto.subtle, args);
    };
    try {
      for (let i = 0; i < 200; i++) expect(await receiver.decode(topic, i % 2 ? will : bye)).to.deep.equal({ drop: 'replay' });
    } finally {
      crypto.subtle.verify = verify;
    }
    expect(verified, 'signature checks for 200 replays').to.equal(0);
    now -= 60 * 60_000;
    // The sender's own next messages, within its burst, all arrive.
    for (let i = 0; i < 20; i++) expect(await receiver.decode(topic, await sender.encode(topic, hello))).to.deep.equal({ signal: hello });
  });

  it('does not hold a sender back for long when the clock steps backwards', async () => {
    const topic = sender.topics.presence;
    expect(await receiver.decode(topic, await sender.encode(topic, hello))).to.deep.equal({ signal: hello });
    // The visitor's clock is corrected a minute back (still within the accepted skew).
    now -= 60_000;
    expect(await receiver.decode(topic, await sender.encode(topic, hello))).to.deep.equal({ signal: hello });
  });

  it('refuses a message sealed with another password as foreign-key', async () => {
    const stranger = await openRoomChannel('room', 'other', { clock });
    expect(stranger.topics.presence).to.equal(receiver.topics.presence);
    const strangerHello = { ...hello, from: stranger.peerId };
    expect(await receiver.decode(receiver.topics.presence, await stranger.encode(receiver.topics.presence, strangerHello))).to.deep.equal({ drop: 'foreign-key' });
  });

  it('refuses well-sealed messages of the wrong shape', async () => {
    const keys = await deriveRoomKeys('room', 'pw');
    const topic = receiver.topics.presence;
    const k = base64Url(identity.publicKey);
    const from = sender.peerId;
    const shapes = ['not json', '[]', `{"s":1,"t":1700000000000,"k":"${k}"}`, `{"s":-1,"t":1700000000000,"m":{"v":1,"kind":"hello","from":"${from}","name":"x","since":1},"k":"${k}"}`,
      `{"s":1,"t":1700000000000,"m":{"v":1,"kind":"hello","from":"${from}","name":"x","since":1,"__proto__":{"polluted":1}},"k":"${k}"}`,
      `{"s":1,"t":1700000000000,"m":{"v":1,"kind":"hello","from":"${from}","name":"x","since":1}}`];
    for (const shape of shapes) {
      expect(await receiver.decode(topic, await crafted(topic, shape)), shape).to.deep.equal({ drop: 'invalid' });
      expect(await receiver.decode(topic, await seal(keys, topic, new TextEncoder().encode(shape))), `${shape} unsigned and unpacked`).to.deep.equal({ drop: 'invalid' });
    }
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});

describe('payload compression', () => {
  const text = (n: number) => new TextEncoder().encode('a=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host\r\n'.repeat(n));

  it('deflates large payloads, stores small ones, and round-trips both', async () => {
    for (const data of [text(1).subarray(0, 40), text(100)]) {
      const packed = await pack(data);
      expect(await unpack(packed, 1 << 20)).to.deep.equal(data);
    }
    expect((await pack(text(100))).byteLength).to.be.below(text(100).byteLength / 5);
    expect((await pack(text(1).subarray(0, 40)))[0]).to.equal(0);
  });

  it('stops inflating a bomb within a slice of the limit: 61 KB that would make 60 MiB', async function () {
    this.timeout(30_000);
    const bomb = await pack(new Uint8Array(60 * 1024 * 1024));
    expect(bomb.byteLength).to.be.within(50 * 1024, 64 * 1024);
    // Counts what reaches the browser's inflater: it inflates every chunk written to it whole.
    const Native = globalThis.DecompressionStream;
    let fed = 0;
    globalThis.DecompressionStream = class {
      readonly writable: WritableStream<BufferSource>;
      readonly readable: ReadableStream<Uint8Array>;
      constructor(format: CompressionFormat) {
        const inner = new Native(format);
        const writer = inner.writable.getWriter();
        this.readable = inner.readable;
        this.writable = new WritableStream({
          async write(chunk) {
            fed += (chunk as Uint8Array).byteLength;
            await writer.ready;
            await writer.write(chunk);
          },
          close: () => writer.close(),
          abort: (reason) => writer.abort(reason),
        });
      }
    } as unknown as typeof DecompressionStream;
    try {
      expect(await unpack(bomb, 128 * 1024)).to.equal(undefined);
    } finally {
      globalThis.DecompressionStream = Native;
    }
    expect(fed, 'compressed bytes inflated').to.be.at.most(4 * INFLATE_SLICE_BYTES);
    // A payload within the limit still inflates whole, slice by slice.
    const fine = crypto.getRandomValues(new Uint8Array(60 * 1024)).map((b) => b & 7);
    expect(await unpack(await pack(fine), 128 * 1024)).to.deep.equal(fine);
  });

  it('refuses a payload that inflates past the limit, unknown flags and corrupt data', async () => {
    const bomb = await pack(new Uint8Array(4 * 1024 * 1024));
    expect(bomb.byteLength).to.be.below(10 * 1024);
    expect(await unpack(bomb, 128 * 1024)).to.equal(undefined);
    expect(await unpack(new Uint8Array([7, 1, 2]), 1024)).to.equal(undefined);
    expect(await unpack(new Uint8Array([1, 0xff, 0xff, 0xff]), 1024)).to.equal(undefined);
    expect(await unpack(new Uint8Array(0), 1024)).to.equal(undefined);
  });
});
