/**
 * The MQTT side of a visit: one broker connection, the room's presence topic and this peer's
 * inbox. It turns broker payloads into validated signals (through the room channel) and signals
 * into broker payloads, strictly in order, and knows nothing about WebRTC.
 *
 * Resilience: the connection carries a sealed Last Will (a `bye` marked `vanished`) so the room
 * hears of a visitor whose connection dies; lost connections are retried with capped, jittered
 * backoff, rotating through the configured brokers; every reconnection is reported so the
 * session can announce itself again.
 *
 * Every connection has a fresh random MQTT client id, unrelated to the peer id that topics show:
 * a broker drops a client when another connects with its id, so an id anyone could read off a
 * topic would let an outsider knock visitors off the broker at will.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { everyInterval } from '../background-interval.js';
import { randomHex } from '../bytes.js';
import { handOver, openWebSocket, refusedSocket } from './broker-socket.js';
import { TypedEventTarget } from '../typed-event-target.js';
import type { DecodeResult, DropReason, RoomChannel } from './channel.js';
import type { DirectedSignal, Signal } from './messages.js';
import type { SignalingStateName } from '../events.js';

/** `connecting`: first attempt; `online`: subscribed; `reconnecting`: lost, retrying; `offline`: closed. */
export type SignalingState = SignalingStateName;

export interface RoomSignalOptions {
  /** `ws://` or `wss://` URLs of MQTT brokers, in order of preference. */
  brokerUrls: string[];
  /** The room's sealed channel (which knows this visit's peer id); may still be deriving its keys. */
  channel: RoomChannel | Promise<RoomChannel>;
}

/** Why the broker is unreachable: an error on the connection, a refused subscription, or a lost connection. */
export interface OutageDetail {
  reason: 'connect-error' | 'subscription-refused' | 'connection-lost';
  broker: string;
  /** MQTT.js's or the broker's own words. */
  detail?: string;
}

export interface RoomSignalEventMap {
  /** A validated signal addressed to this peer (or to the whole room). */
  signal: CustomEvent<Signal>;
  /** The broker could not be reached (fired once per outage). */
  unreachable: CustomEvent<OutageDetail>;
  /** A message sealed with another password arrived on the room's presence topic. */
  'foreign-key': Event;
  /** The signaling state changed; see `state`. */
  state: Event;
  /** Subscribed again after a lost connection. */
  reconnected: Event;
  /**
   * A signed message addressed to us was refused as stale: its sender's clock and ours differ by
   * more than the accepted skew. Our inbox is new with this visit, so such a message was sent
   * during it: not a replay of something old. Once per connection.
   */
  'clock-skew': CustomEvent<{ skewMs: number; from: string }>;
  /**
   * A signed announcement on the room's topic was refused as stale: a visitor whose clock differs
   * from ours, or a replay of an old one (anyone who saw it can replay it). Telling the sender
   * directly settles which (see `clock-skew`).
   */
  'stale-announcement': CustomEvent<{ from: string }>;
}

/** Payloads waiting to be opened; beyond this a flood is shed before any decryption work. */
const MAX_PENDING_PAYLOADS = 256;
const CONNECT_TIMEOUT_MS = 5000;
/**
 * The largest MQTT packet taken from a broker that speaks MQTT 5 (its Maximum Packet Size): a
 * sealed signal is at most 64 KiB, and such a broker drops a larger message for this client
 * rather than send it, so an outsider's megabyte never reaches the page.
 */
export const MAX_PACKET_BYTES = 70 * 1024;
/** Connack codes of a broker that does not speak MQTT 5: 3.1.1's and 5's "unsupported protocol version". */
const UNSUPPORTED_VERSION = new Set([1, 132]);
const FIRST_RETRY_MS = 500;
/** A broker that does not answer a ping within this long is tried on a new connection (see `checkConnection`). */
const PROBE_MS = 1500;
/** How long that new connection may take to open before the network counts as down. */
const REACH_MS = 3000;
const MAX_RETRY_MS = 10_000;

/**
 * A random MQTT client id: 20 characters of [0-9a-f], within the 23 alphanumeric characters that
 * MQTT 3.1.1 requires every broker to accept.
 */
function freshClientId(): string {
  return randomHex(10);
}

/**
 * MQTT.js's keepalive clock. A hidden tab's own timers can fall to one a minute, too late for the
 * ping a 60 s keepalive needs every 30 s; MQTT.js's default for browsers, the worker-timers
 * package, does what background-interval.ts does for the recorder already.
 */
const backgroundTimer = {
  set: (tick: () => void, ms: number) => everyInterval(ms, tick),
  clear: (stop: () => void) => stop(),
} as unknown as NonNullable<mqtt.IClientOptions['timerVariant']>;

/** Brokers (by URL) that refused MQTT 5 in this page: they get MQTT 3.1.1 from then on. */
const mqtt311Brokers = new Set<string>();

/** MQTT 5 with a Maximum Packet Size, unless the broker is known to speak only 3.1.1. */
function protocolFor(url: string): { protocolVersion: 4 | 5; properties?: { maximumPacketSize: number } } {
  return mqtt311Brokers.has(url) ? { protocolVersion: 4, properties: undefined } : { protocolVersion: 5, properties: { maximumPacketSize: MAX_PACKET_BYTES } };
}

export class RoomSignal extends TypedEventTarget<RoomSignalEventMap> {
  /** Payloads dropped, by reason (invalid, replayed, forged, flooding…). */
  readonly drops: Partial<Record<DropReason, number>> = {};
  state: SignalingState = 'offline';
  private skewReported = false;

  private client?: MqttClient;
  private channel?: RoomChannel;
  private sendQueue: Promise<unknown> = Promise.resolve();
  private receiveQueue: Promise<unknown> = Promise.resolve();
  private byePayload?: Uint8Array;
  private pendingPayloads = 0;
  private brokerIndex = 0;
  private failedAttempts = 0;
  private everSubscribed = false;
  private outageReported = false;
  private closed = false;

  private readonly onMessage = (topic: string, payload: Uint8Array, packet: { retain?: boolean }) => {
    // We never publish retained messages: one that the broker kept was left by someone else, and
    // replaying it to every later visitor (a foreign knock, an old hello) must change nothing.
    if (packet.retain) this.drop('retained');
    else this.receive(topic, payload);
  };
  /** Set when the broker refused MQTT 5: the next attempt, at once, speaks 3.1.1. */
  private downgrading = false;
  /** Set when a connection that stopped answering is dropped on purpose: the next attempt goes at once. */
  private renewing = false;
  private probing = false;
  /** A socket opened to replace a connection that stopped answering: the next attempt takes it. */
  private replacement?: { socket: WebSocket; url: string };
  private readonly onError = (error: Error & { code?: unknown }) => {
    const options = this.client?.options;
    if (options?.protocolVersion === 5 && typeof error.code === 'number' && UNSUPPORTED_VERSION.has(error.code)) {
      // Not an outage: a broker that speaks 3.1.1 only. MQTT.js sets up the retry right after
      // this error; it goes at once, and `onConnectionLost` then makes it a 3.1.1 one.
      mqtt311Brokers.add(this.brokerUrl);
      this.downgrading = true;
      Object.assign(options, protocolFor(this.brokerUrl), { reconnectPeriod: 1 });
      return;
    }
    this.reportOutage('connect-error', error.message);
  };
  private readonly onClose = () => this.onConnectionLost();

  constructor(private readonly options: RoomSignalOptions) {
    super();
  }

  /** The broker in use (or being tried). */
  get brokerUrl(): string {
    return this.options.brokerUrls[this.brokerIndex];
  }

  /** Payloads dropped in all. */
  get dropped(): number {
    return Object.values(this.drops).reduce((sum, n) => sum + (n ?? 0), 0);
  }

  /**
   * Connects, subscribes to presence and inbox and resolves once both subscriptions are active, so
   * an announcement sent afterwards can never be answered before we listen. Resolves `false` if
   * aborted. Retries in the background while no broker is reachable.
   */
  async connect(abort: AbortSignal): Promise<boolean> {
    // The first WebSocket opens while the room key is still being derived (tens of milliseconds of
    // PBKDF2): reaching a broker takes TCP, TLS and WebSocket handshakes, several round trips to
    // a public one. MQTT.js then speaks MQTT over it.
    let early = openWebSocket(this.brokerUrl);
    const earlyUrl = this.brokerUrl;
    const discardEarly = () => {
      early?.close();
      early = undefined;
    };
    const sealed = await this.sealGoodbyes().catch((error: unknown) => {
      discardEarly();
      throw error;
    });
    if (!sealed || abort.aborted || this.closed) {
      discardEarly();
      return false;
    }
    const { channel, will } = sealed;
    const { presence, inbox } = channel.topics;
    const { peerId } = channel;
    this.setState('connecting');
    const client = mqtt.connect(this.brokerUrl, {
      ...protocolFor(this.brokerUrl),
      // A broker that refuses the connection (MQTT 5 unknown to it, or a passing refusal) is
      // tried again, as a broker that cannot be reached is.
      reconnectOnConnackError: true,
      clean: true,
      // MQTT.js gives the broker half the keepalive to answer a ping. A page on a starved machine
      // can stall for seconds, squeezing that window: at 20 s every visitor of a six-visitor room
      // on 1.5 CPU timed out and reconnected. 60 s is MQTT.js's own default.
      keepalive: 60,
      timerVariant: backgroundTimer,
      reconnectPeriod: FIRST_RETRY_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      clientId: freshClientId(),
      resubscribe: false,
      will: { topic: presence, payload: will as Buffer, qos: 1, retain: false },
      // Consulted on every (re)connection: this is how we fail over to the next broker.
      transformWsUrl: () => this.brokerUrl,
      // The early socket serves the first attempt, unless it failed already; a replacement (see
      // `replaceIfReachable`) serves the attempt after a connection that stopped answering.
      createWebsocket: (url: string, protocols: string[]) => {
        const ready = early ? { socket: early, url: earlyUrl } : this.replacement;
        early = undefined;
        this.replacement = undefined;
        if (ready && url === ready.url && ready.socket.readyState <= WebSocket.OPEN) return handOver(ready.socket);
        ready?.socket.close();
        return openWebSocket(url, protocols) ?? refusedSocket();
      },
    });
    this.client = client;
    client.on('message', this.onMessage);
    client.on('error', this.onError);
    client.on('close', this.onClose);

    return new Promise<boolean>((resolve) => {
      abort.addEventListener('abort', () => resolve(false), { once: true });
      client.on('connect', () => {
        client.subscribe([presence, inbox(peerId)], { qos: 1 }, (error) => {
          if (this.closed) return;
          if (error) {
            // Connected but deaf is no use: drop the connection and take the usual way back,
            // a retry after a backoff, on the next broker if there is one.
            this.reportOutage('subscription-refused', error.message);
            client.stream?.destroy();
            return;
          }
          this.failedAttempts = 0;
          this.outageReported = false;
          // MQTT.js schedules a retry with the period set before the loss: start the next outage afresh.
          client.options.reconnectPeriod = FIRST_RETRY_MS;
          this.setState('online');
          if (this.everSubscribed) this.dispatchEvent(new Event('reconnected'));
          this.everSubscribed = true;
          resolve(true);
        });
      });
    });
  }

  /**
   * Waits for the room's keys, then seals our goodbyes. A will is fixed for the life of a
   * connection, so the first is sealed now (and a new one for every later connection, see
   * `onConnectionLost`). Goodbyes are exempt from the replay window (see channel.ts), so the plain
   * one for `pagehide` can be sealed once too, while there is time for asynchronous work.
   * `undefined` if closed meanwhile.
   */
  private async sealGoodbyes(): Promise<{ channel: RoomChannel; will: Uint8Array } | undefined> {
    const channel = await this.options.channel;
    if (this.closed) return undefined;
    this.channel = channel;
    const [will, bye] = await Promise.all([this.sealWill(channel), channel.encode(channel.topics.presence, { kind: 'bye', from: channel.peerId })]);
    this.byePayload = bye;
    return { channel, will };
  }

  private sealWill(channel: RoomChannel): Promise<Uint8Array> {
    return channel.encode(channel.topics.presence, { kind: 'bye', from: channel.peerId, reason: 'vanished' });
  }

  /** A new client id and a newly sealed will for the next connection, before MQTT.js makes it. */
  private renewIdentity(client: MqttClient): void {
    client.options.clientId = freshClientId();
    const channel = this.channel;
    if (!channel) return;
    // Sealing takes about a millisecond, far less than the pause before the next attempt; should
    // it lose that race, the previous will (still valid) goes with the attempt.
    void this.sealWill(channel).then((will) => {
      if (client.options.will) client.options.will = { ...client.options.will, payload: will as Buffer };
    }, () => undefined);
  }

  /**
   * Checks that the broker still answers (anything, in reply to an MQTT ping within 1.5 s), and
   * reconnects at once if it does not. After a network change (another Wi-Fi, a new address) the
   * old connection can look open for a minute or more (TCP gives up slowly; the keepalive is 60 s)
   * while what is sent on it goes nowhere. Called when ICE finds a peer's path broken: if the network
   * moved under us, the broker is our way back to the others.
   */
  checkConnection(): void {
    const client = this.client;
    if (this.closed || !client?.connected || this.probing) return;
    this.probing = true;
    const sentAt = performance.now();
    const settle = (answered: boolean) => {
      clearTimeout(timer);
      client.removeListener('packetreceive', onPacket);
      this.probing = false;
      if (answered || client !== this.client || !client.connected || this.closed) return;
      // A page too busy to run its timer on time may not have read the answer yet: no proof.
      if (performance.now() - sentAt > PROBE_MS * 1.5) return;
      this.replaceIfReachable(client);
    };
    const onPacket = () => settle(true);
    const timer = setTimeout(() => settle(false), PROBE_MS);
    client.on('packetreceive', onPacket);
    client.sendPing();
  }

  /**
   * Opens a new socket to the broker and, once it is open, moves the client onto it. If it cannot
   * open, the network is down rather than moved: the old connection is kept, since it may outlive
   * a short outage (TCP retransmits) where a new one would wait out a growing backoff.
   */
  private replaceIfReachable(client: MqttClient): void {
    const url = this.brokerUrl;
    const socket = openWebSocket(url);
    if (!socket) return;
    this.probing = true;
    const done = () => {
      clearTimeout(timer);
      this.probing = false;
    };
    const timer = setTimeout(() => {
      done();
      socket.close();
    }, REACH_MS);
    socket.addEventListener('error', done, { once: true });
    socket.addEventListener('open', () => {
      done();
      if (this.closed || client !== this.client || !client.connected) {
        socket.close();
        return;
      }
      this.replacement = { socket, url };
      this.renewing = true;
      client.stream?.destroy();
    }, { once: true });
  }

  /** Broadcasts a signal to the whole room. */
  broadcast(signal: Signal): void {
    if (this.channel) this.publish(this.channel.topics.presence, signal);
  }

  /** Sends a signal to one peer's inbox only. */
  sendTo(signal: DirectedSignal): void {
    if (this.channel) this.publish(this.channel.topics.inbox(signal.to), signal);
  }

  /**
   * Says goodbye synchronously, for `pagehide`, where there is no time for asynchronous sealing.
   * The payload was sealed when connecting.
   */
  sayByeNow(): void {
    if (this.client?.connected && this.byePayload && this.channel) {
      this.client.publish(this.channel.topics.presence, this.byePayload as Buffer, { qos: 0 });
    }
  }

  /** Says goodbye, flushes what is queued and ends the broker connection (the will is not sent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = this.client;
    this.setState('offline');
    if (!client) return;
    if (client.connected) {
      await Promise.race([this.sendQueue, new Promise((resolve) => setTimeout(resolve, 500))]);
      this.sayByeNow();
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      client.end(!client.connected, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    // Only our own listeners: MQTT.js keeps its own, and a late error must still find a listener.
    client.off('message', this.onMessage);
    client.off('close', this.onClose);
    client.off('error', this.onError);
    client.on('error', () => undefined);
  }

  private setState(state: SignalingState): void {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new Event('state'));
  }

  private reportOutage(reason: OutageDetail['reason'], detail?: string): void {
    if (this.outageReported || this.closed) return;
    this.outageReported = true;
    this.dispatchEvent(new CustomEvent('unreachable', { detail: { reason, broker: this.brokerUrl, detail } }));
  }

  /** Schedules the next attempt: the next broker in the list, after a capped, jittered backoff. */
  private onConnectionLost(): void {
    const client = this.client;
    if (this.closed || !client) return;
    if (this.downgrading) {
      // The same broker again, now in MQTT 3.1.1: not a failed attempt.
      this.downgrading = false;
      this.renewIdentity(client);
      client.options.reconnectPeriod = FIRST_RETRY_MS;
      return;
    }
    if (this.renewing) {
      // A connection that stopped answering, dropped on purpose: a new one at once, on this network.
      this.renewing = false;
      this.renewIdentity(client);
      this.setState('reconnecting');
      client.options.reconnectPeriod = 1;
      return;
    }
    this.failedAttempts++;
    this.renewIdentity(client);
    if (this.state !== 'connecting') this.setState('reconnecting');
    if (this.options.brokerUrls.length > 1) this.brokerIndex = (this.brokerIndex + 1) % this.options.brokerUrls.length;
    Object.assign(client.options, protocolFor(this.brokerUrl));
    const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(this.failedAttempts - 1, 10));
    // Full jitter: visitors who lost the same broker do not all come back in the same instant.
    client.options.reconnectPeriod = Math.max(FIRST_RETRY_MS / 2, Math.round(Math.random() * ceiling));
    if (this.failedAttempts >= this.options.brokerUrls.length) this.reportOutage('connection-lost');
  }

  private publish(topic: string, signal: Signal): void {
    const channel = this.channel;
    if (this.closed || !channel) return;
    const encoded = channel.encode(topic, signal);
    // Sealing is asynchronous: chain publishes so they leave in the order they were made.
    this.sendQueue = this.sendQueue.then(async () => {
      const payload = await encoded;
      if (!this.closed) this.client?.publish(topic, payload as Buffer, { qos: 1 });
    }).catch(() => undefined);
  }

  private drop(reason: DropReason): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
  }

  private receive(topic: string, payload: Uint8Array): void {
    const channel = this.channel;
    if (!channel || this.closed) return;
    if (this.pendingPayloads >= MAX_PENDING_PAYLOADS) {
      this.drop('overload');
      return;
    }
    this.pendingPayloads++;
    // Decoding never rejects by contract; the catch is a second line of defence for the page.
    const decoded = channel.decode(topic, payload).catch((): DecodeResult => ({ drop: 'invalid' }));
    // Opening is asynchronous: deliver in arrival order, so an offer is never overtaken by its candidates.
    this.receiveQueue = this.receiveQueue.then(async () => {
      let result: DecodeResult;
      try {
        result = await decoded;
      } finally {
        this.pendingPayloads--;
      }
      if (this.closed) return;
      if ('drop' in result) {
        this.drop(result.drop);
        if (result.drop === 'foreign-key' && topic === channel.topics.presence) this.dispatchEvent(new Event('foreign-key'));
        if (result.drop === 'stale' && result.from !== undefined) this.onStale(topic === channel.topics.presence, result.from, result.skewMs ?? 0);
        return;
      }
      const signal = result.signal;
      if (signal.from === channel.peerId) return;
      if (!this.isAddressedToUs(channel, topic, signal)) {
        this.drop('misaddressed');
        return;
      }
      this.dispatchEvent(new CustomEvent('signal', { detail: signal }));
    }).catch(() => this.drop('invalid'));
  }

  private onStale(onPresence: boolean, from: string, skewMs: number): void {
    if (onPresence) {
      this.dispatchEvent(new CustomEvent('stale-announcement', { detail: { from } }));
    } else if (!this.skewReported) {
      this.skewReported = true;
      this.dispatchEvent(new CustomEvent('clock-skew', { detail: { skewMs, from } }));
    }
  }

  private isAddressedToUs(channel: RoomChannel, topic: string, signal: Signal): boolean {
    if (topic === channel.topics.presence) return signal.kind === 'hello' || signal.kind === 'bye';
    if (topic === channel.topics.inbox(channel.peerId)) return 'to' in signal && signal.to === channel.peerId;
    return false;
  }
}
