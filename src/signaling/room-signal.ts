/**
 * The MQTT side of a visit: one broker connection, the room's presence topic and this peer's
 * inbox. It turns broker payloads into validated signals (through the room channel) and signals
 * into broker payloads, strictly in order, and knows nothing about WebRTC.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { DropReason, RoomChannel } from './channel.js';
import type { DirectedSignal, Signal } from './messages.js';
import { TypedEventTarget } from '../typed-event-target.js';

export interface RoomSignalOptions {
  /** `ws://` or `wss://` URL of an MQTT broker. */
  brokerUrl: string;
  /** The room's sealed channel; may still be deriving its keys while the broker connects. */
  channel: RoomChannel | Promise<RoomChannel>;
  /** This visit's own peer id. */
  peerId: string;
}

export interface RoomSignalEventMap {
  /** A validated signal addressed to this peer (or to the whole room). */
  signal: CustomEvent<Signal>;
  /** The broker could not be reached (fired once per outage). */
  unreachable: CustomEvent<{ message: string }>;
  /** A message sealed with another password arrived on the room's presence topic. */
  'foreign-key': Event;
}

/** Payloads waiting to be opened; beyond this a flood is shed before any decryption work. */
const MAX_PENDING_PAYLOADS = 256;

const CONNECT_TIMEOUT_MS = 8000;

export class RoomSignal extends TypedEventTarget<RoomSignalEventMap> {
  /** Payloads dropped, by reason (invalid, replayed, forged, flooding…). */
  readonly drops: Partial<Record<DropReason, number>> = {};

  private client?: MqttClient;
  private sendQueue: Promise<unknown> = Promise.resolve();
  private receiveQueue: Promise<unknown> = Promise.resolve();
  private byePayload?: Uint8Array;
  private channel?: RoomChannel;
  private pendingPayloads = 0;
  private outage = false;
  private closed = false;

  constructor(private readonly options: RoomSignalOptions) {
    super();
  }

  /**
   * Connects, subscribes to presence and inbox and resolves once both subscriptions are active, so
   * an announcement sent afterwards can never be answered before we listen. Resolves `false` if
   * aborted. Retries in the background while the broker is unreachable.
   */
  async connect(abort: AbortSignal): Promise<boolean> {
    const { brokerUrl, peerId } = this.options;
    const client = mqtt.connect(brokerUrl, {
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 1000,
      connectTimeout: CONNECT_TIMEOUT_MS,
      clientId: `vc_${peerId}`,
      resubscribe: true,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.receive(topic, payload));
    client.on('connect', () => {
      this.outage = false;
    });
    const reportOutage = (message: string) => {
      if (this.outage || this.closed) return;
      this.outage = true;
      this.dispatchEvent(new CustomEvent('unreachable', { detail: { message } }));
    };
    client.on('error', (error) => reportOutage(`Cannot reach the signaling broker ${brokerUrl}: ${error.message}`));
    client.on('offline', () => reportOutage(`Lost the signaling broker ${brokerUrl}; retrying.`));

    const brokerConnected = new Promise<boolean>((resolve) => {
      if (abort.aborted) return resolve(false);
      abort.addEventListener('abort', () => resolve(false), { once: true });
      client.once('connect', () => resolve(true));
    });
    // Key derivation runs while the broker connection is being made.
    const [channel, connected] = await Promise.all([this.options.channel, brokerConnected]);
    if (!connected) return false;
    this.channel = channel;
    this.prepareBye();
    const { presence, inbox } = channel.topics;
    return new Promise<boolean>((resolve) => {
      abort.addEventListener('abort', () => resolve(false), { once: true });
      client.subscribe([presence, inbox(peerId)], { qos: 1 }, (error) => {
        if (error) reportOutage(`The broker refused our subscription: ${error.message}`);
        resolve(!error && !abort.aborted);
      });
    });
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
   * Says goodbye synchronously, for `pagehide`, where there is no time for asynchronous encoding.
   * The payload is sealed ahead of time, after every send, so its sequence number is the newest.
   */
  sayByeNow(): void {
    if (this.client?.connected && this.byePayload && this.channel) {
      this.client.publish(this.channel.topics.presence, this.byePayload as Buffer, { qos: 0 });
    }
  }

  /** Payloads dropped in all. */
  get dropped(): number {
    return Object.values(this.drops).reduce((sum, n) => sum + (n ?? 0), 0);
  }

  /** Says goodbye, flushes what is queued and ends the broker connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      await this.sendQueue;
      this.sayByeNow();
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      client.end(!client.connected, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    client.removeAllListeners();
  }

  private prepareBye(): void {
    const channel = this.channel;
    if (!channel) return;
    const bye = channel.encode(channel.topics.presence, { kind: 'bye', from: this.options.peerId });
    this.sendQueue = this.sendQueue.then(async () => {
      this.byePayload = await bye;
    }).catch(() => undefined);
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
    if (signal.kind !== 'bye') this.prepareBye();
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
    const decoded = channel.decode(topic, payload);
    // Opening is asynchronous: deliver in arrival order, so an offer is never overtaken by its candidates.
    this.receiveQueue = this.receiveQueue.then(async () => {
      const result = await decoded;
      this.pendingPayloads--;
      if (this.closed) return;
      if ('drop' in result) {
        this.drop(result.drop);
        if (result.drop === 'foreign-key' && topic === channel.topics.presence) this.dispatchEvent(new Event('foreign-key'));
        return;
      }
      const signal = result.signal;
      if (signal.from === this.options.peerId) return;
      if (!this.isAddressedToUs(channel, topic, signal)) {
        this.drop('misaddressed');
        return;
      }
      this.dispatchEvent(new CustomEvent('signal', { detail: signal }));
    }).catch(() => this.drop('invalid'));
  }

  private isAddressedToUs(channel: RoomChannel, topic: string, signal: Signal): boolean {
    const { peerId } = this.options;
    if (topic === channel.topics.presence) return signal.kind === 'hello' || (signal.kind === 'bye' && !signal.to);
    if (topic === channel.topics.inbox(peerId)) return 'to' in signal && signal.to === peerId;
    return false;
  }
}
