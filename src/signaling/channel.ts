/**
 * A room channel: where a room's messages go on the broker and how they are put on the wire.
 * Every payload is signed by its sender (see identity.ts) and sealed (see room-crypto.ts); once
 * opened, it is checked for schema, signature, freshness, replay and sender rate, in that order,
 * before anything else sees it (a message already accepted once is refused before its signature
 * is checked). Nothing about a sender is recorded before its signature holds.
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

/**
 * For `stale`: `from`, the sender whose signature held, and `skewMs`, how far its clock was ahead
 * of ours (negative: behind).
 */
export type DecodeResult = { signal: Signal } | { drop: DropReason; skewMs?: number; from?: string };

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
/**
 * Senders never heard before are let in within small shared budgets, twenty at once and five a
 * second each, one budget per kind of first message, so that what one kind costs cannot be spent
 * by another (see `NewSenderKind`).
 */
const NEW_SENDER_BURST = 20;
const NEW_SENDER_RATE_PER_SECOND = 5;
const MAX_TRACKED_SENDERS = 256;
/** Goodbyes remembered (by sender and sequence number), so that a replayed one costs no more than an opening. */
const MAX_GOODBYES_SEEN = 1024;

/**
 * What a never-heard sender's first message is, for the budget it draws on:
 * - `inbox`: addressed to this visit's own inbox. The inbox is new with every visit and its topic
 *   is sealed into each message, so nothing captured before can be replayed there: only members
 *   who are here now can send to it (the offers a newcomer waits for);
 * - `later-hello`: an announcement from someone who joined after us (we offer to them);
 * - `earlier-hello`: an announcement from someone who says it joined before us, or one heard
 *   before we announced ourselves. Replayed announcements of visitors who have left are of this
 *   kind for everyone who never heard them (they left before we came), so an outsider replaying
 *   them spends this budget alone.
 */
type NewSenderKind = 'inbox' | 'later-hello' | 'earlier-hello';

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

/** Whether `seq` was seen already or lies below the window; records nothing. */
function wasSeen(state: SenderState, seq: number): boolean {
  if (seq > state.highest) return false;
  const age = state.highest - seq;
  return age >= REPLAY_WINDOW || (state.seen & (1n << BigInt(age))) !== 0n;
}

/** Records `seq` in the sender's window; true if it was seen already or lies below the window. */
function isReplay(state: SenderState, seq: number): boolean {
  if (seq > state.highest) {
    const shift = seq - state.highest;
    state.seen = shift >= REPLAY_WINDOW ? 1n : ((state.seen << BigInt(shift)) | 1n) & WINDOW_MASK;
    state.highest = seq;
    return false;
  }
  // Outside the window first: a shift by a huge age would allocate without bound.
  if (wasSeen(state, seq)) return true;
  state.seen |= 1n << BigInt(state.highest - seq);
  return false;
}

/**
 * Remembers each sender's recent sequence numbers and spends its rate budget. Bounded: new
 * senders share small budgets (invented ids buy little), and when the book is full the least
 * recently heard sender is forgotten, unless it is one this visit is linked with (`keeps`): those
 * are never forgotten, so a peer quiet for an hour is still known when it needs an ICE restart.
 * Forgetting a stranger whose messages are still fresh lets them be replayed to us once more;
 * filling the book takes a member of the room with 256 invented ids, who could send as much anew.
 */
class SenderBook {
  private readonly senders = new Map<string, SenderState>();
  private readonly newcomers: Record<NewSenderKind, RateBudget> = {
    inbox: new RateBudget(NEW_SENDER_BURST, NEW_SENDER_RATE_PER_SECOND),
    'later-hello': new RateBudget(NEW_SENDER_BURST, NEW_SENDER_RATE_PER_SECOND),
    'earlier-hello': new RateBudget(NEW_SENDER_BURST, NEW_SENDER_RATE_PER_SECOND),
  };
  private readonly goodbyes = new Set<string>();

  constructor(private readonly keeps: (peerId: string) => boolean) {}

  /** Whether this message was accepted before: a replay, refused before its signature is checked. */
  seen(from: string, seq: number, isGoodbye: boolean): boolean {
    if (isGoodbye) return this.goodbyes.has(`${from} ${seq}`);
    const state = this.senders.get(from);
    return state !== undefined && wasSeen(state, seq);
  }

  check(from: string, seq: number, now: number, kind: NewSenderKind | 'goodbye'): DropReason | undefined {
    // Goodbyes skip the window (a will is sealed long before it is published) and the budgets:
    // anyone who saw a will or a goodbye can replay it, and must not be able to silence its sender
    // that way. Each is taken once; what it can do is bounded by the mesh, which asks the
    // heartbeat before ending a live link.
    if (kind === 'goodbye') return this.rememberGoodbye(`${from} ${seq}`);
    let state = this.senders.get(from);
    if (state) {
      // Most recently heard last: the first entry is the one to forget.
      this.senders.delete(from);
    } else {
      if (!this.newcomers[kind].take(now)) return 'rate-limited';
      if (this.senders.size >= MAX_TRACKED_SENDERS && !this.forgetOne()) return 'overload';
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

  /** Forgets the least recently heard sender that this visit is not linked with; false if none. */
  private forgetOne(): boolean {
    for (const peerId of this.senders.keys()) {
      if (this.keeps(peerId)) continue;
      this.senders.delete(peerId);
      return true;
    }
    return false;
  }

  private rememberGoodbye(key: string): DropReason | undefined {
    if (this.goodbyes.has(key)) return 'replay';
    this.goodbyes.add(key);
    if (this.goodbyes.size > MAX_GOODBYES_SEEN) this.goodbyes.delete(this.goodbyes.values().next().value as string);
    return undefined;
  }
}

export interface RoomChannelOptions {
  /** Who this visitor is; a new identity if not given. */
  identity?: Identity | Promise<Identity>;
  clock?: () => number;
  /** The site whose rooms these are: the page's origin unless given. */
  site?: string;
  /**
   * Whether this visit is linked with a peer: its replay state is then never forgotten to make
   * room for strangers (see `SenderBook`). None, unless given.
   */
  keeps?: (peerId: string) => boolean;
}

/** Opens the sealed channel of a room: its keys (derived once, see `roomKeys`) and its topics. */
export async function openRoomChannel(room: string, password: string, { identity, clock = Date.now, site, keeps = () => false }: RoomChannelOptions = {}): Promise<RoomChannel> {
  const [keys, self] = await Promise.all([roomKeys(room, password, site), identity ?? createIdentity()]);
  return sealedChannel(keys, self, clock, keeps);
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

function sealedChannel(keys: RoomKeys, identity: Identity, clock: () => number, keeps: (peerId: string) => boolean): RoomChannel {
  let sequence = 0;
  const senders = new SenderBook(keeps);
  const signatures = new SignatureCheck();
  const publicKey = base64Url(identity.publicKey);
  const topics = roomTopics(keys.topicId);
  /** When we joined, as our own hellos say: who announces a later time joined after us. */
  let joinedAt: number | undefined;
  const newSenderKind = (topic: string, signal: Signal): NewSenderKind => {
    if (topic !== topics.presence) return 'inbox';
    return signal.kind === 'hello' && joinedAt !== undefined && signal.since > joinedAt ? 'later-hello' : 'earlier-hello';
  };
  return {
    peerId: identity.peerId,
    topics,
    async encode(topic, signal) {
      if (signal.kind === 'hello') joinedAt ??= signal.since;
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
      // A message accepted before (a replay) costs no signature check: looking is not recording.
      const isBye = signal.kind === 'bye';
      if (senders.seen(signal.from, seq as number, isBye)) return { drop: 'replay' };
      // The sender is whoever holds the key whose hash is `from`: anything else is someone
      // speaking for another (a goodbye, an offer, a sequence number that would make the real
      // sender's next messages look like replays).
      const signed = await signatures.verify(signal.from, fromBase64Url(key), signedData(topic, body), plaintext.subarray(0, SIGNATURE_BYTES));
      if (!signed) return { drop: 'forged' };
      const now = clock();
      // A goodbye may be old by design: the Last Will is sealed when connecting and published by the
      // broker much later. Replaying one is harmless, because peer ids are never reused.
      if (!isBye && Math.abs(now - sentAt) > MAX_CLOCK_SKEW_MS) return { drop: 'stale', skewMs: sentAt - now, from: signal.from };
      const verdict = senders.check(signal.from, seq as number, now, isBye ? 'goodbye' : newSenderKind(topic, signal));
      return verdict ? { drop: verdict } : { signal };
    },
  };
}
