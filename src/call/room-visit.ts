/**
 * One visit to one room: opens the room channel, connects to the broker, announces this peer and
 * drives the mesh, keeping a `RemoteParticipant` per connected peer. Single use: `VideoCall` makes
 * a new one for every join.
 */
import type { DisconnectReason, FileProgressDetail, FileReceivedDetail, PeerInfo } from '../events.js';
import type { LocalSources } from '../media/local-sources.js';
import { PeerMesh, type PeerFileDetail } from '../peer/mesh.js';
import { cleanFileName, sha256Hex, type FileOffer } from '../peer/file-lane.js';
import { DEFAULT_MAX_FILE_BYTES, type PeerLink } from '../peer/peer-link.js';
import type { Lane } from '../peer/messaging.js';
import { prepareOffer, type PreparedOffer } from '../peer/prepared-offer.js';
import { closePeerConnection } from '../peer/connection-factory.js';
import type { CallProblem } from '../problems.js';
import { openRoomChannel } from '../signaling/channel.js';
import { randomPeerId, type Signal } from '../signaling/messages.js';
import { RoomSignal, type SignalingState } from '../signaling/room-signal.js';
import { createIdentity, type Identity } from '../signaling/identity.js';
import { TypedEventTarget } from '../typed-event-target.js';
import { RateBudget } from '../rate-budget.js';
import { cleanChatText, type ChatMessage } from './chat.js';
import { RemoteParticipant } from './participant.js';
import { SpeakingWatch } from './speaking-watch.js';
import { LinkQualityWatch } from './link-quality.js';
import { missingForCalls } from './browser-support.js';
import { hasTurnServer } from './config.js';

export interface RoomVisitOptions {
  room: string;
  /** MQTT-over-WebSocket brokers, in order of preference. */
  brokerUrls: string[];
  /** Display name sent to the others; may be empty. */
  name: string;
  /** Room secret; with none, the room name is the secret. */
  password: string;
  iceServers: RTCIceServer[];
  /** `relay`: media only through the TURN servers of `iceServers` (default `all`). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Our camera and microphone slots. */
  sources: LocalSources;
  /** Settles once the camera and microphone were asked for: the mesh starts then. */
  mediaReady: Promise<unknown>;
  /** How long a pair may take to connect before an ICE restart. */
  connectTimeoutMs?: number;
  /**
   * The largest file accepted from a peer, in bytes. The files received in a visit may hold twice
   * that at once (in transfer, or kept until `releaseReceivedFile`); offers beyond are refused.
   */
  maxFileBytes?: () => number;
  /** The most visitors the room may hold, this one included (see `PeerMesh`). */
  maxPeers?: number;
  /** This visitor's remembered long-term key (`remember-identity`), proven to every peer. */
  longTermIdentity?: Promise<Identity | undefined>;
}

export interface RoomVisitEventMap {
  /** App data from a peer (see `VideoCall.send`). */
  message: CustomEvent<PeerInfo & { data: unknown }>;
  /** A chat message from a peer, cleaned. */
  chat: CustomEvent<ChatMessage>;
  'file-progress': CustomEvent<FileProgressDetail>;
  'file-received': CustomEvent<FileReceivedDetail>;
  'participant-joined': CustomEvent<RemoteParticipant>;
  'participant-left': CustomEvent<{ participant: RemoteParticipant; reason: DisconnectReason }>;
  'signaling-state': Event;
  problem: CustomEvent<CallProblem>;
  /** The room held as many visitors as it may before we came: every link is closed. */
  'room-full': Event;
  /** A participant proved it holds a remembered long-term key (see `RemoteParticipant.keyId`). */
  'participant-proven': CustomEvent<RemoteParticipant>;
}

/** Progress is reported at most once per this many bytes (or per percent of the file, if more). */
const CHUNK_REPORT_BYTES = 256 * 1024;

/** `negotiation-failed` and incoming `file-transfer-failed` reports: a few at once, then one per ten seconds. */
const FAILURE_REPORT_BURST = 3;
const FAILURE_REPORTS_PER_SECOND = 0.1;

/**
 * What the files received in a visit may hold at once (in transfer, or kept for the chat), in
 * files of `max-file-size`: 200 MB by default. Without a bound, 20 files of 20 MB held 830 MB
 * of a visitor's memory for the whole visit.
 */
const RECEIVED_FILES_HELD = 2;

/** Words to the senders of stale announcements: a few at once, then one per ten seconds. */
const STALE_GREETING_BURST = 3;
const STALE_GREETINGS_PER_SECOND = 0.1;

/** Answers to a foreign-password knock: enough for the other side to learn, never a ping-pong. */
const MAX_KNOCK_REPLIES = 3;
const KNOCK_REPLY_INTERVAL_MS = 5000;

export class RoomVisit extends TypedEventTarget<RoomVisitEventMap> {
  /**
   * This visit's peer id: derived from the public key of the key pair this visit signs with (a
   * new one per visit). Empty until that key is made, a few milliseconds into `join()`.
   */
  peerId = '';
  private readonly identity: Promise<Identity>;
  private signal?: RoomSignal;
  private mesh?: PeerMesh;
  private readonly participantsById = new Map<string, RemoteParticipant>();
  /** Participants reported gone because their browser froze, by the link kept for their return. */
  private readonly frozenParticipants = new WeakMap<PeerLink, RemoteParticipant>();
  private readonly speakingWatch = new SpeakingWatch(() =>
    [...this.participantsById.values()].map((participant) => ({ participant, connection: this.mesh?.link(participant.peerId)?.connection })));
  private readonly qualityWatch = new LinkQualityWatch(() =>
    [...this.participantsById.values()].map((participant) => ({ participant, connection: this.mesh?.link(participant.peerId)?.connection })));
  private readonly abort = new AbortController();
  private knockReplies = 0;
  private lastKnockReplyAt = -Infinity;
  private wrongPasswordReported = false;
  private readonly refusalsReported = new Set<string>();
  private readonly failureReports = new RateBudget(FAILURE_REPORT_BURST, FAILURE_REPORTS_PER_SECOND);
  private readonly staleGreetings = new RateBudget(STALE_GREETING_BURST, STALE_GREETINGS_PER_SECOND);
  /** Incoming transfers that cancel, stall or break can come a thousand a second from a member. */
  private readonly fileFailureReports = new RateBudget(FAILURE_REPORT_BURST, FAILURE_REPORTS_PER_SECOND);
  /** Bytes each incoming transfer may still grow to (its declared size), by peer and transfer. */
  private readonly receiving = new Map<string, number>();
  /** Received files kept (in the chat), until `releaseReceivedFile`. */
  private readonly kept = new Map<File, number>();
  private heldBytes = 0;
  private heldFullReported = false;
  private readonly progressReported = new Map<string, number>();
  private readonly onPageHide = () => {
    this.mesh?.sayByeToAll();
    this.signal?.sayByeNow();
  };
  private readonly onOnline = () => {
    // Back online, perhaps on another network: the broker connection may be dead but open.
    this.signal?.checkConnection();
    this.mesh?.restartAll();
  };

  constructor(readonly options: RoomVisitOptions) {
    super();
    this.identity = createIdentity();
    // Without WebCrypto, join() reports it and never uses the identity.
    this.identity.then((identity) => (this.peerId = identity.peerId), () => undefined);
  }

  /** `connecting`, `online`, `reconnecting` or `offline`. */
  get signalingState(): SignalingState {
    return this.signal?.state ?? 'offline';
  }

  /** The visitors whose media connection is live, in the order they connected. */
  get participants(): RemoteParticipant[] {
    return [...this.participantsById.values()];
  }

  /** The mesh of peer links, once joined (for statistics and tests). */
  get peerMesh(): PeerMesh | undefined {
    return this.mesh;
  }

  /** Payloads the signaling layer dropped (invalid, forged, replayed, flooding), by reason. */
  get droppedSignals(): RoomSignal['drops'] {
    return this.signal?.drops ?? {};
  }

  /** Joins the room. Resolves `true` once announced, `false` if `leave()` came first. Never rejects. */
  async join(): Promise<boolean> {
    const { room, password, brokerUrls, sources, mediaReady } = this.options;
    const missing = missingForCalls();
    if (missing) {
      this.report({ code: 'unsupported', reason: missing, params: {} });
      return false;
    }
    // The peers we are linked with keep their replay state, however many strangers come.
    const keeps = (peerId: string) => this.mesh?.link(peerId) !== undefined;
    const signal = new RoomSignal({ brokerUrls, channel: openRoomChannel(room, password, { identity: this.identity, keeps }) });
    this.signal = signal;
    signal.addEventListener('state', () => this.dispatchEvent(new Event('signaling-state')));
    // After a broker outage: announce again, so that whoever arrived meanwhile finds us.
    // Peers we are already linked with ignore the repeated hello.
    signal.addEventListener('reconnected', () => {
      this.mesh?.announce();
      // Paths that fell silent while the broker was away (a network change) restart now, rather
      // than after the watchdog's next turn.
      this.mesh?.restartSilent();
    });
    signal.addEventListener('unreachable', ({ detail }) => {
      this.report({ code: 'broker-unreachable', reason: detail.reason, params: { broker: detail.broker, detail: detail.detail } });
    });
    signal.addEventListener('foreign-key', () => this.onForeignKnock());
    signal.addEventListener('clock-skew', ({ detail }) => {
      const minutes = String(Math.round(Math.abs(detail.skewMs) / 60_000));
      this.report({ code: 'clock-skew', reason: detail.skewMs > 0 ? 'their-clock-ahead' : 'their-clock-behind', params: { value: minutes } });
      // A word to them, stamped by our clock, tells the other side the same (once: this fires once).
      this.mesh?.greet(detail.from);
    });
    // A stale announcement may be a replay: only a word sent to its sender's inbox, which arrives
    // stale there too, tells whether anyone is behind it (a replayed visit never answers).
    signal.addEventListener('stale-announcement', ({ detail }) => {
      if (this.staleGreetings.take(performance.now())) this.mesh?.greet(detail.from);
    });
    // Signals that arrive while the camera is still starting wait for the mesh.
    const early: Signal[] = [];
    signal.addEventListener('signal', ({ detail }) => (this.mesh ? this.mesh.handle(detail) : early.push(detail)));
    // Leaving must not wait for a camera prompt the visitor has not answered yet.
    const aborted = new Promise<undefined>((resolve) => this.abort.signal.addEventListener('abort', () => resolve(undefined), { once: true }));
    // The first offer is prepared while the camera and the broker connection are still starting
    // (its senders get their tracks once the camera is ready), and the mesh starts as soon as the
    // camera is ready: a visitor arrives with an offer in hand.
    // The browser makes a DTLS certificate per connection; the safety codes take in each link's.
    const rtcConfiguration: RTCConfiguration = { iceServers: this.options.iceServers, iceTransportPolicy: this.options.iceTransportPolicy ?? 'all' };
    const earlySpare = prepareOffer(rtcConfiguration, sources);
    earlySpare.catch(() => undefined);
    // Once the mesh has it, closing the mesh discards it.
    this.abort.signal.addEventListener('abort', () => this.mesh || void earlySpare.then((spare) => closePeerConnection(spare, sources), () => undefined), { once: true });
    const meshReady = Promise.all([mediaReady, this.identity])
      .then(() => (this.abort.signal.aborted ? undefined : this.startMesh(signal, rtcConfiguration, earlySpare)), () => undefined);
    const ready = await Promise.race([Promise.all([meshReady, signal.connect(this.abort.signal)]), aborted]);
    if (!ready || !ready[0] || !ready[1] || this.abort.signal.aborted) return false;
    const [mesh] = ready;
    early.forEach((s) => mesh.handle(s));
    globalThis.addEventListener?.('pagehide', this.onPageHide);
    globalThis.addEventListener?.('online', this.onOnline);
    mesh.announce();
    return true;
  }

  /**
   * Sends an encoded message on a lane to one peer or to everyone linked (see `PeerMesh`).
   * False if not in the room yet or there is no such peer.
   */
  sendMessage(lane: Lane, text: string, peerId?: string): boolean {
    return this.mesh?.sendMessage(lane, text, peerId) ?? false;
  }

  /**
   * Sends a file to one peer or to everyone linked. Resolves once every receiver has it, checked;
   * rejects with the first failure (`too-large`, `refused`, `checksum`, `link-lost`, `no-peer`).
   */
  async sendFile(file: File, peerId?: string): Promise<void> {
    const mesh = this.mesh;
    if (!mesh) throw new Error('no-peer');
    const offer: FileOffer = {
      id: randomPeerId(),
      name: cleanFileName(file.name),
      size: file.size,
      type: file.type || 'application/octet-stream',
      sha256: await sha256Hex(await file.arrayBuffer()),
    };
    const transfers = mesh.sendFile(offer, file, peerId);
    if (transfers.length === 0) throw new Error('no-peer');
    await Promise.all(transfers.map(({ done }) => done));
  }

  /**
   * A received file is no longer kept (its chat entry went): its bytes no longer count against
   * what the visit's received files may hold.
   */
  releaseReceivedFile(file: File): void {
    const bytes = this.kept.get(file);
    if (bytes === undefined) return;
    this.kept.delete(file);
    this.heldBytes -= bytes;
  }

  /** Fresh STUN/TURN servers (renewed TURN credentials), for links made from now on and every ICE restart. */
  setIceServers(iceServers: RTCIceServer[]): void {
    this.options.iceServers = iceServers;
    this.mesh?.setIceServers(iceServers);
  }

  /** Says goodbye, closes every peer connection and the broker connection. Idempotent. */
  async leave(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    this.speakingWatch.stop();
    this.qualityWatch.stop();
    globalThis.removeEventListener?.('pagehide', this.onPageHide);
    globalThis.removeEventListener?.('online', this.onOnline);
    this.mesh?.close();
    await this.signal?.close();
  }

  private startMesh(signal: RoomSignal, rtcConfiguration: RTCConfiguration, earlySpare: Promise<PreparedOffer>): PeerMesh {
    const { name, connectTimeoutMs, sources, maxPeers, longTermIdentity } = this.options;
    const maxFileBytes = () => Math.max(0, Math.min(this.maxFileBytes(), RECEIVED_FILES_HELD * this.maxFileBytes() - this.heldBytes));
    const mesh = new PeerMesh({ peerId: this.peerId, name, rtcConfiguration, sources, signal, connectTimeoutMs, earlySpare, maxFileBytes, maxPeers, longTermIdentity });
    mesh.addEventListener('room-full', () => this.dispatchEvent(new Event('room-full')));
    mesh.addEventListener('peer-connected', ({ detail }) => {
      const { link } = detail;
      // Back from a freeze: the same participant, verified as it was.
      const thawed = this.frozenParticipants.get(link);
      this.frozenParticipants.delete(link);
      if (thawed) {
        thawed.syncTracks(link.remoteTracks);
        thawed.renewMedia();
        this.participantsById.set(detail.peerId, thawed);
        this.dispatchEvent(new CustomEvent('participant-joined', { detail: thawed }));
        return;
      }
      const participant = new RemoteParticipant(detail.peerId, detail.name);
      participant.syncTracks(link.remoteTracks);
      const takeState = () => link.remoteState && participant.setState(link.remoteState);
      takeState();
      link.addEventListener('remote-state', takeState);
      this.participantsById.set(detail.peerId, participant);
      this.dispatchEvent(new CustomEvent('participant-joined', { detail: participant }));
      const takeProof = () => {
        if (!link.remoteKeyId || participant.keyId || this.participantsById.get(detail.peerId) !== participant) return;
        participant.keyId = link.remoteKeyId;
        this.dispatchEvent(new CustomEvent('participant-proven', { detail: participant }));
      };
      takeProof();
      link.addEventListener('identity-proven', takeProof);
    });
    mesh.addEventListener('peer-media', ({ detail }) => {
      const participant = this.participantsById.get(detail.peerId);
      const link = mesh.link(detail.peerId);
      if (!participant || !link) return;
      participant.syncTracks(link.remoteTracks);
      if (detail.recovered) participant.renewMedia();
    });
    mesh.addEventListener('peer-disconnected', ({ detail }) => {
      const participant = this.participantsById.get(detail.peerId);
      if (!participant) return;
      this.participantsById.delete(detail.peerId);
      const link = mesh.link(detail.peerId);
      if (link?.frozen) this.frozenParticipants.set(link, participant);
      this.dispatchEvent(new CustomEvent('participant-left', { detail: { participant, reason: detail.reason } }));
    });
    mesh.addEventListener('peer-message', ({ detail: { peerId, name, lane, data } }) => {
      if (lane === 'app') {
        this.dispatchEvent(new CustomEvent('message', { detail: { peerId, name, data } }));
        return;
      }
      const text = typeof data === 'object' && data !== null && 'text' in data && typeof data.text === 'string' ? cleanChatText(data.text) : '';
      if (text) this.dispatchEvent(new CustomEvent('chat', { detail: { peerId, name, text, time: Date.now() } }));
    });
    mesh.addEventListener('peer-file', ({ detail }) => this.onPeerFile(detail));
    mesh.addEventListener('peer-message-refused', ({ detail: { peerId, name, reason } }) => {
      // Once per peer and reason: a flood must not become a flood of errors.
      const key = `${peerId} ${reason}`;
      if (this.refusalsReported.has(key)) return;
      this.refusalsReported.add(key);
      this.report({ code: 'message-refused', reason, params: { peer: name || peerId } });
    });
    mesh.addEventListener('peer-failed', ({ detail }) => {
      // Peers a member of the room makes up can fail on purpose, a few a second: a page hears of
      // a few failures, then of one every ten seconds at most.
      if (!this.failureReports.take(performance.now())) return;
      // Attempts that never found a path, with no relay to fall back on: the networks between
      // the two (a symmetric NAT, a firewall without UDP) need a TURN server, which only the
      // site owner can add. Say that rather than "failed".
      if (detail.reason === 'gave-up' && !hasTurnServer(this.options.iceServers)) {
        this.report({ code: 'no-route', reason: 'no-turn-server', params: { peer: detail.name || detail.peerId } });
        return;
      }
      this.report({ code: 'negotiation-failed', reason: detail.reason, params: { peer: detail.name || detail.peerId, detail: detail.detail } });
    });
    mesh.addEventListener('peer-identity-changed', ({ detail }) => {
      // News only for a peer this visitor verified: for others it is a late description, dropped.
      if (!this.participantsById.get(detail.peerId)?.verified) return;
      this.report({ code: 'identity-changed', reason: 'identity-changed', params: { peer: detail.name || detail.peerId } });
    });
    this.mesh = mesh;
    this.speakingWatch.start();
    this.qualityWatch.start();
    return mesh;
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
      this.report({ code: 'wrong-password', reason: 'foreign-password', params: {} });
    }
    const now = performance.now();
    if (this.knockReplies < MAX_KNOCK_REPLIES && now - this.lastKnockReplyAt >= KNOCK_REPLY_INTERVAL_MS) {
      this.knockReplies++;
      this.lastKnockReplyAt = now;
      mesh.announce();
    }
  }

  private maxFileBytes(): number {
    return this.options.maxFileBytes?.() ?? DEFAULT_MAX_FILE_BYTES;
  }

  private onPeerFile(detail: PeerFileDetail): void {
    const { peerId, offer } = detail;
    this.holdReceived(detail);
    if (detail.type === 'progress') {
      // A report per 64 KiB chunk is too many for a page: one per percent, and the last.
      const step = Math.max(CHUNK_REPORT_BYTES, offer.size / 100);
      const key = `${offer.id} ${peerId} ${detail.direction}`;
      const last = this.progressReported.get(key) ?? 0;
      if (detail.bytes - last < step && detail.bytes !== offer.size) return;
      this.progressReported.set(key, detail.bytes);
      if (detail.bytes === offer.size) this.progressReported.delete(key);
      this.dispatchEvent(new CustomEvent('file-progress', {
        detail: { transferId: offer.id, peerId, name: offer.name, size: offer.size, bytes: detail.bytes, direction: detail.direction },
      }));
    } else if (detail.type === 'received') {
      this.progressReported.delete(`${offer.id} ${peerId} receive`);
      this.dispatchEvent(new CustomEvent('file-received', { detail: { transferId: offer.id, peerId, name: offer.name, file: detail.file } }));
    } else {
      this.progressReported.delete(`${offer.id} ${peerId} receive`);
      // Refused as over max-file-size: the sender is told; within it, the visit held too much.
      if (detail.reason === 'too-large' && (offer.size > this.maxFileBytes() || this.heldFullReported)) return;
      if (detail.reason === 'too-large') this.heldFullReported = true;
      // A member can cancel or break transfers a thousand times a second: a few reports, then one per ten seconds.
      if (!this.fileFailureReports.take(performance.now())) return;
      const peer = detail.name || peerId;
      if (detail.reason === 'too-large') this.report({ code: 'file-transfer-failed', reason: 'quota', params: { peer, value: offer.name, detail: `${RECEIVED_FILES_HELD * this.maxFileBytes()} bytes` } });
      else this.report({ code: 'file-transfer-failed', reason: detail.reason, params: { peer, value: offer.name } });
    }
  }

  /**
   * Counts what incoming transfers may hold: an accepted offer its declared size (it reports 0
   * bytes at once), until it fails or arrives, when the file is kept until released.
   */
  private holdReceived(detail: PeerFileDetail): void {
    if (detail.type === 'progress' && detail.direction !== 'receive') return;
    const key = `${detail.peerId} ${detail.offer.id}`;
    const declared = this.receiving.get(key);
    if (detail.type === 'progress') {
      if (declared !== undefined) return;
      this.receiving.set(key, detail.offer.size);
      this.heldBytes += detail.offer.size;
      return;
    }
    if (declared === undefined) return;
    this.receiving.delete(key);
    this.heldBytes -= declared;
    if (detail.type === 'received') {
      this.kept.set(detail.file, detail.file.size);
      this.heldBytes += detail.file.size;
    }
  }

  private report(problem: CallProblem): void {
    this.dispatchEvent(new CustomEvent('problem', { detail: problem }));
  }
}
