/**
 * One visit to one room: opens the room channel, connects to the broker, announces this peer and
 * drives the mesh. Plain TypeScript with no UI, so it can be used and tested without the element.
 */
import type { DisconnectReason, PeerInfo } from './events.js';
import { PeerMesh, type PeerConnectedDetail } from './peer/mesh.js';
import { openPlainChannel } from './signaling/channel.js';
import { randomPeerId, type Signal } from './signaling/messages.js';
import { RoomSignal } from './signaling/room-signal.js';
import { TypedEventTarget } from './typed-event-target.js';

export interface CallSessionOptions {
  room: string;
  brokerUrl: string;
  name: string;
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
}

export class CallSession extends TypedEventTarget<CallSessionEventMap> {
  /** This visit's random peer id. */
  readonly peerId = randomPeerId();
  private signal?: RoomSignal;
  private mesh?: PeerMesh;
  private readonly abort = new AbortController();
  private readonly onPageHide = () => this.signal?.sayByeNow();

  constructor(readonly options: CallSessionOptions) {
    super();
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

  /** Payloads the signaling layer dropped as invalid. */
  get droppedSignals(): number {
    return this.signal?.dropped ?? 0;
  }

  /** Joins the room. Resolves `true` once announced, `false` if `leave()` came first. Never rejects. */
  async join(): Promise<boolean> {
    const { room, brokerUrl, name, iceServers, localMedia, connectTimeoutMs } = this.options;
    const channel = await openPlainChannel(room);
    if (this.abort.signal.aborted) return false;
    const signal = new RoomSignal({ brokerUrl, channel, peerId: this.peerId });
    this.signal = signal;
    signal.addEventListener('unreachable', (event) => this.redispatch(event));
    // Signals that arrive while the camera is still starting wait for the mesh.
    const early: Signal[] = [];
    signal.addEventListener('signal', ({ detail }) => (this.mesh ? this.mesh.handle(detail) : early.push(detail)));
    const [localStream, connected] = await Promise.all([localMedia, signal.connect(this.abort.signal)]);
    if (!connected || this.abort.signal.aborted) return false;
    const mesh = new PeerMesh({ peerId: this.peerId, name, rtcConfiguration: { iceServers }, localStream, signal, connectTimeoutMs });
    for (const type of ['peer-connected', 'peer-disconnected', 'peer-failed', 'media-changed']) {
      mesh.addEventListener(type, (event) => this.redispatch(event));
    }
    this.mesh = mesh;
    early.forEach((s) => mesh.handle(s));
    globalThis.addEventListener?.('pagehide', this.onPageHide);
    mesh.announce();
    return true;
  }

  /** Says goodbye, closes every peer connection and the broker connection. Idempotent. */
  async leave(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    globalThis.removeEventListener?.('pagehide', this.onPageHide);
    this.mesh?.close();
    await this.signal?.close();
  }

  private redispatch(event: Event): void {
    const copy = event instanceof CustomEvent ? new CustomEvent(event.type, { detail: event.detail }) : new Event(event.type);
    this.dispatchEvent(copy);
  }
}
