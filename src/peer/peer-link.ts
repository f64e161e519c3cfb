/**
 * One RTCPeerConnection to one remote peer, negotiated with the W3C "perfect negotiation" pattern:
 * both sides may offer at any time; on a collision the polite side rolls back and the impolite side
 * ignores the incoming offer. Candidates that arrive before the remote description are queued.
 * A bounded wait for `connected` ends in an ICE restart, because a rolled-back side sometimes
 * gathers no candidates for its answer and the pair would otherwise stay stuck.
 */
import { sourceOf, transceiverOf, type LocalSourceName, type LocalSources, type MediaState } from '../media/local-sources.js';
import { LIMITS, type CandidateSignal, type DescriptionSignal, type DirectedSignal } from '../signaling/messages.js';
import { addWantedTransceivers, closePeerConnection, completeAnswer, createPeerConnection, type PeerConnection } from './connection-factory.js';
import { SILENCE_MS, type ControlChannel } from './control-channel.js';
import { establishedDtlsRole, keepingDtlsRole, portableSdp } from './sdp.js';
import { SafetyExchange, sdpFingerprint, type LinkEnds, type SafetyCode } from './safety-code.js';
import { IdentityProof } from './identity-proof.js';
import type { Identity } from '../signaling/identity.js';
import { PeerMessaging } from './messaging.js';
import { FileLane } from './file-lane.js';
import { firstCandidates, type PreparedOffer } from './prepared-offer.js';
import { TypedEventTarget } from '../typed-event-target.js';

/** Where a remote track comes from on the sender's side. */
export type RemoteSource = LocalSourceName;

export interface PeerLinkOptions {
  localPeerId: string;
  localName: string;
  remotePeerId: string;
  /** Polite peers yield on an offer collision. Exactly one side of a pair must be polite. */
  polite: boolean;
  rtcConfiguration: RTCConfiguration;
  /** Our camera and microphone slots; possibly empty (a receive-only visitor). */
  sources: LocalSources;
  /** `offer`: `start()` will offer; `answer`: created for a remote offer. */
  role: 'offer' | 'answer';
  /** Sends a signal to the remote peer (through the broker). */
  send(signal: DirectedSignal): void;
  /** How long to wait for `connected` before an ICE restart. */
  connectTimeoutMs?: number;
  /** How long an ICE restart may take before the next one (or giving up). */
  restartTimeoutMs?: number;
  /** ICE restarts to try in a row before giving up. */
  maxRestarts?: number;
  /**
   * How long a pair that is moving forward (its answer awaited, connectivity checks answered,
   * DTLS under way) may take before its watchdog restarts ICE after all. A restart only makes a
   * slow machine start over.
   */
  patienceMs?: number;
  /** An offer made before this peer was known (see `prepareOffer`): `start()` sends it at once. */
  prepared?: PreparedOffer;
  /** The largest file accepted from the peer, in bytes (asked at each offer). */
  maxFileBytes?: () => number;
  /** This visitor's remembered long-term key, proven to the peer over the link (see identity-proof.ts). */
  longTermIdentity?: Promise<Identity | undefined>;
}

/** 100 MB, the `max-file-size` default. */
export const DEFAULT_MAX_FILE_BYTES = 100 * 1000 * 1000;

export interface SendQuality {
  /** 1 sends the camera as captured; 2 halves width and height. */
  scaleResolutionDownBy: number;
  /** Bits per second, or undefined for the browser's own choice. */
  maxBitrate?: number;
}

const AS_CAPTURED: SendQuality = { scaleResolutionDownBy: 1 };

function sameQuality(a: SendQuality, b: SendQuality | undefined): boolean {
  return b !== undefined && a.scaleResolutionDownBy === b.scaleResolutionDownBy && a.maxBitrate === b.maxBitrate;
}

export type PeerLinkState = 'new' | 'connecting' | 'connected' | 'closed';

/** Why a link gave up: negotiation threw (`detail` says what), its restarts ran out, or the peer went silent. */
export interface LinkFailure {
  reason: 'negotiation-error' | 'gave-up' | 'peer-silent';
  detail?: string;
  wasConnected: boolean;
  /** The peer had stopped answering altogether (heartbeat and restart offers): most likely gone. */
  silent: boolean;
  /**
   * The peer sent something on this link (a description or candidates). A link it never answered
   * was to someone who left first, or who never was: an id a member of the room made up.
   */
  answered: boolean;
}

/** What broke a media path, for the log of restarts; not shown to visitors. */
type RestartCause = 'silent' | 'interrupted' | 'failed' | 'timeout' | 'network-changed';

export interface PeerLinkEventMap {
  /** The media connection is live. */
  connected: Event;
  /**
   * The link gave up (negotiation or ICE failed for good). `silent`: the peer had stopped
   * answering altogether (heartbeat and restart offers), i.e. it most likely vanished.
   */
  failed: CustomEvent<LinkFailure>;
  /** A remote track arrived or ended; see `remoteTracks`. */
  track: Event;
  /** The media path came back after an outage: players should attach afresh. */
  recovered: Event;
  /**
   * The peer's whole browser stopped (see `frozen`): no heartbeat, and not a byte of media or
   * anything else, while the path still counts as connected. A busy or background page still
   * sends media, and is never frozen.
   */
  frozen: Event;
  /** A frozen peer is heard again. */
  thawed: Event;
  /**
   * The path to the peer went silent: the layer above tells the peer over signaling that we are
   * here (a peer that is only cut off, not stopped, does the same, which keeps it from being taken
   * for frozen; see `heardOverSignaling`).
   */
  'path-silent': Event;
  /**
   * The path to the peer stopped: nothing arrives over it (not a byte while the heartbeat is
   * silent), or ICE found it broken (connection state `disconnected`). The layer above checks the
   * broker connection. A busy page's path still carries media, and is not broken.
   */
  'path-broken': Event;
  /** The peer said goodbye over the peer-to-peer control channel. */
  bye: Event;
  /** The peer told its media state (muted, camera off); see `remoteState`. */
  'remote-state': Event;
  /**
   * A description for this connected link carried another certificate than the one DTLS checked
   * (a stale one from another connection, or someone else's): it was not applied.
   */
  'identity-changed': Event;
  /** The peer proved it holds a remembered long-term key; see `remoteKeyId`. */
  'identity-proven': Event;
}

const CANDIDATE_BATCH_MS = 15;
const PATIENCE_MS = 30_000;
const POLITE_RECOVERY_DELAY_MS = 3000;
/**
 * How long a silent peer's bytes are watched before it counts as frozen. A live browser sends
 * something several times a second (media, the receiver's feedback on ours) even when its page is
 * too busy to beat; heartbeats stop after SILENCE_MS, so a frozen peer is told in about 4 s.
 */
const FROZEN_CHECK_MS = 1200;

export class PeerLink extends TypedEventTarget<PeerLinkEventMap> {
  readonly remotePeerId: string;
  /** Display name of the remote peer, as it last told us. */
  remoteName = '';
  state: PeerLinkState = 'new';
  /** App data and chat to and from this peer, peer to peer; sends wait for the channels to open. */
  readonly messaging = new PeerMessaging();
  /** Files to and from this peer, on a channel of their own. */
  readonly files: FileLane;

  private readonly tracks = new Map<RemoteSource, MediaStreamTrack>();
  private readonly connectionParts: PeerConnection;
  private readonly pc: RTCPeerConnection;
  private makingOffer = false;
  private ignoreOffer = false;
  private pendingRemoteCandidates: RTCIceCandidateInit[] = [];
  private outgoingCandidates: RTCIceCandidateInit[] = [];
  private candidateTimer?: ReturnType<typeof setTimeout>;
  private watchdog?: ReturnType<typeof setTimeout>;
  private disconnectTimer?: ReturnType<typeof setTimeout>;
  private politeRecoveryTimer?: ReturnType<typeof setTimeout>;
  private control?: ControlChannel;
  /**
   * The remote certificate's fingerprint once the pair first connected: the one DTLS checked.
   * Before that, descriptions may come and go (glare, a prepared offer, a late answer).
   */
  private remoteFingerprint?: string;
  private readonly safety = new SafetyExchange((message) => this.control?.sendText(message), () => this.knownEnds());
  /** Who waits for both ends of the link to be known (see `knownEnds`). */
  private readonly waitingForEnds: (() => void)[] = [];
  private readonly identityProof: IdentityProof;
  private restarts = 0;
  /** Whether the peer's browser seems stopped altogether (see the `frozen` event). */
  frozen = false;
  /** When the peer was last heard over signaling (`performance.now()`). */
  private signaledAt = -Infinity;
  /**
   * Our ICE username fragment when ICE last reached `connected`: that generation's candidates need
   * no trickling. An ICE restart keeps the state `connected` in Firefox while the new generation
   * gathers, so the current description's fragment would hide exactly the candidates it needs.
   */
  private connectedUfrag?: string;
  /** Whether the peer sent anything on this link (see `LinkFailure.answered`). */
  private answered = false;
  /** When the current attempt to connect began (the start, or the last ICE restart). */
  private attemptStartedAt = 0;
  /** Connectivity checks answered or received so far, to tell a slow pair from a stuck one. */
  private checksSeen = 0;
  /** Signals from the peer not yet applied: on a busy machine applying one can take seconds. */
  private signalsInHand = 0;
  private sendQuality?: SendQuality;
  /** What the video sender was last set to; a new sender sends as captured. */
  private appliedQuality?: SendQuality = AS_CAPTURED;
  private queue: Promise<unknown> = Promise.resolve();
  /** A screen share begun: connected links get its transceiver (and renegotiate). */
  private readonly addWantedTransceivers = () => {
    if (this.state === 'connected') addWantedTransceivers(this.connectionParts, this.options.sources);
  };

  constructor(private readonly options: PeerLinkOptions) {
    super();
    this.remotePeerId = options.remotePeerId;
    this.identityProof = new IdentityProof((message) => this.control?.sendText(message), () => this.knownEnds(), options.longTermIdentity);
    this.identityProof.addEventListener('proven', () => this.dispatchEvent(new Event('identity-proven')));
    this.files = new FileLane(options.maxFileBytes ?? (() => DEFAULT_MAX_FILE_BYTES));
    options.sources.addEventListener('change', this.addWantedTransceivers);
    this.connectionParts = options.prepared ?? createPeerConnection(options.rtcConfiguration, options.sources, options.role);
    this.pc = this.connectionParts.pc;
    if (this.connectionParts.control) this.openChannels(this.connectionParts.control);
    this.pc.addEventListener('negotiationneeded', () => void this.makeOffer());
    this.pc.addEventListener('icecandidate', ({ candidate }) => {
      if (candidate && candidate.candidate) this.queueCandidate(candidate.toJSON());
    });
    this.pc.addEventListener('track', ({ track, transceiver }) => {
      // Both sides make the same transceivers in the same order: which one says which source.
      const source = sourceOf(this.pc, transceiver);
      if (!source) return;
      this.tracks.set(source, track);
      track.addEventListener('ended', () => {
        if (this.tracks.get(source) !== track) return;
        this.tracks.delete(source);
        this.dispatchEvent(new Event('track'));
      }, { once: true });
      this.dispatchEvent(new Event('track'));
    });
    this.pc.addEventListener('connectionstatechange', () => this.onConnectionState());
    this.pc.addEventListener('iceconnectionstatechange', () => {
      const ice = this.pc.iceConnectionState;
      if (ice === 'connected' || ice === 'completed') this.connectedUfrag = ufragOf(this.pc.currentLocalDescription);
    });
  }

  /** The id of the remembered long-term key the peer proved it holds on this link, if it did. */
  get remoteKeyId(): string | undefined {
    return this.identityProof.remoteKeyId;
  }

  /** Both ends of the link (peer id and DTLS fingerprint), if both descriptions are applied. */
  private ends(): LinkEnds | undefined {
    const own = sdpFingerprint(this.pc.currentLocalDescription?.sdp);
    const remote = this.remoteFingerprint ?? sdpFingerprint(this.pc.currentRemoteDescription?.sdp);
    return own && remote ? { own: { peerId: this.options.localPeerId, fingerprint: own }, remote: { peerId: this.remotePeerId, fingerprint: remote } } : undefined;
  }

  /**
   * Both ends of the link, once known. A message on the control channel can arrive a moment before
   * the browser resolves the last description's promise; the link connecting settles it.
   */
  private knownEnds(): Promise<LinkEnds> {
    return new Promise((resolve) => {
      const check = () => {
        const ends = this.ends();
        if (ends) resolve(ends);
        else this.waitingForEnds.push(check);
      };
      check();
    });
  }

  /** The underlying connection, for statistics and for features layered on top (data channels). */
  get connection(): RTCPeerConnection {
    return this.pc;
  }

  /** The remote peer's tracks by source. */
  get remoteTracks(): ReadonlyMap<RemoteSource, MediaStreamTrack> {
    return this.tracks;
  }

  /** `performance.now()` when the peer was last heard over the control channel (0: never). */
  get lastHeardAt(): number {
    return this.control?.lastHeardAt ?? 0;
  }

  /** Whether the peer's heartbeat has stopped (see control-channel.ts). */
  get silent(): boolean {
    return this.control?.silent ?? false;
  }

  /** The peer's microphone and camera as it last told over the control channel. */
  get remoteState(): MediaState | undefined {
    return this.control?.remoteState;
  }

  /**
   * Bytes received from the peer over every candidate pair (media, data and RTCP; STUN excluded),
   * or undefined if the browser cannot say. Counted by the browser's network stack, so it keeps
   * rising while the peer's browser runs, even when its page (or ours) is too busy to say so.
   */
  async bytesReceived(): Promise<number | undefined> {
    if (this.state === 'closed') return undefined;
    try {
      let bytes = 0;
      (await this.pc.getStats()).forEach((report: { type: string; bytesReceived?: number }) => {
        if (report.type === 'candidate-pair') bytes += report.bytesReceived ?? 0;
      });
      return bytes;
    } catch {
      return undefined;
    }
  }

  /**
   * Starts as the offering side: sends the prepared offer; a connection made here for offering
   * has its senders already, and the browser asks for the offer by itself (`negotiationneeded`).
   */
  start(): void {
    if (this.state !== 'new') return;
    this.state = 'connecting';
    this.armWatchdog();
    if (this.options.prepared) void this.sendLocalDescription('offer', { gathered: true });
  }

  /** Handles a signal from the remote peer. Signals are applied one at a time, in arrival order. */
  handle(signal: DescriptionSignal | CandidateSignal): Promise<void> {
    this.answered = true;
    this.signalsInHand++;
    const next = this.queue.then(() => (signal.kind === 'candidate' ? this.addCandidates(signal.candidates) : this.applyDescription(signal)));
    this.queue = next.catch(() => undefined).finally(() => this.signalsInHand--);
    return next.catch((error: unknown) => this.fail('negotiation-error', describe(error)));
  }

  /**
   * Renegotiates ICE (new credentials, fresh candidates) over signaling, for a network change.
   * Counts against the restarts allowed before giving up.
   */
  restartIce(why: RestartCause = 'network-changed'): void {
    if (this.state === 'closed' || this.state === 'new') return;
    this.restartOrFail(why);
  }

  /**
   * Caps what we send this peer: in a mesh every peer gets its own encoding of our camera, so a
   * fuller room means smaller ones. Applied once negotiated; harmless before.
   */
  setSendQuality(quality: SendQuality): void {
    this.sendQuality = quality;
    // Unchanged parameters are not set again: reading them blocks on the browser's WebRTC thread,
    // and setting them can reconfigure the encoder, just when a new pair's first frame is due.
    if (sameQuality(quality, this.appliedQuality)) return;
    const sender = transceiverOf(this.pc, 'camera')?.sender;
    if (!sender || this.state === 'closed') return;
    const parameters = sender.getParameters();
    const [encoding] = parameters.encodings ?? [];
    if (!encoding) return;
    encoding.scaleResolutionDownBy = quality.scaleResolutionDownBy;
    if (quality.maxBitrate) encoding.maxBitrate = quality.maxBitrate;
    else delete encoding.maxBitrate;
    this.appliedQuality = quality;
    sender.setParameters(parameters).catch(() => (this.appliedQuality = undefined));
  }

  /**
   * The pair's safety code, once both sides have exchanged their nonces over the control channel
   * (see safety-code.ts); undefined if the exchange failed or the link closed first.
   */
  safetyCode(): Promise<SafetyCode | undefined> {
    if (this.safety.settled || this.state === 'closed') return Promise.resolve(this.safety.code);
    return new Promise((resolve) => this.safety.addEventListener('settled', () => resolve(this.safety.code), { once: true }));
  }

  /** Says goodbye over the peer-to-peer control channel (best effort; signaling says it too). */
  sayBye(): void {
    this.control?.sendBye();
  }

  /** Closes the connection. Idempotent; fires nothing. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.safety.abandon();
    clearTimeout(this.watchdog);
    clearTimeout(this.candidateTimer);
    clearTimeout(this.disconnectTimer);
    clearTimeout(this.politeRecoveryTimer);
    this.messaging.close();
    this.files.close();
    this.options.sources.removeEventListener('change', this.addWantedTransceivers);
    closePeerConnection(this.connectionParts, this.options.sources);
    for (const track of this.tracks.values()) track.stop();
  }

  /** Our part in the DTLS association the last completed negotiation set up, if any. */
  private dtlsRole() {
    return establishedDtlsRole(this.pc.currentLocalDescription, this.pc.currentRemoteDescription);
  }

  /** A method rather than a field check, because the state can change while we await. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private isConnected(): boolean {
    return this.pc.connectionState === 'connected';
  }

  private async makeOffer(): Promise<void> {
    if (this.state === 'closed') return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      if (this.pc.localDescription?.type === 'offer') await this.sendLocalDescription('offer');
    } catch (error) {
      this.fail('negotiation-error', describe(error));
    } finally {
      this.makingOffer = false;
    }
  }

  private async applyDescription(signal: DescriptionSignal): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'new') {
      this.state = 'connecting';
      this.armWatchdog();
    }
    this.remoteName = signal.name;
    const offerCollision = signal.kind === 'offer' && (this.makingOffer || this.pc.signalingState !== 'stable');
    this.ignoreOffer = !this.options.polite && offerCollision;
    if (this.ignoreOffer) return;
    // An answer that arrives when we have no offer out is stale (for example after a rollback).
    if (signal.kind === 'answer' && this.pc.signalingState !== 'have-local-offer') return;
    // Once connected, the peer's certificate is the one DTLS checked: a description with another
    // one is not this connection's (a late one from an earlier connection, or someone else's).
    if (this.remoteFingerprint && sdpFingerprint(signal.sdp) !== this.remoteFingerprint) {
      this.dispatchEvent(new Event('identity-changed'));
      return;
    }
    const sdp = signal.kind === 'answer' ? keepingDtlsRole({ type: 'answer', sdp: portableSdp(signal.sdp) }, this.dtlsRole()) : portableSdp(signal.sdp);
    await this.pc.setRemoteDescription({ type: signal.kind, sdp });
    if (signal.kind === 'offer') {
      // The other side is renegotiating (perhaps restarting ICE): no need for our own restart.
      clearTimeout(this.politeRecoveryTimer);
      this.politeRecoveryTimer = undefined;
      // Only now, so that the answer covers them and they trigger no offer of our own.
      this.openChannels(completeAnswer(this.connectionParts, this.options.sources));
      await this.pc.setLocalDescription();
      await this.sendLocalDescription('answer');
    }
    const queued = this.pendingRemoteCandidates;
    this.pendingRemoteCandidates = [];
    await this.addCandidates(queued);
  }

  private async addCandidates(candidates: RTCIceCandidateInit[]): Promise<void> {
    if (this.state === 'closed') return;
    if (!this.pc.remoteDescription) {
      this.pendingRemoteCandidates.push(...candidates);
      return;
    }
    for (const candidate of candidates) {
      try {
        await this.pc.addIceCandidate(candidate);
      } catch {
        // A candidate for an offer we ignored, or one from a stale ICE generation, is expected to
        // fail; a pair that really lacks candidates is caught by the watchdog's ICE restart.
      }
    }
  }

  private queueCandidate(candidate: RTCIceCandidateInit): void {
    this.outgoingCandidates.push(candidate);
    if (this.candidateTimer !== undefined) return;
    // Candidates come in bursts: one message per burst instead of one per candidate.
    this.candidateTimer = setTimeout(() => {
      this.candidateTimer = undefined;
      const pending = this.outgoingCandidates.splice(0, this.outgoingCandidates.length);
      if (this.state === 'closed') return;
      // Candidates for an ICE generation that already connected would only be spare paths (the
      // peer found us through our checks); a broken path gets fresh ones through an ICE restart.
      // Spare the broker the message. Candidates of a new generation (a restart) still go out.
      const ice = this.pc.iceConnectionState;
      const connectedGeneration = (ice === 'connected' || ice === 'completed') ? this.connectedUfrag : undefined;
      const needed = pending.filter((c) => c.usernameFragment === undefined || c.usernameFragment === null || c.usernameFragment !== connectedGeneration);
      if (needed.length === 0) return;
      for (let i = 0; i < needed.length; i += LIMITS.candidatesPerMessage) {
        const candidates = needed.slice(i, i + LIMITS.candidatesPerMessage);
        this.options.send({ kind: 'candidate', from: this.options.localPeerId, to: this.remotePeerId, candidates });
      }
    }, CANDIDATE_BATCH_MS);
  }

  /**
   * Sends our offer or answer. An offer carries the first candidates: the answerer needs somewhere
   * to send its checks, and waiting the few milliseconds host candidates take spares it a round of
   * trickling. An answer goes out at once: the offerer, listening on the candidates it offered,
   * learns our address from our checks (a peer-reflexive candidate), so our own candidates only
   * trickle if ICE has not connected by then (a NAT that needs them both ways).
   */
  private async sendLocalDescription(kind: 'offer' | 'answer', { gathered = false } = {}): Promise<void> {
    if (kind === 'offer' && !gathered && this.outgoingCandidates.length === 0) await firstCandidates(this.pc);
    // An answer is current once applied; an offer stays pending until answered. (While we waited,
    // a renegotiation may have begun: the answer must still go out.)
    const description = kind === 'answer' ? this.pc.currentLocalDescription : this.pc.pendingLocalDescription;
    if (this.isClosed() || description?.type !== kind) return;
    // Every candidate announced so far is in the description: none of them needs trickling.
    this.outgoingCandidates.length = 0;
    clearTimeout(this.candidateTimer);
    this.candidateTimer = undefined;
    const { localPeerId, localName } = this.options;
    const sdp = kind === 'offer' ? keepingDtlsRole({ type: 'offer', sdp: portableSdp(description.sdp) }, this.dtlsRole()) : portableSdp(description.sdp);
    this.options.send({ kind, from: localPeerId, to: this.remotePeerId, name: localName, sdp });
  }

  private openChannels(control: ControlChannel): void {
    if (this.control) return;
    this.control = control;
    const lanes = this.connectionParts.lanes;
    if (lanes) {
      this.messaging.attach({ app: lanes.app, chat: lanes.chat });
      this.files.attach(lanes.file);
    }
    control.attach(this.safety);
    control.attach(this.identityProof);
    control.addEventListener('bye', () => this.dispatchEvent(new Event('bye')));
    control.addEventListener('state', () => this.dispatchEvent(new Event('remote-state')));
    control.addEventListener('silent', () => {
      void this.checkFrozen();
      this.recover('silent');
    });
    control.addEventListener('alive', () => {
      if (this.frozen) {
        this.frozen = false;
        this.dispatchEvent(new Event('thawed'));
      }
      // After an outage of the media path Chromium's <video> can stay frozen on a live track;
      // players given a new stream object attach afresh.
      this.dispatchEvent(new Event('recovered'));
    });
  }

  private onConnectionState(): void {
    if (this.state === 'closed') return;
    const connectionState = this.pc.connectionState;
    clearTimeout(this.disconnectTimer);
    if (connectionState === 'connected') {
      clearTimeout(this.watchdog);
      this.watchdog = undefined;
      this.restarts = 0;
      if (this.state !== 'connected') {
        this.state = 'connected';
        this.remoteFingerprint ??= sdpFingerprint(this.pc.currentRemoteDescription?.sdp);
        for (const check of this.waitingForEnds.splice(0)) check();
        if (this.sendQuality) this.setSendQuality(this.sendQuality);
        this.addWantedTransceivers();
        this.dispatchEvent(new Event('connected'));
      }
    } else if (connectionState === 'disconnected') {
      // The path itself stopped (ICE's own checks fail), not just the peer's page: our network may
      // have moved, and the broker connection with it.
      this.dispatchEvent(new Event('path-broken'));
      // Often transient (a moment of packet loss): restart only if it lasts.
      this.disconnectTimer = setTimeout(() => {
        if (this.pc.connectionState === 'disconnected') this.recover('interrupted');
      }, 1500);
    } else if (connectionState === 'failed') {
      this.recover('failed');
    }
  }

  /** The peer sent something over signaling: its browser runs, whatever its path says. */
  heardOverSignaling(): void {
    this.signaledAt = performance.now();
  }

  /**
   * A silent peer whose bytes stopped too, and that says nothing over signaling either: its
   * browser is stopped (a frozen machine, a suspended laptop). A path that broke between two
   * running browsers stops the bytes as well, but then both say so over signaling.
   */
  private async checkFrozen(): Promise<void> {
    if (this.state !== 'connected') return;
    // The peer's last heartbeat came this long ago: a signal since then shows its browser runs.
    const silentSince = performance.now() - SILENCE_MS;
    this.dispatchEvent(new Event('path-silent'));
    let before = await this.bytesReceived();
    let pathBrokenSaid = false;
    for (;;) {
      const sleptFrom = performance.now();
      await new Promise((resolve) => setTimeout(resolve, FROZEN_CHECK_MS));
      if (this.state !== 'connected' || !this.control?.silent || this.frozen) return;
      // Our own page starved (its timer came late): what it read of the network is no proof.
      const starved = performance.now() - sleptFrom > FROZEN_CHECK_MS * 1.5;
      const after = await this.bytesReceived();
      if (this.state !== 'connected' || !this.control.silent) return;
      const stopped = before !== undefined && after !== undefined && after === before;
      // Not a byte either, and our page is not starved: the path itself stopped, perhaps because
      // our own network moved. Said once per silence.
      if (stopped && !starved && !pathBrokenSaid) {
        pathBrokenSaid = true;
        this.dispatchEvent(new Event('path-broken'));
      }
      if (stopped && !starved && this.signaledAt < silentSince) break;
      before = after;
    }
    this.frozen = true;
    this.dispatchEvent(new Event('frozen'));
  }

  /**
   * Restarts ICE after a broken media path. Both sides notice at about the same moment, and two
   * crossing restart offers end in a rollback, after which Chromium may switch to a new RTP stream
   * that the far side's player never shows. So the impolite side restarts at once and the polite
   * side only if nothing has come from the other side a while later.
   */
  private recover(why: RestartCause): void {
    // Silent over a path that ICE and DTLS still find working: the peer's page is busy (a slow
    // machine, a background tab), not cut off, and an ICE restart would only make it start over.
    // A path that really broke shows in the connection state, which recovers on its own terms.
    if (why === 'silent' && this.pc.connectionState === 'connected') return;
    if (!this.options.polite) {
      this.restartOrFail(why);
      return;
    }
    if (this.politeRecoveryTimer !== undefined) return;
    this.politeRecoveryTimer = setTimeout(() => {
      this.politeRecoveryTimer = undefined;
      if (this.pc.connectionState !== 'connected') this.restartOrFail(why);
    }, POLITE_RECOVERY_DELAY_MS);
  }

  private armWatchdog(timeoutMs = this.options.connectTimeoutMs ?? 5000, fresh = true): void {
    clearTimeout(this.watchdog);
    if (fresh) this.attemptStartedAt = performance.now();
    this.watchdog = setTimeout(() => void this.onWatchdog(timeoutMs), timeoutMs);
  }

  private async onWatchdog(timeoutMs: number): Promise<void> {
    this.watchdog = undefined;
    if (this.state === 'closed') return;
    if (this.pc.connectionState === 'connected') {
      // A restart on a connection that never dropped (a network change) succeeded quietly.
      this.restarts = 0;
      return;
    }
    // A silent peer that does not even answer our restart offer is gone, not merely unreachable.
    if (this.control?.silent && this.pc.signalingState === 'have-local-offer') {
      this.fail('peer-silent');
      return;
    }
    const patient = performance.now() - this.attemptStartedAt < (this.options.patienceMs ?? PATIENCE_MS);
    if (patient && (await this.movingForward())) {
      if (!this.isClosed() && this.watchdog === undefined) this.armWatchdog(timeoutMs, false);
      return;
    }
    if (this.isClosed() || this.isConnected()) return;
    // Our offer went out and the peer never sent a word back, however long we waited: it left
    // before it could, or never was (an id a member made up). Another offer would go unanswered
    // too; giving up frees the link for someone real.
    if (!this.answered && this.pc.signalingState === 'have-local-offer') {
      this.fail('gave-up', 'no answer');
      return;
    }
    // The state may have moved on while the statistics were read.
    this.restartOrFail('timeout');
  }

  /**
   * Whether the pair is getting somewhere, only slowly (every step is slow on a busy machine): we
   * are still applying what the peer sent or making our offer, the peer has our offer and has not
   * answered yet, DTLS is under way on a connected ICE path, or connectivity checks were answered
   * or received since the last look. A pair stuck without any of that (say, a side that gathered
   * no candidates) gets its ICE restart.
   */
  private async movingForward(): Promise<boolean> {
    const ice = this.pc.iceConnectionState;
    if (ice === 'connected' || ice === 'completed') return true;
    if (this.signalsInHand > 0 || this.makingOffer || this.pc.signalingState === 'have-local-offer') return true;
    // Nothing negotiated yet: our own offer is still being made.
    if (!this.pc.localDescription && !this.pc.remoteDescription) return true;
    let checks = 0;
    try {
      (await this.pc.getStats()).forEach((report: { type: string; requestsReceived?: number; responsesReceived?: number }) => {
        if (report.type === 'candidate-pair') checks += (report.requestsReceived ?? 0) + (report.responsesReceived ?? 0);
      });
    } catch {
      return false;
    }
    const progressed = checks > this.checksSeen;
    this.checksSeen = checks;
    return progressed;
  }

  private restartOrFail(why: RestartCause): void {
    if (this.state === 'closed') return;
    if (this.restarts >= (this.options.maxRestarts ?? 3)) {
      this.fail('gave-up', why);
      return;
    }
    this.restarts++;
    // A restart triggers `negotiationneeded`, so a fresh offer with fresh ICE credentials goes out.
    this.pc.restartIce();
    this.armWatchdog(this.options.restartTimeoutMs ?? 3000);
  }

  private fail(reason: LinkFailure['reason'], detail?: string): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    const silent = this.control?.silent ?? false;
    this.close();
    this.dispatchEvent(new CustomEvent('failed', { detail: { reason, detail, wasConnected, silent, answered: this.answered } }));
  }
}


function ufragOf(description: RTCSessionDescription | null): string | undefined {
  return description?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
