/**
 * A small data channel beside the media of every pair: a heartbeat that tells a live peer from a
 * vanished one without the broker, a goodbye that arrives even while the broker is down, and the
 * state of the sender's media (muted, camera off) for the peer's tile. It is negotiated out of
 * band (same id on both sides), so it costs no extra signaling.
 */
import type { LocalSources, MediaState } from '../media/local-sources.js';
import { TypedEventTarget } from '../typed-event-target.js';

export const HEARTBEAT_INTERVAL_MS = 250;
/** No heartbeat for this long and the pair is treated as broken (ICE restart, then give up). */
export const SILENCE_MS = 2500;
const CONTROL_CHANNEL_ID = 0;

export interface ControlChannelEventMap {
  /** The peer has not been heard for `SILENCE_MS`. */
  silent: Event;
  /** The peer is heard again after being silent. */
  alive: Event;
  /** The peer said goodbye over the channel. */
  bye: Event;
  /** The peer's media state arrived or changed (see `remoteState`). */
  state: Event;
}

const STATE_PREFIX = 'state:';

/** A layer above that speaks over the channel (safety codes, identity proofs). */
export interface ChannelExchange {
  /** Called once the channel is open. */
  start(): Promise<void>;
  /** Takes a message; true if it was the exchange's. */
  handle(message: string): boolean;
}

/** The peer's media state from a message, or undefined if it is not a well-formed one. */
function parseState(data: unknown): MediaState | undefined {
  if (typeof data !== 'string' || !data.startsWith(STATE_PREFIX) || data.length > 200) return undefined;
  try {
    const { microphone, camera, screen = false, recording = false } = JSON.parse(data.slice(STATE_PREFIX.length)) as Record<string, unknown>;
    const flags = [microphone, camera, screen, recording];
    if (flags.every((flag) => typeof flag === 'boolean')) return { microphone, camera, screen, recording } as MediaState;
  } catch {
    // Not JSON: a peer of another kind, or a hostile one. Ignored.
  }
  return undefined;
}

export class ControlChannel extends TypedEventTarget<ControlChannelEventMap> {
  /** `performance.now()` when the peer was last heard, or 0 before the channel opened. */
  lastHeardAt = 0;
  /** Whether the peer is currently considered silent. */
  silent = false;
  /** The peer's microphone and camera as it last told (undefined until it did). */
  remoteState?: MediaState;
  private readonly channel: RTCDataChannel;
  private timer?: ReturnType<typeof setInterval>;
  private readonly exchanges: ChannelExchange[] = [];
  private readonly sendState = () => this.send(STATE_PREFIX + JSON.stringify(this.sources.state));

  constructor(pc: RTCPeerConnection, private readonly sources: LocalSources) {
    super();
    this.channel = pc.createDataChannel('control', { negotiated: true, id: CONTROL_CHANNEL_ID });
    sources.addEventListener('change', this.sendState);
    this.channel.addEventListener('open', () => {
      this.heard();
      this.sendState();
      for (const exchange of this.exchanges) void exchange.start();
      // Ticking starts only now: before the channel opens there is nothing to send or to miss, and
      // a prepared offer may wait a long time for its peer.
      if (this.channel.readyState === 'open') this.timer ??= setInterval(() => this.tick(), HEARTBEAT_INTERVAL_MS);
    }, { once: true });
    this.channel.addEventListener('message', ({ data }) => {
      this.heard();
      if (typeof data === 'string' && this.exchanges.some((exchange) => exchange.handle(data))) return;
      if (data === 'bye') this.dispatchEvent(new Event('bye'));
      const state = parseState(data);
      const before = this.remoteState;
      if (state && (!before || (Object.keys(state) as (keyof MediaState)[]).some((key) => state[key] !== before[key]))) {
        this.remoteState = state;
        this.dispatchEvent(new Event('state'));
      }
    });
  }

  /** Runs an exchange of a layer above over this channel, from when it opens. */
  attach(exchange: ChannelExchange): void {
    this.exchanges.push(exchange);
    if (this.channel.readyState === 'open') void exchange.start();
  }

  /** Sends a message of a layer above (see `attach`), if the channel is open. */
  sendText(message: string): void {
    this.send(message);
  }

  /** Says goodbye to the peer directly (best effort). */
  sendBye(): void {
    this.send('bye');
  }

  close(): void {
    this.sources.removeEventListener('change', this.sendState);
    clearInterval(this.timer);
    this.channel.close();
  }

  private send(message: string): void {
    if (this.channel.readyState !== 'open') return;
    try {
      this.channel.send(message);
    } catch {
      // The channel closed between the check and the send; the next tick will notice.
    }
  }

  private heard(): void {
    this.lastHeardAt = performance.now();
    if (this.silent) {
      this.silent = false;
      this.dispatchEvent(new Event('alive'));
    }
  }

  private tick(): void {
    this.send('ping');
    if (this.lastHeardAt === 0 || this.silent) return;
    if (performance.now() - this.lastHeardAt > SILENCE_MS) {
      this.silent = true;
      this.dispatchEvent(new Event('silent'));
    }
  }
}
