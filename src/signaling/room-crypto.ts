/**
 * The room's secrets, derived once per join with WebCrypto, and the sealed envelope every payload
 * travels in. The broker sees only a hashed topic and opaque bytes.
 *
 * - Site: the page's origin salts both derivations, so each site has rooms of its own: a table
 *   of topic ids for likely room names, computed once, serves one site only (and a topic id does
 *   not say which site it belongs to). Visitors meet only on the same origin.
 * - Room secret: PBKDF2-SHA-256 of the room name, salted with the protocol and the site; the topic
 *   id is expanded from it (HKDF), so the room name never appears on the broker and guessing it
 *   costs a full PBKDF2 per guess and site.
 * - Key: expanded (HKDF) from the room secret, or, with a password, from PBKDF2-SHA-256 of room +
 *   password salted with the protocol, the site and the room: 256 bits for AES-GCM plus a 32-bit
 *   key id that tells "sealed with another password" apart from junk.
 * - Envelope: version (1 byte) | key id (4) | IV (12, fresh per message) | AES-GCM ciphertext+tag.
 *   The topic is authenticated as additional data, so a message moved to another topic fails.
 */

import { sha256 } from '../bytes.js';
import { RecentPromises } from '../recent-promises.js';

export const ENVELOPE_VERSION = 1;
const HEADER_BYTES = 1 + 4 + 12;
const TAG_BYTES = 16;
/**
 * OWASP's figure for PBKDF2-SHA-256. WebCrypto runs it off the page's thread, and the call derives
 * while the visitor looks at the preview or the camera starts (see `roomKeys`); the benchmark
 * reports what is left of it in a join.
 */
export const PBKDF2_ITERATIONS = 600_000;
const PROTOCOL_LABEL = 'video-chat-element/v1';

const encoder = new TextEncoder();

export interface RoomKeys {
  /** Public, URL- and topic-safe id of the room (a hash; reveals neither room nor password). */
  topicId: string;
  key: CryptoKey;
  keyId: Uint8Array;
}

async function pbkdf2Bits(secret: string, salt: Uint8Array, bits: number): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'PBKDF2', false, ['deriveBits']);
  const derived = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations: PBKDF2_ITERATIONS }, material, bits);
  return new Uint8Array(derived);
}

const sha256Of = (text: string) => sha256(encoder.encode(text));

export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of a base64url string; empty for anything that is not one. */
export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return new Uint8Array(0);
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '='));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** The site a page's rooms belong to: its origin (empty where there is none). */
export function pageSite(): string {
  return globalThis.location?.origin ?? '';
}

/** HKDF-SHA-256 (empty salt) of a 256-bit secret, for one purpose. */
async function hkdfBits(secret: Uint8Array, info: string, bits: number): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey('raw', secret as BufferSource, 'HKDF', false, ['deriveBits']);
  const derived = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(info) }, material, bits);
  return new Uint8Array(derived);
}

/**
 * Derives the room's topic id and sealing key: one PBKDF2 block for the room (and, with a
 * password, one more for room and password, in parallel), each expanded with HKDF. A room without
 * a password costs one run; a guesser pays a full block per guess of either secret.
 */
export async function deriveRoomKeys(room: string, password: string, site = pageSite()): Promise<RoomKeys> {
  const [roomSalt, passwordSalt] = await Promise.all([
    sha256Of(`${PROTOCOL_LABEL}\u0000room\u0000${site}`),
    sha256Of(`${PROTOCOL_LABEL}\u0000password\u0000${site}\u0000${room}`),
  ]);
  const [roomSecret, passwordSecret] = await Promise.all([
    pbkdf2Bits(room, roomSalt, 256),
    password ? pbkdf2Bits(`${room}\u0000${password}`, passwordSalt, 256) : undefined,
  ]);
  const [topicBits, keyBits] = await Promise.all([
    hkdfBits(roomSecret, `${PROTOCOL_LABEL} topic`, 128),
    hkdfBits(passwordSecret ?? roomSecret, `${PROTOCOL_LABEL} key`, 256 + 32),
  ]);
  const key = await crypto.subtle.importKey('raw', keyBits.slice(0, 32) as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return { topicId: base64Url(topicBits), key, keyId: keyBits.slice(32, 36) };
}

/** Derivations kept: the room being joined, and a few before it (a visitor going back and forth). */
const KEPT_DERIVATIONS = 4;
const derivations = new RecentPromises<RoomKeys>(KEPT_DERIVATIONS);

/**
 * The room's keys, derived once per room, password and site and kept for the page's next joins.
 * Calling it early (while a visitor looks at the preview) takes the derivation out of the join.
 * A failed derivation is not kept.
 */
export function roomKeys(room: string, password: string, site = pageSite()): Promise<RoomKeys> {
  return derivations.get(JSON.stringify([room, password, site]), () => deriveRoomKeys(room, password, site));
}

function additionalData(header: Uint8Array, topic: string): Uint8Array {
  const topicBytes = encoder.encode(topic);
  const data = new Uint8Array(5 + topicBytes.length);
  data.set(header.subarray(0, 5));
  data.set(topicBytes, 5);
  return data;
}

/** Seals a plaintext for one topic. */
export async function seal(keys: RoomKeys, topic: string, plaintext: Uint8Array): Promise<Uint8Array> {
  const header = new Uint8Array(HEADER_BYTES);
  header[0] = ENVELOPE_VERSION;
  header.set(keys.keyId, 1);
  header.set(crypto.getRandomValues(new Uint8Array(12)), 5);
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: header.subarray(5) as BufferSource, additionalData: additionalData(header, topic) as BufferSource },
    keys.key,
    plaintext as BufferSource,
  );
  const envelope = new Uint8Array(HEADER_BYTES + ciphertext.byteLength);
  envelope.set(header);
  envelope.set(new Uint8Array(ciphertext), HEADER_BYTES);
  return envelope;
}

export type OpenResult = { plaintext: Uint8Array } | { failure: 'malformed' | 'foreign-key' | 'forged' };

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Opens an envelope received on `topic`; never throws. */
export async function open(keys: RoomKeys, topic: string, envelope: Uint8Array): Promise<OpenResult> {
  if (envelope.byteLength < HEADER_BYTES + TAG_BYTES || envelope[0] !== ENVELOPE_VERSION) return { failure: 'malformed' };
  if (!sameBytes(envelope.subarray(1, 5), keys.keyId)) return { failure: 'foreign-key' };
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: envelope.subarray(5, HEADER_BYTES) as BufferSource, additionalData: additionalData(envelope, topic) as BufferSource },
      keys.key,
      envelope.subarray(HEADER_BYTES) as BufferSource,
    );
    return { plaintext: new Uint8Array(plaintext) };
  } catch {
    return { failure: 'forged' };
  }
}
