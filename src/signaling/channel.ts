/**
 * A room channel: where a room's messages go on the broker and how they are put on the wire.
 * The signaling transport only ever sees this interface, so the wire format can change (for example
 * to sealed envelopes) without touching the transport or the peer logic.
 */
import { LIMITS, parseSignal, toWire, type Signal } from './messages.js';

export const TOPIC_PREFIX = 'video-chat-element/v1';

export interface RoomTopics {
  /** Room-wide topic: announcements and goodbyes. */
  presence: string;
  /** One peer's private inbox: offers, answers, candidates meant for it alone. */
  inbox(peerId: string): string;
}

export interface RoomChannel {
  topics: RoomTopics;
  /** Turns a signal into a broker payload. */
  encode(signal: Signal): Promise<Uint8Array>;
  /** Turns a broker payload back into a validated signal, or `undefined` when it is not one. */
  decode(payload: Uint8Array): Promise<Signal | undefined>;
}

/** Topic names for a room. MQTT wildcards and separators in the room name are escaped. */
export function roomTopics(room: string): RoomTopics {
  const base = `${TOPIC_PREFIX}/${encodeURIComponent(room)}`;
  return {
    presence: `${base}/presence`,
    inbox: (peerId) => `${base}/peer/${peerId}`,
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Plain JSON on a room-named topic tree. */
export async function openPlainChannel(room: string): Promise<RoomChannel> {
  return {
    topics: roomTopics(room),
    encode: async (signal) => encoder.encode(JSON.stringify(toWire(signal))),
    decode: async (payload) => {
      if (payload.byteLength > LIMITS.payloadBytes) return undefined;
      try {
        return parseSignal(JSON.parse(decoder.decode(payload)));
      } catch {
        return undefined;
      }
    },
  };
}
