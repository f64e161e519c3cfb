/**
 * The signaling vocabulary and its strict validation. Everything that arrives from the broker is
 * untrusted: `parseSignal` copies known fields into fresh objects and rejects anything else, so a
 * malformed or hostile message can never reach the peer logic or the UI.
 */
import { randomHex } from '../bytes.js';
import { plainText } from '../plain-text.js';

export const PROTOCOL_VERSION = 1;

/** Limits that keep a hostile sender from making us hold or parse much. */
export const LIMITS = {
  payloadBytes: 64 * 1024,
  nameChars: 64,
  sdpChars: 48 * 1024,
  candidatesPerMessage: 64,
  candidateChars: 1024,
} as const;

const PEER_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** A newcomer's announcement on the room's presence topic. */
export interface HelloSignal {
  kind: 'hello';
  from: string;
  name: string;
  /** When the sender joined (its clock, ms since 1970): the earlier joiner of a pair offers. */
  since: number;
}
/** A present peer's direct reply to a `hello`: "I am here too, please offer to me". */
export interface HereSignal {
  kind: 'here';
  from: string;
  to: string;
  name: string;
}
/**
 * A goodbye, broadcast on presence. `vanished` marks the MQTT Last Will, which the broker
 * publishes when the sender's connection dies without a goodbye.
 */
export interface ByeSignal {
  kind: 'bye';
  from: string;
  reason?: 'vanished';
}
/** A member's reply to a newcomer when it holds as many links as the room allows: "do not connect". */
export interface FullSignal {
  kind: 'full';
  from: string;
  to: string;
}
/** An SDP offer or answer, directed to one peer. */
export interface DescriptionSignal {
  kind: 'offer' | 'answer';
  from: string;
  to: string;
  name: string;
  sdp: string;
}
/** One or more trickled ICE candidates, batched to spare broker messages. */
export interface CandidateSignal {
  kind: 'candidate';
  from: string;
  to: string;
  candidates: RTCIceCandidateInit[];
}

export type Signal = HelloSignal | HereSignal | FullSignal | ByeSignal | DescriptionSignal | CandidateSignal;
export type DirectedSignal = HereSignal | FullSignal | DescriptionSignal | CandidateSignal;

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isPeerId(value: unknown): value is string {
  return typeof value === 'string' && PEER_ID.test(value);
}
function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}
function hasOnly(fields: Fields, allowed: readonly string[]): boolean {
  return Object.keys(fields).every((key) => allowed.includes(key));
}

function parseCandidate(value: unknown): RTCIceCandidateInit | undefined {
  if (!isFields(value) || !hasOnly(value, ['candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment'])) return undefined;
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = value;
  if (!isText(candidate, LIMITS.candidateChars)) return undefined;
  if (sdpMid !== undefined && sdpMid !== null && !isText(sdpMid, 32)) return undefined;
  if (sdpMLineIndex !== undefined && sdpMLineIndex !== null && !(Number.isInteger(sdpMLineIndex) && (sdpMLineIndex as number) >= 0 && (sdpMLineIndex as number) < 64)) return undefined;
  if (usernameFragment !== undefined && usernameFragment !== null && !isText(usernameFragment, 256)) return undefined;
  const init: RTCIceCandidateInit = { candidate };
  if (typeof sdpMid === 'string') init.sdpMid = sdpMid;
  if (typeof sdpMLineIndex === 'number') init.sdpMLineIndex = sdpMLineIndex;
  if (typeof usernameFragment === 'string') init.usernameFragment = usernameFragment;
  return init;
}

/** Validates a decoded JSON value; returns a clean copy, or `undefined` for anything off-schema. */
export function parseSignal(value: unknown): Signal | undefined {
  if (!isFields(value) || value.v !== PROTOCOL_VERSION || !isPeerId(value.from)) return undefined;
  const from = value.from;
  switch (value.kind) {
    case 'hello':
      if (!hasOnly(value, ['v', 'kind', 'from', 'name', 'since']) || !isText(value.name, LIMITS.nameChars)) return undefined;
      if (!Number.isSafeInteger(value.since) || (value.since as number) < 0) return undefined;
      return { kind: 'hello', from, name: cleanName(value.name), since: value.since as number };
    case 'here':
      if (!hasOnly(value, ['v', 'kind', 'from', 'to', 'name']) || !isPeerId(value.to) || !isText(value.name, LIMITS.nameChars)) return undefined;
      return { kind: 'here', from, to: value.to, name: cleanName(value.name) };
    case 'full':
      if (!hasOnly(value, ['v', 'kind', 'from', 'to']) || !isPeerId(value.to)) return undefined;
      return { kind: 'full', from, to: value.to };
    case 'bye':
      if (!hasOnly(value, ['v', 'kind', 'from', 'reason'])) return undefined;
      if (value.reason === undefined) return { kind: 'bye', from };
      return value.reason === 'vanished' ? { kind: 'bye', from, reason: 'vanished' } : undefined;
    case 'offer':
    case 'answer':
      if (!hasOnly(value, ['v', 'kind', 'from', 'to', 'name', 'sdp']) || !isPeerId(value.to)) return undefined;
      if (!isText(value.name, LIMITS.nameChars) || !isText(value.sdp, LIMITS.sdpChars) || value.sdp.length === 0) return undefined;
      return { kind: value.kind, from, to: value.to, name: cleanName(value.name), sdp: value.sdp };
    case 'candidate': {
      if (!hasOnly(value, ['v', 'kind', 'from', 'to', 'candidates']) || !isPeerId(value.to)) return undefined;
      const list = value.candidates;
      if (!Array.isArray(list) || list.length === 0 || list.length > LIMITS.candidatesPerMessage) return undefined;
      const candidates = list.map(parseCandidate);
      if (candidates.some((c) => c === undefined)) return undefined;
      return { kind: 'candidate', from, to: value.to, candidates: candidates as RTCIceCandidateInit[] };
    }
    default:
      return undefined;
  }
}

/** Adds the protocol version: the wire form of a signal. */
export function toWire(signal: Signal): Fields {
  return { v: PROTOCOL_VERSION, ...signal };
}

/**
 * Makes a display name safe to carry and to show: trimmed, without control, direction or
 * invisible characters (no name can pose as another by reordering what it shows), bounded.
 */
export function cleanName(name: string): string {
  return plainText(name, LIMITS.nameChars);
}

/** A fresh random peer id (URL- and topic-safe). */
export function randomPeerId(): string {
  return randomHex(12);
}
