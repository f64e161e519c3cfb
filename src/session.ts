/**
 * One visit to one room: opens the room channel, connects to the broker, announces this peer and
 * drives the mesh. Plain TypeScript with no UI, so it can be used and tested without the element.
 */
import type { DisconnectReason, PeerInfo } from './events.js';
import { PeerMesh, type PeerConnectedDetail } from './peer/mesh.js';
import { discardPrepared, prepareOffer, type PreparedOffer } from './peer/prepared-offer.js';
import { openRoomChannel } from './signaling/channel.js';
import { randomPeerId, type Signal } from './signaling/messages.js';
import { RoomSignal, type SignalingState } from './signaling/room-signal.js';
import { TypedEventTarget } from './typed-event-target.js';

export interface CallSessionOptions {
  room: string;
  /** MQTT-over-WebSocket brokers, in order of preference. */
  brokerUrls: string[];
  name: string;
  /** Room secret; with none, the room name is the secret. */
  password: string;
  iceServers: RTCIceServer[];
  /** Camera/microphone, possibly still being captured: the broker connection does not wait for it. */
  localMedia: Promise<MediaStream>;
  /** How long a pair may take to connect before an ICE restart. */
  connectTimeoutMs?: number;
}

export interface CallSessionEventMap {
  'peer-connected': CustomEvent<PeerConnectedDetail>;
  'peer-disconnected': CustomEvent<PeerInfo & { reason: DisconnectReason }>;
  'peer-failed': CustomEvent<PeerInfo & { message: string }>;
  'media-changed': Event;
  /** The broker could not be reached; the session keeps retrying. */
  unreachable: CustomEvent<{ message: string }>;
  /** This visitor is alone and the room is in use with a different password. */
  'wrong-password': Event;
  /** The signaling state changed; see `signalingState`. */
  'signaling-state': Event;
  /** The browser lacks what a call needs (e.g. WebCrypto outside a secure context). */
  unsupported: CustomEvent<{ message: string }>;
}

/** Answers to a foreign-password knock: enough for the other side to learn, never a ping-pong. */
const MAX_KNOCK_REPLIES = 3;
const KNOCK_REPLY_INTERVAL_MS = 5000;

export class CallSession extends TypedEventTarget<CallSessionEventMap> {
  /** This visit's random peer id. */
  readonly peerId = randomPeerId();
  private signal?: RoomSignal;
  private mesh?: PeerMesh;
  private readonly abort = new AbortController();
  private knockReplies = 0;
  private lastKnockReplyAt = -Infinity;
  private wrongPasswordReported = false;
  private readonly onPageHide = () => {
    this.mesh?.sayByeToAll();
    this.signal?.sayByeNow();
  };
  private readonly onOnline = () => this.mesh?.restartAll();

  constructor(readonly options: CallSessionOptions) {
    super();
  }

  /** `connecting`, `online`, `reconnecting` or `offline`. */
  get signalingState(): SignalingState {
    return this.signal?.state ?? 'offline';
  }

  /** Peers whose media connection is live. */
  get peers(): PeerInfo[] {
    return this.mesh?.peers ?? [];
  }

  /** Live remote streams by peer id. */
  get remoteStreams(): Map<string, MediaStream> {
    return this.mesh?.remoteStreams ?? new Map();
  }

  /** The mesh of peer links, once joined. */
  get peerMesh(): PeerMesh | undefined {
    return this.mesh;
  }

  /** Payloads the signaling layer dropped (invalid, forged, replayed, flooding), by reason. */
  get droppedSignals(): RoomSignal['drops'] {
    return this.signal?.drops ?? {};
  }

  /** Joins the room. Resolves `true` once announced, `false` if `leave()` came first. Never rejects. */
  async join(): Promise<boolean> {
    const { room, password, brokerUrls, localMedia } = this.options;
    if (typeof crypto === 'undefined' || !crypto.subtle || typeof RTCPeerConnection === 'undefined') {
      const message = 'This page cannot make calls: it needs WebRTC and WebCrypto, which browsers only offer on https:// pages (or localhost).';
      this.dispatchEvent(new CustomEvent('unsupported', { detail: { message } }));
      return false;
    }
    const signal = new RoomSignal({ brokerUrls, channel: openRoomChannel(room, password), peerId: this.peerId });
    this.signal = signal;
    signal.addEventListener('state', () => this.dispatchEvent(new Event('signaling-state')));
    // After a broker outage: announce again, so that whoever arrived meanwhile finds us.
    // Peers we are already linked with ignore the repeated hello.
    signal.addEventListener('reconnected', () => this.mesh?.announce());
    signal.addEventListener('unreachable', (event) => this.redispatch(event));
    signal.addEventListener('foreign-key', () => this.onForeignKnock());
    // Signals that arrive while the camera is still starting wait for the mesh.
    const early: Signal[] = [];
    signal.addEventListener('signal', ({ detail }) => (this.mesh ? this.mesh.handle(detail) : early.push(detail)));
    // Leaving must not wait for a camera prompt the visitor has not answered yet.
    const aborted = new Promise<undefined>((resolve) => this.abort.signal.addEventListener('abort', () => resolve(undefined), { once: true }));
    // The first offer is prepared while the camera and the broker connection are still starting
    // (its media is added once the camera is ready), and the mesh starts as soon as the camera is
    // ready: a visitor arrives with an offer in hand.
    const earlySpare = prepareOffer({ iceServers: this.options.iceServers });
    earlySpare.catch(() => undefined);
    // Once the mesh has it, closing the mesh discards it.
    this.abort.signal.addEventListener('abort', () => this.mesh || void earlySpare.then(discardPrepared, () => undefined), { once: true });
    const meshReady = localMedia.then((localStream) => (this.abort.signal.aborted ? undefined : this.startMesh(localStream, signal, earlySpare)));
    const ready = await Promise.race([Promise.all([meshReady, signal.connect(this.abort.signal)]), aborted]);
    if (!ready || !ready[0] || !ready[1] || this.abort.signal.aborted) return false;
    const [mesh] = ready;
    early.forEach((s) => mesh.handle(s));
    globalThis.addEventListener?.('pagehide', this.onPageHide);
    globalThis.addEventListener?.('online', this.onOnline);
    mesh.announce();
    return true;
  }

  private startMesh(localStream: MediaStream, signal: RoomSignal, earlySpare: Promise<PreparedOffer>): PeerMesh {
    const { name, iceServers, connectTimeoutMs } = this.options;
    const mesh = new PeerMesh({ peerId: this.peerId, name, rtcConfiguration: { iceServers }, localStream, signal, connectTimeoutMs, earlySpare });
    for (const type of ['peer-connected', 'peer-disconnected', 'peer-failed', 'media-changed']) {
      mesh.addEventListener(type, (event) => this.redispatch(event));
    }
    this.mesh = mesh;
    return mesh;
  }

  /** Says goodbye, closes every peer connection and the broker connection. Idempotent. */
  async leave(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    globalThis.removeEventListener?.('pagehide', this.onPageHide);
    globalThis.removeEventListener?.('online', this.onOnline);
    this.mesh?.close();
    await this.signal?.close();
  }

  /**
   * Someone sealed a message with another password. If we are alone, that is most likely us with
   * the wrong password: say so once. Either way, announce again (a few times at most) so that
   * they can tell too.
   */
  private onForeignKnock(): void {
    const mesh = this.mesh;
    if (!mesh) return;
    if (mesh.linkCount === 0 && !this.wrongPasswordReported) {
      this.wrongPasswordReported = true;
      this.dispatchEvent(new Event('wrong-password'));
    }
    const now = performance.now();
    if (this.knockReplies < MAX_KNOCK_REPLIES && now - this.lastKnockReplyAt >= KNOCK_REPLY_INTERVAL_MS) {
      this.knockReplies++;
      this.lastKnockReplyAt = now;
      mesh.announce();
    }
  }

  private redispatch(event: Event): void {
    const copy = event instanceof CustomEvent ? new CustomEvent(event.type, { detail: event.detail }) : new Event(event.type);
    this.dispatchEvent(copy);
  }
}
