/**
 * Messages between two peers over their own data channels, never the broker: app data (`send()`)
 * and chat, each on its own lane, so a site's traffic cannot delay or crowd out the chat. Lanes
 * are negotiated channels with fixed ids (see connection-factory.ts): both sides make them
 * without a word of signaling.
 *
 * What a peer sends is checked before anyone sees it: JSON text only, bounded in size, and at a
 * bounded rate per lane (a token bucket), so a hostile peer cannot flood the page. Messages sent
 * before a lane opens wait, in order, and leave when it does.
 */
import { TypedEventTarget } from '../typed-event-target.js';

export type Lane = 'app' | 'chat';

/** Largest message on a lane, in UTF-8 bytes of its JSON. */
export const MAX_MESSAGE_BYTES: Record<Lane, number> = { app: 64 * 1024, chat: 8 * 1024 };

/** Per lane and peer: a burst of `burst` messages, then `perSecond` a second; bytes likewise. */
interface Rate {
  burst: number;
  perSecond: number;
  burstBytes: number;
  bytesPerSecond: number;
}

/**
 * App data is the site's own traffic; chat is what people type, and every message is drawn in
 * the chat panel: at app data's rate, 50 chat messages of 8 KiB a second from one peer stalled
 * the page for 0.4-0.8 s. Chat's rate is a fast typist's with room to spare: 20 messages at once
 * then 5 a second, four of the longest at once then one a second.
 */
export const LANE_RATES: Record<Lane, Rate> = {
  app: { burst: 100, perSecond: 50, burstBytes: 2 * 1024 * 1024, bytesPerSecond: 1024 * 1024 },
  chat: { burst: 20, perSecond: 5, burstBytes: 4 * MAX_MESSAGE_BYTES.chat, bytesPerSecond: MAX_MESSAGE_BYTES.chat },
};

/** Why a peer's message was refused. */
export type RefusalReason = 'too-large' | 'malformed' | 'flooding';

export interface PeerMessagingEventMap {
  /** A well-formed message arrived on a lane. */
  message: CustomEvent<{ lane: Lane; data: unknown }>;
  /** A message from the peer was refused (and dropped). */
  refused: CustomEvent<{ lane: Lane; reason: RefusalReason }>;
}

const utf8 = new TextEncoder();

/**
 * A message as it goes on the wire. Throws an Error that says what is wrong if `data` cannot be
 * sent: not JSON-serialisable, or over the lane's size.
 */
export function encodeMessage(lane: Lane, data: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw new Error(`send() takes JSON-serialisable data: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (text === undefined) throw new Error('send() takes JSON-serialisable data, not undefined or a function');
  const bytes = utf8.encode(text).byteLength;
  const max = MAX_MESSAGE_BYTES[lane];
  if (bytes > max) throw new Error(`A message may be ${max / 1024} KiB at most as JSON; this one is ${(bytes / 1024).toFixed(1)} KiB`);
  return text;
}

/** Counts what a peer sends on one lane and says whether the next message is within its rate. */
class TokenBucket {
  private messages: number;
  private bytes: number;
  private at = performance.now();

  constructor(private readonly rate: Rate) {
    this.messages = rate.burst;
    this.bytes = rate.burstBytes;
  }

  take(size: number): boolean {
    const now = performance.now();
    const seconds = (now - this.at) / 1000;
    this.at = now;
    const { rate } = this;
    this.messages = Math.min(rate.burst, this.messages + seconds * rate.perSecond);
    this.bytes = Math.min(rate.burstBytes, this.bytes + seconds * rate.bytesPerSecond);
    if (this.messages < 1 || this.bytes < size) return false;
    this.messages -= 1;
    this.bytes -= size;
    return true;
  }
}

export class PeerMessaging extends TypedEventTarget<PeerMessagingEventMap> {
  private readonly channels = new Map<Lane, RTCDataChannel>();
  private readonly waiting = new Map<Lane, string[]>();
  private readonly buckets = new Map<Lane, TokenBucket>();
  private closed = false;

  /** Takes the lanes' channels once the connection has them (at once when offering, later when answering). */
  attach(channels: Readonly<Record<Lane, RTCDataChannel>>): void {
    if (this.closed || this.channels.size > 0) return;
    for (const [lane, channel] of Object.entries(channels) as [Lane, RTCDataChannel][]) {
      this.channels.set(lane, channel);
      this.buckets.set(lane, new TokenBucket(LANE_RATES[lane]));
      channel.addEventListener('open', () => this.flush(lane));
      channel.addEventListener('message', ({ data }) => this.receive(lane, data));
      if (channel.readyState === 'open') this.flush(lane);
    }
  }

  /** Sends a message already encoded (see `encodeMessage`), now or once the lane opens. */
  send(lane: Lane, text: string): void {
    if (this.closed) return;
    const channel = this.channels.get(lane);
    if (channel?.readyState === 'open' && !this.waiting.get(lane)?.length) {
      this.transmit(channel, text);
      return;
    }
    const queue = this.waiting.get(lane) ?? [];
    queue.push(text);
    this.waiting.set(lane, queue);
  }

  close(): void {
    this.closed = true;
    this.waiting.clear();
  }

  private flush(lane: Lane): void {
    const channel = this.channels.get(lane);
    const queue = this.waiting.get(lane);
    if (!channel || !queue) return;
    this.waiting.delete(lane);
    for (const text of queue) this.transmit(channel, text);
  }

  private transmit(channel: RTCDataChannel, text: string): void {
    try {
      channel.send(text);
    } catch {
      // The channel closed under us: the link is going, and its peer with it.
    }
  }

  private receive(lane: Lane, data: unknown): void {
    if (this.closed) return;
    if (typeof data !== 'string') return this.refuse(lane, 'malformed');
    // Each UTF-16 unit is at least one UTF-8 byte: a long string is refused without encoding it.
    const bytes = data.length > MAX_MESSAGE_BYTES[lane] ? data.length : utf8.encode(data).byteLength;
    if (!this.buckets.get(lane)!.take(bytes)) return this.refuse(lane, 'flooding');
    if (bytes > MAX_MESSAGE_BYTES[lane]) return this.refuse(lane, 'too-large');
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      return this.refuse(lane, 'malformed');
    }
    this.dispatchEvent(new CustomEvent('message', { detail: { lane, data: value } }));
  }

  private refuse(lane: Lane, reason: RefusalReason): void {
    this.dispatchEvent(new CustomEvent('refused', { detail: { lane, reason } }));
  }
}
