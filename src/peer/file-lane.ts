/**
 * Files between two peers on their own data channel (ordered, reliable), one file at a time in
 * each direction:
 *
 *   sender → `{t:'offer', id, name, size, type, sha256}`; receiver → `{t:'accept', id}` or
 *   `{t:'refuse', id, reason}`; sender → the bytes as binary messages, then `{t:'end', id}`;
 *   receiver → `{t:'done', id}` once the SHA-256 matches, or `{t:'failed', id, reason}`.
 *   Either side may send `{t:'cancel', id}`.
 *
 * The sender keeps at most 256 KiB in the channel's buffer and waits for `bufferedamountlow`
 * (never "send queue is full"). The receiver holds what the offer declared
 * and no more, and delivers nothing until the whole file is there and checked.
 *
 * The peer is a room member and may be hostile, so what it can make this side do is bounded: an
 * offer is streamed once however often it is accepted; chunks are never empty and come at most one
 * per KiB declared; a transfer in either direction that moves nothing for `stallMs` (30 s) is
 * dropped (`stalled`), so a send always settles and an unfinished offer frees its memory; and a
 * received file only ever has an inert type (see file-type.ts).
 */
import { hex, sha256 } from '../bytes.js';
import { TypedEventTarget } from '../typed-event-target.js';
import { plainText } from '../plain-text.js';
import { inertFileType } from './file-type.js';

const CHUNK_BYTES = 64 * 1024;
const READ_BYTES = 1024 * 1024;
/**
 * What the sender keeps queued in the channel. With megabytes queued (8 MiB at first), the first
 * transfer of a call between two browsers stalled for 20-100 s in most tries, the connection
 * sending next to nothing, as after losses and retransmission back-off; with 256 KiB it took 1-2 s
 * for 20 MB. The browser refills from `bufferedamountlow` within milliseconds, so a short queue
 * costs no throughput.
 */
const HIGH_WATER_BYTES = 256 * 1024;
const LOW_WATER_BYTES = 64 * 1024;
/** Longest file name kept, in characters. */
const MAX_NAME_CHARS = 200;
/**
 * The fewest bytes a chunk carries on average: an offer of `size` bytes may come in at most
 * `ceil(size / 1 KiB)` chunks. Ours are 64 KiB; without a bound, a 1,000-byte offer took 1.1
 * million empty chunks in 40 s (+600 MB in the receiving browser).
 */
const MIN_AVERAGE_CHUNK_BYTES = 1024;
/**
 * How long a transfer may move nothing (no chunk sent or received, no answer) before it is
 * dropped. A live link moves 64 KiB in far less; a hashing receiver answers within a second or two.
 */
export const FILE_STALL_MS = 30_000;

export interface FileOffer {
  id: string;
  name: string;
  size: number;
  type: string;
  sha256: string;
}

/**
 * Why a transfer failed. `stalled`: nothing moved for `stallMs` (the peer stopped sending, or never
 * answered); `malformed`: the peer broke the protocol (more bytes than declared, empty or too many chunks).
 */
export type FileFailure = 'too-large' | 'refused' | 'checksum' | 'link-lost' | 'cancelled' | 'malformed' | 'stalled';

export interface FileLaneEventMap {
  /**
   * Bytes of a transfer moved (sent into the channel, or received). An incoming offer, once
   * accepted, reports 0 bytes at once: from then on it holds up to its size until it ends.
   */
  progress: CustomEvent<{ offer: FileOffer; bytes: number; direction: 'send' | 'receive' }>;
  /** A file arrived whole and checked; its type is an inert one (see `inertFileType`). */
  received: CustomEvent<{ offer: FileOffer; file: File }>;
  /**
   * An incoming transfer failed (outgoing ones reject their promise). Also an offer refused as
   * larger than `maxBytes` allowed at that moment (`too-large`), nothing of it having been accepted.
   */
  'receive-failed': CustomEvent<{ offer: FileOffer; reason: FileFailure }>;
}

/**
 * Resolves once the channel's buffer is down to the low-water mark: on `bufferedamountlow`, or,
 * should that event not come (it fires only on the way down through the mark), when a look every
 * 100 ms finds it there; also when the channel closes.
 */
function drained(channel: RTCDataChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearInterval(timer);
      channel.removeEventListener('bufferedamountlow', done);
      channel.removeEventListener('close', done);
      resolve();
    };
    const timer = setInterval(() => channel.bufferedAmount <= LOW_WATER_BYTES && done(), 100);
    channel.addEventListener('bufferedamountlow', done);
    channel.addEventListener('close', done);
  });
}

/** Hex SHA-256 of some bytes. */
export async function sha256Hex(data: BufferSource): Promise<string> {
  return hex(await sha256(data));
}

/** A file name safe to show and to save: no path, no control or direction characters, bounded. */
export function cleanFileName(name: string): string {
  return plainText(name.replace(/[\\/]/g, '_'), MAX_NAME_CHARS) || 'file';
}

/** The offer in a message, if it is a well-formed one within `maxBytes`; a well-formed one over it; else `malformed`. */
function parseOffer(message: Record<string, unknown>, maxBytes: number): FileOffer | { refused: FileOffer } | 'malformed' {
  const { id, name, size, type, sha256 } = message;
  if (typeof id !== 'string' || id.length > 64 || typeof name !== 'string' || typeof type !== 'string' || typeof sha256 !== 'string') return 'malformed';
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || !/^[0-9a-f]{64}$/.test(sha256)) return 'malformed';
  const offer = { id, name: cleanFileName(name), size, type: inertFileType(type), sha256 };
  return size > maxBytes ? { refused: offer } : offer;
}

interface Outgoing {
  offer: FileOffer;
  blob: Blob;
  /** Accepted and streaming (or streamed): a second `accept` starts nothing. */
  streaming: boolean;
  settle(failure?: FileFailure): void;
}

interface Incoming {
  offer: FileOffer;
  chunks: ArrayBuffer[];
  bytes: number;
  /** The `end` came: the file is being checked, anything more for it is ignored. */
  ending: boolean;
}

export interface FileLaneOptions {
  /** How long a transfer may move nothing before it is dropped as `stalled` (default 30 s). */
  stallMs?: number;
}

export class FileLane extends TypedEventTarget<FileLaneEventMap> {
  private queue: Promise<unknown> = Promise.resolve();
  private outgoing?: Outgoing;
  private incoming?: Incoming;
  private closed = false;
  private channel?: RTCDataChannel;
  private readonly attached: Promise<RTCDataChannel>;
  private resolveAttached!: (channel: RTCDataChannel) => void;
  private readonly stallMs: number;
  private outgoingStall?: ReturnType<typeof setTimeout>;
  private incomingStall?: ReturnType<typeof setTimeout>;

  /** `maxBytes`: the largest incoming file accepted, asked at each offer. */
  constructor(private readonly maxBytes: () => number, options: FileLaneOptions = {}) {
    super();
    this.stallMs = options.stallMs ?? FILE_STALL_MS;
    this.attached = new Promise((resolve) => (this.resolveAttached = resolve));
  }

  /** Takes the connection's file channel once it has one (at once when offering, later when answering). */
  attach(channel: RTCDataChannel): void {
    if (this.channel || this.closed) return;
    this.channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = LOW_WATER_BYTES;
    channel.addEventListener('message', ({ data }) => void this.receive(data));
    channel.addEventListener('close', () => this.close());
    this.resolveAttached(channel);
  }

  /**
   * Sends a file, after the ones already queued. Resolves once the peer has it, checked; rejects
   * with the reason (`too-large`, `refused`, `checksum`, `link-lost`, `cancelled`, `stalled`) as
   * the Error's message. Always settles: a peer that stops answering for `stallMs` fails it.
   */
  send(offer: FileOffer, blob: Blob): Promise<void> {
    const run = this.queue.then(() => this.transfer(offer, blob));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ends every transfer: outgoing ones reject, an incoming one is dropped and reported. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.outgoing?.settle('link-lost');
    this.failIncoming('link-lost');
  }

  private async transfer(offer: FileOffer, blob: Blob): Promise<void> {
    if (this.closed) throw new Error('link-lost');
    await this.opened();
    await new Promise<void>((resolve, reject) => {
      const outgoing: Outgoing = {
        offer,
        blob,
        streaming: false,
        settle: (failure) => {
          if (this.outgoing !== outgoing) return;
          this.outgoing = undefined;
          clearTimeout(this.outgoingStall);
          if (failure) reject(new Error(failure));
          else resolve();
        },
      };
      this.outgoing = outgoing;
      this.outgoingMoved(outgoing);
      this.sendJson({ t: 'offer', ...offer });
    });
  }

  /** The outgoing transfer moved: it may now stay still for another `stallMs`. */
  private outgoingMoved(outgoing: Outgoing): void {
    clearTimeout(this.outgoingStall);
    this.outgoingStall = setTimeout(() => {
      if (this.outgoing !== outgoing) return;
      this.sendJson({ t: 'cancel', id: outgoing.offer.id });
      outgoing.settle('stalled');
    }, this.stallMs);
  }

  /** The incoming transfer moved: it may now stay still for another `stallMs`. */
  private incomingMoved(incoming: Incoming): void {
    clearTimeout(this.incomingStall);
    this.incomingStall = setTimeout(() => {
      if (this.incoming !== incoming) return;
      this.sendJson({ t: 'failed', id: incoming.offer.id, reason: 'stalled' });
      this.failIncoming('stalled');
    }, this.stallMs);
  }

  private async opened(): Promise<RTCDataChannel> {
    const channel = await this.attached;
    if (channel.readyState === 'open') return channel;
    if (channel.readyState !== 'connecting') throw new Error('link-lost');
    return new Promise((resolve, reject) => {
      channel.addEventListener('open', () => resolve(channel), { once: true });
      channel.addEventListener('close', () => reject(new Error('link-lost')), { once: true });
    });
  }

  /** Streams the accepted file's bytes, keeping the channel's buffer under the high-water mark. */
  private async stream(outgoing: Outgoing): Promise<void> {
    const { offer, blob } = outgoing;
    const channel = this.channel!;
    let sent = 0;
    // Read a block at a time (one read per 64 KiB costs more than the sending), send it in chunks.
    for (let start = 0; start < blob.size; start += READ_BYTES) {
      const block = await blob.slice(start, start + READ_BYTES).arrayBuffer();
      for (let offset = 0; offset < block.byteLength; offset += CHUNK_BYTES) {
        if (this.outgoing !== outgoing || this.closed) return;
        if (channel.bufferedAmount > HIGH_WATER_BYTES) {
          await drained(channel);
          if (this.outgoing !== outgoing || this.closed) return;
        }
        const chunk = block.slice(offset, offset + CHUNK_BYTES);
        if (!this.sendRaw(chunk)) return;
        sent += chunk.byteLength;
        this.outgoingMoved(outgoing);
      }
      this.dispatchEvent(new CustomEvent('progress', { detail: { offer, bytes: sent, direction: 'send' as const } }));
    }
    if (this.outgoing !== outgoing || this.closed) return;
    this.outgoingMoved(outgoing);
    this.sendJson({ t: 'end', id: offer.id });
  }

  private async receive(data: unknown): Promise<void> {
    if (this.closed) return;
    if (data instanceof ArrayBuffer) return this.receiveChunk(data);
    let message: Record<string, unknown>;
    try {
      message = typeof data === 'string' && data.length < 4096 ? JSON.parse(data) : undefined;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const outgoing = this.outgoing;
    const forOutgoing = outgoing && message.id === outgoing.offer.id;
    switch (message.t) {
      case 'offer':
        return this.receiveOffer(message);
      case 'accept':
        // Streamed once: each repeated accept used to start another stream of the whole file.
        if (!forOutgoing || outgoing.streaming) return;
        outgoing.streaming = true;
        this.outgoingMoved(outgoing);
        void this.stream(outgoing);
        return;
      case 'refuse':
        if (forOutgoing) outgoing.settle(message.reason === 'too-large' ? 'too-large' : 'refused');
        return;
      case 'done':
        if (forOutgoing && outgoing.streaming) outgoing.settle();
        return;
      case 'failed':
        if (forOutgoing) outgoing.settle(message.reason === 'checksum' || message.reason === 'stalled' ? message.reason : 'refused');
        return;
      case 'cancel':
        if (forOutgoing) outgoing.settle('cancelled');
        if (this.incoming && message.id === this.incoming.offer.id) this.failIncoming('cancelled');
        return;
      case 'end':
        if (this.incoming && message.id === this.incoming.offer.id && !this.incoming.ending) await this.finish(this.incoming);
        return;
    }
  }

  private receiveOffer(message: Record<string, unknown>): void {
    // One at a time per direction: a sender that starts another drops the one before (and the
    // memory it held) before this one is weighed against what may be held.
    if (this.incoming) this.failIncoming('cancelled');
    const offer = parseOffer(message, this.maxBytes());
    if (offer === 'malformed') {
      if (typeof message.id === 'string') this.sendJson({ t: 'refuse', id: message.id.slice(0, 64), reason: offer });
      return;
    }
    if ('refused' in offer) {
      this.sendJson({ t: 'refuse', id: offer.refused.id, reason: 'too-large' });
      this.dispatchEvent(new CustomEvent('receive-failed', { detail: { offer: offer.refused, reason: 'too-large' as const } }));
      return;
    }
    const incoming: Incoming = { offer, chunks: [], bytes: 0, ending: false };
    this.incoming = incoming;
    this.incomingMoved(incoming);
    this.dispatchEvent(new CustomEvent('progress', { detail: { offer, bytes: 0, direction: 'receive' as const } }));
    this.sendJson({ t: 'accept', id: offer.id });
  }

  private receiveChunk(chunk: ArrayBuffer): void {
    const incoming = this.incoming;
    if (!incoming || incoming.ending) return;
    incoming.bytes += chunk.byteLength;
    const tooMany = incoming.chunks.length >= Math.ceil(incoming.offer.size / MIN_AVERAGE_CHUNK_BYTES);
    if (chunk.byteLength === 0 || tooMany || incoming.bytes > incoming.offer.size) {
      this.sendJson({ t: 'failed', id: incoming.offer.id, reason: 'malformed' });
      this.failIncoming('malformed');
      return;
    }
    this.incomingMoved(incoming);
    incoming.chunks.push(chunk);
    this.dispatchEvent(new CustomEvent('progress', { detail: { offer: incoming.offer, bytes: incoming.bytes, direction: 'receive' as const } }));
  }

  private async finish(incoming: Incoming): Promise<void> {
    incoming.ending = true;
    clearTimeout(this.incomingStall);
    const { offer } = incoming;
    const blob = new Blob(incoming.chunks, { type: offer.type });
    incoming.chunks = [];
    const whole = incoming.bytes === offer.size && (await sha256Hex(await blob.arrayBuffer())) === offer.sha256;
    if (this.incoming !== incoming) return;
    this.incoming = undefined;
    clearTimeout(this.incomingStall);
    if (!whole) {
      this.sendJson({ t: 'failed', id: offer.id, reason: 'checksum' });
      this.dispatchEvent(new CustomEvent('receive-failed', { detail: { offer, reason: 'checksum' as const } }));
      return;
    }
    this.sendJson({ t: 'done', id: offer.id });
    this.dispatchEvent(new CustomEvent('received', { detail: { offer, file: new File([blob], offer.name, { type: offer.type }) } }));
  }

  private failIncoming(reason: FileFailure): void {
    const incoming = this.incoming;
    if (!incoming) return;
    this.incoming = undefined;
    clearTimeout(this.incomingStall);
    incoming.chunks = [];
    this.dispatchEvent(new CustomEvent('receive-failed', { detail: { offer: incoming.offer, reason } }));
  }

  private sendJson(message: Record<string, unknown>): void {
    this.sendRaw(JSON.stringify(message));
  }

  private sendRaw(data: string | ArrayBuffer): boolean {
    const channel = this.channel;
    if (channel?.readyState !== 'open') {
      this.close();
      return false;
    }
    try {
      channel.send(data as string);
      return true;
    } catch {
      this.close();
      return false;
    }
  }
}
