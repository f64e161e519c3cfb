/**
 * The MQTT side of a visit: one broker connection, the room's presence topic and this peer's
 * inbox. It turns broker payloads into validated signals (through the room channel) and signals
 * into broker payloads, strictly in order, and knows nothing about WebRTC.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { RoomChannel } from './channel.js';
import type { DirectedSignal, Signal } from './messages.js';
import { TypedEventTarget } from '../typed-event-target.js';

export interface RoomSignalOptions {
  /** `ws://` or `wss://` URL of an MQTT broker. */
  brokerUrl: string;
  channel: RoomChannel;
  /** This visit's own peer id. */
  peerId: string;
}

export interface RoomSignalEventMap {
  /** A validated signal addressed to this peer (or to the whole room). */
  signal: CustomEvent<Signal>;
  /** The broker could not be reached (fired once per outage). */
  unreachable: CustomEvent<{ message: string }>;
}

const CONNECT_TIMEOUT_MS = 8000;

export class RoomSignal extends TypedEventTarget<RoomSignalEventMap> {
  /** Payloads that were dropped because they failed decoding or validation. */
  dropped = 0;

  private client?: MqttClient;
  private sendQueue: Promise<unknown> = Promise.resolve();
  private receiveQueue: Promise<unknown> = Promise.resolve();
  private byePayload?: Uint8Array;
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
    const { brokerUrl, channel, peerId } = this.options;
    this.byePayload = await channel.encode({ kind: 'bye', from: peerId });
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

    const connected = await new Promise<boolean>((resolve) => {
      if (abort.aborted) return resolve(false);
      abort.addEventListener('abort', () => resolve(false), { once: true });
      client.once('connect', () => resolve(true));
    });
    if (!connected) return false;
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
    this.publish(this.options.channel.topics.presence, signal);
  }

  /** Sends a signal to one peer's inbox only. */
  sendTo(signal: DirectedSignal): void {
    this.publish(this.options.channel.topics.inbox(signal.to), signal);
  }

  /**
   * Says goodbye synchronously, for `pagehide`, where there is no time for asynchronous encoding.
   * The payload was prepared when connecting.
   */
  sayByeNow(): void {
    if (this.client?.connected && this.byePayload) {
      this.client.publish(this.options.channel.topics.presence, this.byePayload as Buffer, { qos: 0 });
    }
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

  private publish(topic: string, signal: Signal): void {
    if (this.closed) return;
    const encoded = this.options.channel.encode(signal);
    // Encoding may be asynchronous: chain publishes so they leave in the order they were made.
    this.sendQueue = this.sendQueue.then(async () => {
      const payload = await encoded;
      if (!this.closed) this.client?.publish(topic, payload as Buffer, { qos: 1 });
    }).catch(() => undefined);
  }

  private receive(topic: string, payload: Uint8Array): void {
    const { channel, peerId } = this.options;
    const decoded = channel.decode(payload);
    this.receiveQueue = this.receiveQueue.then(async () => {
      const signal = await decoded;
      if (!signal || this.closed || !this.isAddressedToUs(topic, signal)) {
        if (!signal) this.dropped++;
        return;
      }
      if (signal.from === peerId) return;
      this.dispatchEvent(new CustomEvent('signal', { detail: signal }));
    }).catch(() => {
      this.dropped++;
    });
  }

  private isAddressedToUs(topic: string, signal: Signal): boolean {
    const { channel, peerId } = this.options;
    if (topic === channel.topics.presence) return signal.kind === 'hello' || (signal.kind === 'bye' && !signal.to);
    if (topic === channel.topics.inbox(peerId)) return 'to' in signal && signal.to === peerId;
    return false;
  }
}
