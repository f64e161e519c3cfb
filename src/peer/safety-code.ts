/**
 * Safety codes: what two people compare, read aloud or side by side, to know that nobody sits
 * between their browsers. Media is encrypted between the two DTLS endpoints of a link; if each
 * side's endpoint is the other visitor (not someone relaying between two links), both sides see
 * the same two certificates and the same two peer ids, and so the same code.
 *
 * Each side has the fingerprint of its connection's DTLS certificate, and a peer id that is the
 * hash of its signing key. The code is a hash of both sides' peer ids and fingerprints and of a
 * random nonce from each side, exchanged over the link's control channel by commit and
 * reveal: each side sends the hash of its nonce first, and reveals the nonce only once it holds the
 * other's hash. Nobody can choose a nonce, or a certificate, after seeing the other's, so nobody
 * in the middle can search for values that would give its two links the same code.
 */
import { hex, sha256 } from '../bytes.js';
import { TypedEventTarget } from '../typed-event-target.js';

export interface SafetyCode {
  /** Seven emoji, each standing for 6 bits of the code (see `SAFETY_EMOJI` for their names). */
  emoji: string[];
  /** Eight digits (about 26 bits), for those who would rather read numbers. */
  digits: string;
}

/** The 64 emoji a code is written with, and their names (easy to tell apart, to draw and to say). */
export const SAFETY_EMOJI: readonly (readonly [string, string])[] = [
  ['🐶', 'Dog'], ['🐱', 'Cat'], ['🦁', 'Lion'], ['🐎', 'Horse'], ['🦄', 'Unicorn'], ['🐷', 'Pig'], ['🐘', 'Elephant'], ['🐰', 'Rabbit'],
  ['🐼', 'Panda'], ['🐓', 'Rooster'], ['🐧', 'Penguin'], ['🐢', 'Turtle'], ['🐟', 'Fish'], ['🐙', 'Octopus'], ['🦋', 'Butterfly'], ['🌷', 'Flower'],
  ['🌳', 'Tree'], ['🌵', 'Cactus'], ['🍄', 'Mushroom'], ['🌏', 'Globe'], ['🌙', 'Moon'], ['☁️', 'Cloud'], ['🔥', 'Fire'], ['🍌', 'Banana'],
  ['🍎', 'Apple'], ['🍓', 'Strawberry'], ['🌽', 'Corn'], ['🍕', 'Pizza'], ['🎂', 'Cake'], ['❤️', 'Heart'], ['😀', 'Smiley'], ['🤖', 'Robot'],
  ['🎩', 'Hat'], ['👓', 'Glasses'], ['🔧', 'Spanner'], ['🎅', 'Santa'], ['👍', 'Thumbs up'], ['☂️', 'Umbrella'], ['⌛', 'Hourglass'], ['⏰', 'Clock'],
  ['🎁', 'Gift'], ['💡', 'Light bulb'], ['📕', 'Book'], ['✏️', 'Pencil'], ['📎', 'Paperclip'], ['✂️', 'Scissors'], ['🔒', 'Lock'], ['🔑', 'Key'],
  ['🔨', 'Hammer'], ['☎️', 'Telephone'], ['🏁', 'Flag'], ['🚂', 'Train'], ['🚲', 'Bicycle'], ['✈️', 'Aeroplane'], ['🚀', 'Rocket'], ['🏆', 'Trophy'],
  ['⚽', 'Ball'], ['🎸', 'Guitar'], ['🎺', 'Trumpet'], ['🔔', 'Bell'], ['⚓', 'Anchor'], ['🎧', 'Headphones'], ['📁', 'Folder'], ['📌', 'Pin'],
];

const LABEL = 'video-chat-element/v2 safety code';
const COMMIT = 'sas-commit:';
const REVEAL = 'sas-reveal:';
const EMOJI_COUNT = 7;
const NONCE_BYTES = 32;

/** One end of a link, as a code takes it in. */
export interface SafetySide {
  peerId: string;
  /** The SHA-256 fingerprint of its DTLS certificate, as in SDP (`AB:CD:…`). */
  fingerprint: string;
}

/** Both ends of a link. */
export interface LinkEnds {
  own: SafetySide;
  remote: SafetySide;
}

/** The SHA-256 fingerprint an SDP announces for its certificate, upper-case, if it has one. */
export function sdpFingerprint(sdp: string | undefined): string | undefined {
  return sdp?.match(/^a=fingerprint:sha-256 ([0-9A-Fa-f:]+)\s*$/m)?.[1].toUpperCase();
}

const encoder = new TextEncoder();

/** The code of two sides with their nonces: the same whichever side computes it. */
export async function safetyCodeOf(a: SafetySide & { nonce: Uint8Array }, b: SafetySide & { nonce: Uint8Array }): Promise<SafetyCode> {
  const sides = [a, b].sort((x, y) => (x.peerId < y.peerId ? -1 : x.peerId > y.peerId ? 1 : 0));
  const text = [LABEL, ...sides.flatMap((side) => [side.peerId, side.fingerprint.toUpperCase(), hex(side.nonce)])].join('\n');
  const digest = await sha256(encoder.encode(text));
  let bits = 0n;
  for (const byte of digest.subarray(0, 8)) bits = (bits << 8n) | BigInt(byte);
  const emoji = Array.from({ length: EMOJI_COUNT }, (_, i) => SAFETY_EMOJI[Number((bits >> BigInt(58 - 6 * i)) & 63n)][0]);
  const digits = String(new DataView(digest.buffer).getUint32(8) % 100_000_000).padStart(8, '0');
  return { emoji, digits };
}

export interface SafetyExchangeEventMap {
  /** The code is known (see `code`), or the exchange failed (`code` stays undefined). */
  settled: Event;
}

/** One link's commit-and-reveal exchange over its control channel. */
export class SafetyExchange extends TypedEventTarget<SafetyExchangeEventMap> {
  /** The pair's code, once both nonces are in and checked. */
  code?: SafetyCode;
  /** Whether the exchange went wrong (a reveal that does not match its commitment, or out of turn). */
  failed = false;
  private readonly nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  private starting = false;
  /** Our commitment is sent: only then may our reveal follow. */
  private committed = false;
  private remoteCommitment?: string;
  private revealed = false;

  constructor(
    private readonly send: (message: string) => void,
    /** Both ends of the link, once both its descriptions are applied. */
    private readonly ends: () => Promise<LinkEnds>,
  ) {
    super();
  }

  get settled(): boolean {
    return this.code !== undefined || this.failed;
  }

  /** Sends our commitment; call once the control channel is open. */
  async start(): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    // The other's commitment may arrive while ours is hashed: it must not release our reveal first.
    this.send(COMMIT + hex(await sha256(this.nonce)));
    this.committed = true;
    this.revealIfDue();
  }

  /** Takes a message from the control channel; false if it is not part of the exchange. */
  handle(message: string): boolean {
    if (message.startsWith(COMMIT)) {
      const commitment = message.slice(COMMIT.length);
      if (this.remoteCommitment === undefined && /^[0-9a-f]{64}$/.test(commitment)) {
        this.remoteCommitment = commitment;
        this.revealIfDue();
      }
      return true;
    }
    if (message.startsWith(REVEAL)) {
      void this.takeReveal(message.slice(REVEAL.length));
      return true;
    }
    return false;
  }

  private revealIfDue(): void {
    // Only once we hold the other's commitment, and have sent ours.
    if (!this.committed || this.remoteCommitment === undefined || this.revealed) return;
    this.revealed = true;
    this.send(REVEAL + hex(this.nonce));
  }

  private async takeReveal(nonceHex: string): Promise<void> {
    if (this.settled) return;
    const commitment = this.remoteCommitment;
    if (commitment === undefined || !/^[0-9a-f]{64}$/.test(nonceHex)) return this.fail();
    const nonce = Uint8Array.from(nonceHex.match(/../g)!, (pair) => parseInt(pair, 16));
    if (hex(await sha256(nonce)) !== commitment) return this.fail();
    // The reveal can beat the browser's note that the last description is applied: wait for it.
    const ends = await this.ends();
    const code = await safetyCodeOf({ ...ends.own, nonce: this.nonce }, { ...ends.remote, nonce });
    if (this.settled) return;
    this.code = code;
    this.dispatchEvent(new Event('settled'));
  }

  /** The link is gone before the exchange ended: whoever waits for the code gets none. */
  abandon(): void {
    if (!this.settled) this.fail();
  }

  private fail(): void {
    this.failed = true;
    this.dispatchEvent(new Event('settled'));
  }
}
