/**
 * A room channel: where a room's messages go on the broker and how they are put on the wire.
 * Every payload is signed by its sender (see identity.ts) and sealed (see room-crypto.ts); once
 * opened, it is checked for schema, signature, freshness, replay and sender rate, in that order,
 * before anything else sees it. Nothing about a sender is recorded before its signature holds.
 *
 * Inside the seal: length (4 bytes) | compression flag and signed content | zero padding to one of a
 * few sizes. The signed content: signature (64 bytes) | body, the body being the JSON of
 * `{s: sequence, t: sent at, m: signal, k: sender's public key}`, and the signature covering the
 * topic, a zero byte and the body.
 */
import { LIMITS, parseSignal, toWire, type Signal } from './messages.js';
import { pack, unpack } from './compression.js';
import { createIdentity, sign, SignatureCheck, SIGNATURE_BYTES, type Identity } from './identity.js';
import { base64Url, fromBase64Url, open, roomKeys, seal, type RoomKeys } from './room-crypto.js';
import { RateBudget } from '../rate-budget.js';

export const TOPIC_PREFIX = 'video-chat-element/v2';

export interface RoomTopics {
  /** Room-wide topic: announcements and goodbyes. */
  presence: string;
  /** One peer's private inbox: offers, answers, candidates meant for it alone. */
  inbox(peerId: string): string;
}

export type DropReason =
  | 'oversize'
  | 'malformed'
  | 'foreign-key'
  | 'forged'
  | 'invalid'
  | 'stale'
  | 'replay'
  | 'rate-limited'
  | 'misaddressed'
  | 'overload'
  | 'retained';

/** `skewMs` for `stale`: how far the sender's clock was ahead of ours (negative: behind). */
export type DecodeResult = { signal: Signal } | { drop: DropReason; skewMs?: number };

export interface RoomChannel {
  /** This visitor's peer id: the hash of the public key it signs with. */
  peerId: string;
  topics: RoomTopics;
  /** Signs and seals a signal for a topic. Call in send order: each call takes the next sequence number. */
  encode(topic: string, signal: Signal): Promise<Uint8Array>;
  /** Opens and checks a payload from a topic; never throws. */
  decode(topic: string, payload: Uint8Array): Promise<DecodeResult>;
}

/** Topic names for a room id (a hash, never the room name itself). */
export function roomTopics(topicId: string): RoomTopics {
  const base = `${TOPIC_PREFIX}/${topicId}`;
  return { presence: `${base}/presence`, inbox: (peerId) => `${base}/${peerId}` };
}

/** How far a sender's clock may be from ours; wide, because visitors' clocks are not synchronised. */
export const MAX_CLOCK_SKEW_MS = 10 * 60 * 1000;
const REPLAY_WINDOW = 64;
/** What a payload may inflate to: an SDP offer with many candidates fits with room to spare. */
const MAX_PLAINTEXT_BYTES = 128 * 1024;
/**
 * What goes into the seal is padded to one of these sizes (with a 4-byte length first), so that
 * a payload's size tells little: not the length of a name, say. The smallest holds any `hello` or
 * `here`, whatever its name: one with no name is about 260 bytes, one with 64 random 3-byte
 * characters about 460, so a smallest size of 256 let a short name show. Larger ones go as they are.
 */
const PADDED_SIZES = [512, 1024, 2048, 4096, 8192, 16_384, 32_768];
const LENGTH_BYTES = 4;

export function padded(content: Uint8Array): Uint8Array {
  const needed = LENGTH_BYTES + content.length;
  const out = new Uint8Array(PADDED_SIZES.find((size) => size >= needed) ?? needed);
  new DataView(out.buffer).setUint32(0, content.length);
  out.set(content, LENGTH_BYTES);
  return out;
}

function unpadded(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length < LENGTH_BYTES) return undefined;
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  return length <= bytes.length - LENGTH_BYTES ? bytes.subarray(LENGTH_BYTES, LENGTH_BYTES + length) : undefined;
}

const SENDER_BURST = 40;
const SENDER_RATE_PER_SECOND = 20;
/** Senders never heard before share one budget: twenty at once, five a second after that. */
const NEW_SENDER_BURST = 20;
const NEW_SENDER_RATE_PER_SECOND = 5;
const MAX_TRACKED_SENDERS = 256;
/**
 * A sender's replay state is kept at least this long after its last message. By then everything
 * it sent is stale (its clock may have been ahead of ours by the accepted skew), so forgetting it
 * cannot let a replay through.
 */
const SENDER_MEMORY_MS = 2 * MAX_CLOCK_SKEW_MS;

interface SenderState {
  highest: number;
  /** Bit i set: sequence number `highest - i` was seen. */
  seen: bigint;
  budget: RateBudget;
  /** When its last message was accepted. */
  lastAt: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const WINDOW_MASK = (1n << BigInt(REPLAY_WINDOW)) - 1n;

/** Records `seq` in the sender's window; true if it was seen already or lies below the window. */
function isReplay(state: SenderState, seq: number): boolean {
  if (seq > state.highest) {
    const shift = seq - state.highest;
    state.seen = shift >= REPLAY_WINDOW ? 1n : ((state.seen << BigInt(shift)) | 1n) & WINDOW_MASK;
    state.highest = seq;
    return false;
  }
  const age = state.highest - seq;
  // Outside the window first: a shift by a huge age would allocate without bound.
  if (age >= REPLAY_WINDOW) return true;
  const bit = 1n << BigInt(age);
  if (state.seen & bit) return true;
  state.seen |= bit;
  return false;
}

/**
 * Remembers each sender's recent sequence numbers and spends its rate budget. Bounded: new
 * senders share one small budget (invented ids buy nothing), and a sender is forgotten only when
 * it is the least recently heard and has been quiet long enough that its messages are all stale.
 */
class SenderBook {
  private readonly senders = new Map<string, SenderState>();
  private readonly newcomers = new RateBudget(NEW_SENDER_BURST, NEW_SENDER_RATE_PER_SECOND);

  check(from: string, seq: number, now: number, replayable: boolean): DropReason | undefined {
    // Goodbyes skip the window (see decode) and the budgets: anyone who saw a will or a goodbye
    // can replay it, and must not be able to silence its sender that way. What a goodbye can do
    // is bounded elsewhere (the mesh asks the heartbeat before ending a live link).
    if (replayable) return undefined;
    let state = this.senders.get(from);
    if (state) {
      // Most recently heard last: the first entry is the one to forget.
      this.senders.delete(from);
    } else {
      if (!this.newcomers.take(now)) return 'rate-limited';
      if (this.senders.size >= MAX_TRACKED_SENDERS) {
        const [oldestId, oldest] = this.senders.entries().next().value as [string, SenderState];
        if (now - oldest.lastAt < SENDER_MEMORY_MS) return 'overload';
        this.senders.delete(oldestId);
      }
      state = { highest: 0, seen: 0n, budget: new RateBudget(SENDER_BURST, SENDER_RATE_PER_SECOND), lastAt: now };
    }
    this.senders.set(from, state);
    // Replays are refused before the rate budget is spent, so replaying a peer's old messages
    // cannot use up that peer's budget.
    if (isReplay(state, seq)) return 'replay';
    if (!state.budget.take(now)) return 'rate-limited';
    state.lastAt = now;
    return undefined;
  }
}

export interface RoomChannelOptions {
  /** Who this visitor is; a new identity if not given. */
  identity?: Identity | Promise<Identity>;
  clock?: () => number;
  /** The site whose rooms these are: the page's origin unless given. */
  site?: string;
}

/** Opens the sealed channel of a room: its keys (derived once, see `roomKeys`) and its topics. */
export async function openRoomChannel(room: string, password: string, { identity, clock = Date.now, site }: RoomChannelOptions = {}): Promise<RoomChannel> {
  const [keys, self] = await Promise.all([roomKeys(room, password, site), identity ?? createIdentity()]);
  return sealedChannel(keys, self, clock);
}

/** What a signature covers: the topic (a message cannot move), a zero byte, the body. */
function signedData(topic: string, body: Uint8Array): Uint8Array {
  const topicBytes = encoder.encode(topic);
  const data = new Uint8Array(topicBytes.length + 1 + body.length);
  data.set(topicBytes);
  data.set(body, topicBytes.length + 1);
  return data;
}

/** Signs a body for a topic: the plaintext that goes into the seal. */
export async function signedPlaintext(identity: Identity, topic: string, body: Uint8Array): Promise<Uint8Array> {
  const signature = await sign(identity, signedData(topic, body));
  const plaintext = new Uint8Array(SIGNATURE_BYTES + body.length);
  plaintext.set(signature);
  plaintext.set(body, SIGNATURE_BYTES);
  return plaintext;
}

function sealedChannel(keys: RoomKeys, identity: Identity, clock: () => number): RoomChannel {
  let sequence = 0;
  const senders = new SenderBook();
  const signatures = new SignatureCheck();
  const publicKey = base64Url(identity.publicKey);
  return {
    peerId: identity.peerId,
    topics: roomTopics(keys.topicId),
    async encode(topic, signal) {
      const body = encoder.encode(JSON.stringify({ s: ++sequence, t: clock(), m: toWire(signal), k: publicKey }));
      return seal(keys, topic, padded(await pack(await signedPlaintext(identity, topic, body))));
    },
    async decode(topic, payload) {
      if (payload.byteLength > LIMITS.payloadBytes) return { drop: 'oversize' };
      const opened = await open(keys, topic, payload);
      if ('failure' in opened) return { drop: opened.failure };
      const content = unpadded(opened.plaintext);
      const plaintext = content && await unpack(content, MAX_PLAINTEXT_BYTES);
      if (!plaintext || plaintext.length <= SIGNATURE_BYTES) return { drop: 'invalid' };
      const body = plaintext.subarray(SIGNATURE_BYTES);
      let envelope: unknown;
      try {
        envelope = JSON.parse(decoder.decode(body));
      } catch {
        return { drop: 'invalid' };
      }
      if (typeof envelope !== 'object' || envelope === null) return { drop: 'invalid' };
      const { s: seq, t: sentAt, m: message, k: key } = envelope as Record<string, unknown>;
      if (!Number.isSafeInteger(seq) || (seq as number) < 1 || typeof sentAt !== 'number' || typeof key !== 'string' || key.length > 100) return { drop: 'invalid' };
      const signal = parseSignal(message);
      if (!signal) return { drop: 'invalid' };
      // The sender is whoever holds the key whose hash is `from`: anything else is someone
      // speaking for another (a goodbye, an offer, a sequence number that would make the real
      // sender's next messages look like replays).
      const signed = await signatures.verify(signal.from, fromBase64Url(key), signedData(topic, body), plaintext.subarray(0, SIGNATURE_BYTES));
      if (!signed) return { drop: 'forged' };
      const now = clock();
      // A goodbye may be old by design: the Last Will is sealed when connecting and published by the
      // broker much later. Replaying one is harmless, because peer ids are never reused.
      const isBye = signal.kind === 'bye';
      if (!isBye && Math.abs(now - sentAt) > MAX_CLOCK_SKEW_MS) return { drop: 'stale', skewMs: sentAt - now };
      const verdict = senders.check(signal.from, seq as number, now, isBye);
      return verdict ? { drop: verdict } : { signal };
    },
  };
}
