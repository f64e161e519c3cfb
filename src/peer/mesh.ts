/**
 * The full mesh: one PeerLink per remote peer in the room, driven by room signals.
 *
 * Who offers is decided without a round trip and without glare: a `hello` says when its sender
 * joined, and when a peer hears one, the earlier joiner of the two (peer id breaking ties) offers
 * at once. Both sides compute the same answer, so at most one offers. If we are the later one,
 * we answer `here` ("please offer"): the earlier one may not have heard our own hello (it was
 * sent before it listened, or clocks disagree), and a `here` from a peer it already links with is
 * ignored. A newcomer therefore meets everyone present, usually with no extra message: those
 * present hear its hello and offer. Politeness is by peer id, independent of who offers.
 */
import type { DisconnectReason, PeerInfo } from '../events.js';
import type { DirectedSignal, HelloSignal, Signal } from '../signaling/messages.js';
import type { Identity } from '../signaling/identity.js';
import { DEFAULT_VIDEO } from '../media/local-media.js';
import type { LocalSources } from '../media/local-sources.js';
import { closePeerConnection } from './connection-factory.js';
import { HEARTBEAT_INTERVAL_MS } from './control-channel.js';
import type { Lane, RefusalReason } from './messaging.js';
import type { FileLaneEventMap, FileOffer } from './file-lane.js';
import { PeerLink, type LinkFailure, type SendQuality } from './peer-link.js';
import { prepareOffer, type PreparedOffer } from './prepared-offer.js';
import { TypedEventTarget } from '../typed-event-target.js';
import { RateBudget } from '../rate-budget.js';

/** What the mesh needs from signaling; the MQTT RoomSignal provides it. */
export interface SignalPort {
  broadcast(signal: Signal): void;
  sendTo(signal: DirectedSignal): void;
  /** Makes sure the broker connection still carries messages (reconnects if it does not). */
  checkConnection?(): void;
}

export interface PeerMeshOptions {
  peerId: string;
  name: string;
  rtcConfiguration: RTCConfiguration;
  /** Our camera and microphone slots, which feed every link's senders. */
  sources: LocalSources;
  signal: SignalPort;
  connectTimeoutMs?: number;
  /** How long each ICE restart may take before the next one, or giving up (see `PeerLink`). */
  restartTimeoutMs?: number;
  /** How long a pair that is moving forward may take per attempt (see `PeerLink`). */
  patienceMs?: number;
  /** Pauses before announcing ourselves again after a link gave up, one per attempt (see below). */
  reintroduceAfterMs?: readonly number[];
  /**
   * An offer begun before the camera was ready (see `prepareOffer`): the mesh keeps it as its
   * first spare instead of preparing one only now.
   */
  earlySpare?: Promise<PreparedOffer>;
  /** The largest file accepted from a peer, in bytes. */
  maxFileBytes?: () => number;
  /** The most visitors the room may hold, this one included (default 8): links are capped at one fewer. */
  maxPeers?: number;
  /** This visitor's remembered long-term key, proven on every link (see identity-proof.ts). */
  longTermIdentity?: Promise<Identity | undefined>;
}

export const DEFAULT_MAX_PEERS = 8;

export interface PeerFailedDetail extends PeerInfo {
  /** `create-failed`: the browser refused to create the connection; the others as in `LinkFailure`. */
  reason: 'create-failed' | LinkFailure['reason'];
  detail?: string;
}

export interface PeerConnectedDetail extends PeerInfo {
  link: PeerLink;
}

/** A file lane's event, with the peer it came from. */
export type PeerFileDetail = PeerInfo & (
  | ({ type: 'progress' } & FileLaneEventMap['progress']['detail'])
  | ({ type: 'received' } & FileLaneEventMap['received']['detail'])
  | ({ type: 'receive-failed' } & FileLaneEventMap['receive-failed']['detail'])
);

export interface PeerMeshEventMap {
  'peer-connected': CustomEvent<PeerConnectedDetail>;
  'peer-disconnected': CustomEvent<PeerInfo & { reason: DisconnectReason }>;
  /** A pair that never connected was given up. */
  'peer-failed': CustomEvent<PeerFailedDetail>;
  /** A connected peer's tracks changed, or its media path recovered (`recovered`). */
  'peer-media': CustomEvent<{ peerId: string; recovered: boolean }>;
  /** A message arrived from a peer on one of the lanes (app data, chat). */
  'peer-message': CustomEvent<PeerInfo & { lane: Lane; data: unknown }>;
  /** A file transfer with a peer moved, arrived or failed (see `FileLane`). */
  'peer-file': CustomEvent<PeerFileDetail>;
  /** A description for a connected peer's link carried another certificate; it was not applied. */
  'peer-identity-changed': CustomEvent<PeerInfo>;
  /** A peer's message was refused: too large, malformed or one too many. */
  'peer-message-refused': CustomEvent<PeerInfo & { lane: Lane; reason: RefusalReason }>;
  /**
   * We arrived in a room that already holds as many visitors as it may: a member said so, or more
   * members reached out than the room allows. The mesh has closed every link; once only.
   */
  'room-full': Event;
}

/** What we send each peer, by how many peers there are: a mesh encodes our camera once per peer. */
export function sendQualityFor(peerCount: number): SendQuality {
  if (peerCount <= 2) return { scaleResolutionDownBy: 1 };
  if (peerCount <= 3) return { scaleResolutionDownBy: 1.5, maxBitrate: 500_000 };
  return { scaleResolutionDownBy: 1, maxBitrate: 250_000 };
}

/** In a full room the camera itself captures less, which spares every encoder and the local tile. */
const CROWDED_CAPTURE: MediaTrackConstraints = { width: { ideal: 256 }, height: { ideal: 144 }, frameRate: { ideal: 24 } };
const CROWDED_FROM = 4;

/**
 * When a link gives up (its ICE restarts failed, say while the network was down) the peer may still
 * be in the room. We announce ourselves again after these pauses, one attempt each, so that the
 * pair meets afresh once the network lets it; both sides do, and the usual rule picks who offers.
 * A goodbye, a confirmed disappearance or a live link ends the attempts.
 */
const REINTRODUCE_AFTER_MS = [4000, 15_000, 60_000];
/** Peers whose links gave up that are remembered for that, at most. */
const MAX_REINTRODUCTIONS = 32;

/** How long a peer reported gone by the broker gets to prove otherwise over its link. */
const GOODBYE_CONFIRM_MS = 750;
/** Heartbeat silence, at that point, that suggests the peer gone: two heartbeat intervals. */
const GOODBYE_SILENCE_MS = 2 * HEARTBEAT_INTERVAL_MS;
/**
 * Packets still in flight from a peer that just died may land shortly after its goodbye: counting
 * what arrives starts this long after the goodbye.
 */
const GOODBYE_IN_FLIGHT_MS = 150;

/**
 * A used prepared offer is replaced after this pause, and only once no pair is still connecting:
 * while newcomers arrive, the CPU is better spent on their connections.
 */
const SPARE_REFILL_DELAY_MS = 2000;
/**
 * A prepared offer is renewed this often, and one found older (timers sleep in background tabs) is
 * not sent: its candidates may belong to a network since left, its TURN credentials may have aged.
 */
const SPARE_MAX_AGE_MS = 5 * 60_000;

/** "The room is full" replies: a few, then one a second at most, however many newcomers knock. */
const FULL_REPLY_BURST = 5;
const FULL_REPLIES_PER_SECOND = 1;
/**
 * How long a newcomer told "full" by some of a room's members, not all, waits for the others'
 * offers before it takes the room as full: members with places left offer on hearing its hello.
 */
const FULL_GRACE_MS = 3000;

export class PeerMesh extends TypedEventTarget<PeerMeshEventMap> {
  private readonly links = new Map<string, PeerLink>();
  /** Peers whose link gave up, with the re-announcements made for them so far. */
  private readonly reintroductions = new Map<string, { attempts: number; timer?: ReturnType<typeof setTimeout> }>();
  private closed = false;
  private crowded = false;
  /** One offer prepared ahead, for the next newcomer we offer to. */
  private spare?: PreparedOffer;
  private preparingSpare = false;
  private spareTimer?: ReturnType<typeof setTimeout>;
  /**
   * Our join time as announced: when we first announced (or first compared, if a hello came
   * before that), which is after we subscribed. Anyone who announced before us was listening when
   * our hello went out, so the earlier of two offers on hearing the other's hello, with no `here`
   * round. Kept across re-announcements after a broker outage.
   */
  private joinedAtTime?: number;
  /** Whether any link of ours has connected: until then we are the newcomer. */
  private metAnyone = false;
  private readonly fullReplies = new RateBudget(FULL_REPLY_BURST, FULL_REPLIES_PER_SECOND);
  /** Members who said the room is full before we met anyone. */
  private readonly refusals = new Set<string>();
  private refusalTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly options: PeerMeshOptions) {
    super();
    if (options.earlySpare) this.adoptSpare(options.earlySpare);
    else this.prepareSpare();
  }

  /** Peers whose media connection is live. */
  get peers(): PeerInfo[] {
    return [...this.links.values()].filter((l) => l.state === 'connected').map((l) => ({ peerId: l.remotePeerId, name: l.remoteName }));
  }

  /** Links to other peers, connected or still connecting. */
  get linkCount(): number {
    return this.links.size;
  }

  /**
   * Takes fresh STUN/TURN servers (short-lived TURN credentials renewed): links made from now on
   * use them, and every link's next ICE gathering (a restart) too.
   */
  setIceServers(iceServers: RTCIceServer[]): void {
    this.options.rtcConfiguration.iceServers = iceServers;
    for (const link of this.links.values()) {
      try {
        link.connection.setConfiguration({ ...link.connection.getConfiguration(), iceServers });
      } catch {
        // A closed connection, or one the browser will not reconfigure: its next restart is its last.
      }
    }
  }

  /** The link to one peer, if any (for statistics and features layered on the connection). */
  link(peerId: string): PeerLink | undefined {
    return this.links.get(peerId);
  }

  /**
   * Sends an encoded message on a lane to one peer or to every peer linked (connected or still
   * connecting: it waits for the lane to open). False if there is no such peer.
   */
  sendMessage(lane: Lane, text: string, peerId?: string): boolean {
    const links = this.linksTo(peerId);
    for (const link of links) link.messaging.send(lane, text);
    return peerId === undefined || links.length > 0;
  }

  /** Sends a file to one peer or to every peer linked; one promise per peer (see `FileLane.send`). */
  sendFile(offer: FileOffer, blob: Blob, peerId?: string): { peerId: string; done: Promise<void> }[] {
    return this.linksTo(peerId).map((link) => ({ peerId: link.remotePeerId, done: link.files.send(offer, blob) }));
  }

  /** Every link, or the one to `peerId` (none if there is no such link). */
  private linksTo(peerId: string | undefined): PeerLink[] {
    if (peerId === undefined) return [...this.links.values()];
    const link = this.links.get(peerId);
    return link ? [link] : [];
  }

  /** Tells the room we are here. */
  announce(): void {
    this.options.signal.broadcast({ kind: 'hello', from: this.options.peerId, name: this.options.name, since: this.joinedAt });
  }

  /** Tells one peer we are here (a `here`), unless we are linked with it already. */
  greet(remotePeerId: string): void {
    if (this.closed || this.links.has(remotePeerId)) return;
    this.options.signal.sendTo({ kind: 'here', from: this.options.peerId, to: remotePeerId, name: this.options.name });
  }

  /**
   * Handles one validated signal from the room. Never throws: it runs in signaling's event
   * listener, and an exception there would reach the page.
   */
  handle(signal: Signal): void {
    if (this.closed) return;
    try {
      this.dispatchSignal(signal);
    } catch (error) {
      // The browser refused to create a connection (a configuration it rejects, too many open).
      const detail = error instanceof Error ? error.message : String(error);
      this.dispatchEvent(new CustomEvent('peer-failed', { detail: { peerId: signal.from, name: 'name' in signal ? signal.name : '', reason: 'create-failed', detail } }));
    }
  }

  private dispatchSignal(signal: Signal): void {
    const known = this.links.has(signal.from);
    this.links.get(signal.from)?.heardOverSignaling();
    // Someone new while we hold as many links as the room allows. A later joiner (its hello says
    // when it joined; a `here` comes from one) is turned away. An earlier one (its hello, or its
    // offer: the earlier of a pair offers) means the room was full before us, unless we are in
    // the call already.
    if (!known && (signal.kind === 'hello' || signal.kind === 'here' || signal.kind === 'offer') && this.links.size >= this.maxLinks) {
      const theyAreNewer = signal.kind === 'here' || (signal.kind === 'hello' && this.joinedBefore(signal));
      if (theyAreNewer || this.metAnyone) this.replyFull(signal.from);
      else this.roomIsFull();
      return;
    }
    switch (signal.kind) {
      case 'hello':
        if (known) return;
        if (this.joinedBefore(signal)) this.createLink(signal.from, signal.name, 'offer', this.takeSpare()).start();
        else this.greet(signal.from);
        return;
      case 'here':
        if (!known) this.createLink(signal.from, signal.name, 'offer', this.takeSpare()).start();
        return;
      case 'full':
        // A member at capacity: for a newcomer, the room may be full; a member of a full room, re-
        // announcing itself, merely does not link with that one.
        if (this.metAnyone) this.dropLink(signal.from, 'left');
        else this.refusedBy(signal.from);
        return;
      case 'offer': {
        const link = this.links.get(signal.from) ?? this.createLink(signal.from, signal.name, 'answer');
        void link.handle(signal);
        return;
      }
      case 'answer':
      case 'candidate':
        void this.links.get(signal.from)?.handle(signal);
        return;
      case 'bye':
        this.confirmGone(signal.from, signal.reason === 'vanished' ? 'vanished' : 'left');
        return;
    }
  }

  private get maxLinks(): number {
    const maxPeers = this.options.maxPeers ?? DEFAULT_MAX_PEERS;
    return Math.max(1, maxPeers - 1);
  }

  /** Tells a newcomer the room is full, within a small budget shared by all newcomers. */
  private replyFull(newcomer: string): void {
    if (!this.fullReplies.take(performance.now())) return;
    this.options.signal.sendTo({ kind: 'full', from: this.options.peerId, to: newcomer });
  }

  /**
   * A member says the room is full before we met anyone. No number of such words is taken alone:
   * a member can say it of a room with places left, under as many invented ids as it likes, to
   * keep us out. The room is full when, a moment later, nobody who did not say so is linking with
   * us: members with places left offer on hearing our hello.
   */
  private refusedBy(member: string): void {
    this.dropLink(member, 'left');
    this.refusals.add(member);
    this.refusalTimer ??= setTimeout(() => {
      const linking = [...this.links.keys()].some((peerId) => !this.refusals.has(peerId));
      if (!this.metAnyone && !linking) this.roomIsFull();
    }, FULL_GRACE_MS);
  }

  /** We came into a full room: close every link (saying goodbye) and say so, once. */
  private roomIsFull(): void {
    if (this.closed) return;
    this.close();
    this.dispatchEvent(new Event('room-full'));
  }

  /** Restarts ICE on every link, e.g. when the browser comes back online after a network change. */
  restartAll(): void {
    for (const link of this.links.values()) link.restartIce();
    // The prepared offer's candidates belong to the network we just left.
    this.dropSpare();
    this.refillSpareLater();
  }

  /**
   * Restarts ICE at once on every link whose peer has gone silent: the broker connection just came
   * back (perhaps on another network), and the restart offers can reach the peers now.
   */
  restartSilent(): void {
    // A silent peer over a path ICE still finds working is busy, not cut off: left alone.
    const silent = [...this.links.values()].filter((link) => link.silent && link.connection.connectionState !== 'connected');
    for (const link of silent) link.restartIce();
    if (silent.length > 0) {
      this.dropSpare();
      this.refillSpareLater();
    }
  }

  /** Says goodbye to every peer over the peer-to-peer control channels (best effort). */
  sayByeToAll(): void {
    for (const link of this.links.values()) link.sayBye();
  }

  /** Says goodbye and closes every link; connected peers are reported as `left`. */
  close(): void {
    if (this.closed) return;
    this.sayByeToAll();
    for (const peerId of [...this.links.keys()]) this.dropLink(peerId, 'left');
    this.closed = true;
    clearTimeout(this.refusalTimer);
    this.dropSpare();
    for (const peerId of [...this.reintroductions.keys()]) this.stopReintroducing(peerId);
  }

  /**
   * A goodbye came through the broker: the peer left, or (its Last Will) its broker connection
   * died. Anyone who saw one can replay it, so a live link is ended only if the link agrees: a
   * peer neither heard nor sending anything shortly after is gone; one still heard, or whose media
   * still arrives, stays (only its broker connection broke, or the goodbye was a replay). A real
   * goodbye also arrives over the link itself.
   */
  private confirmGone(remotePeerId: string, reason: DisconnectReason): void {
    const link = this.links.get(remotePeerId);
    if (!link) {
      // Its link had given up already: the broker now says why, so stop announcing ourselves to it.
      this.stopReintroducing(remotePeerId);
      return;
    }
    if (link.state !== 'connected') {
      // A pair still forming has no heartbeat to ask. A plain goodbye is only ever sent by a peer
      // that is leaving for good (peer ids are never reused), so it ends the attempt; a will is
      // left to the link's own watchdog, since the broker publishes one for a peer whose broker
      // connection broke while its media path may be fine.
      if (reason === 'left') this.dropLink(remotePeerId, 'left');
      return;
    }
    let bytesBefore: Promise<number | undefined> = Promise.resolve(undefined);
    setTimeout(() => (bytesBefore = link.bytesReceived()), GOODBYE_IN_FLIGHT_MS);
    setTimeout(async () => {
      // Silence, not merely nothing since the goodbye: a heartbeat already on its way when the
      // peer left can land just after its goodbye.
      if (this.links.get(remotePeerId) !== link || performance.now() - link.lastHeardAt < GOODBYE_SILENCE_MS) return;
      // A silent heartbeat alone does not prove death: a page on a starved machine can stall for
      // seconds (its broker connection timing out meanwhile) while its browser still sends media.
      // A dead peer sends nothing at all.
      const [before, now] = await Promise.all([bytesBefore, link.bytesReceived()]);
      if (before !== undefined && now !== undefined && now > before) return;
      if (this.links.get(remotePeerId) === link) this.dropLink(remotePeerId, reason);
    }, GOODBYE_CONFIRM_MS);
  }

  /** Ends the link to one peer, reporting it once if it was connected. */
  dropLink(remotePeerId: string, reason: DisconnectReason): void {
    // Gone for good (a goodbye, or vanished from the broker and the heartbeat): no new attempts.
    this.stopReintroducing(remotePeerId);
    const link = this.links.get(remotePeerId);
    if (!link) return;
    const wasConnected = link.state === 'connected';
    link.close();
    this.forget(link, wasConnected, reason);
  }

  /** Removes a closed link and reports the peer gone, once, if it had been connected. */
  private forget(link: PeerLink, wasConnected: boolean, reason: DisconnectReason): void {
    this.links.delete(link.remotePeerId);
    this.adaptSendQuality();
    // A frozen peer was reported gone when it froze.
    if (wasConnected && !link.frozen) {
      this.dispatchEvent(new CustomEvent('peer-disconnected', { detail: { peerId: link.remotePeerId, name: link.remoteName, reason } }));
    }
  }

  /**
   * Announces us again after the next pause of the schedule. Once the attempts are used up the
   * record stays, so that a pair meeting again some other way (a hello after a broker outage)
   * does not start a new round; only a live link, a goodbye or a Last Will clears it.
   */
  private reintroduceLater(remotePeerId: string): void {
    if (this.closed) return;
    const schedule = this.options.reintroduceAfterMs ?? REINTRODUCE_AFTER_MS;
    const previous = this.reintroductions.get(remotePeerId);
    clearTimeout(previous?.timer);
    const attempts = previous?.attempts ?? 0;
    const timer = attempts < schedule.length
      ? setTimeout(() => {
        if (!this.closed && !this.links.has(remotePeerId)) this.announce();
      }, schedule[attempts])
      : undefined;
    this.reintroductions.set(remotePeerId, { attempts: attempts + 1, timer });
    // Bounded however many peers come and fail (invented ids, say): the oldest record goes first.
    if (this.reintroductions.size > MAX_REINTRODUCTIONS) this.stopReintroducing(this.reintroductions.keys().next().value as string);
  }

  private stopReintroducing(remotePeerId: string): void {
    clearTimeout(this.reintroductions.get(remotePeerId)?.timer);
    this.reintroductions.delete(remotePeerId);
  }

  private get joinedAt(): number {
    return (this.joinedAtTime ??= Date.now());
  }

  /** Whether we joined before the sender of a hello; the same answer on both sides. */
  private joinedBefore(hello: HelloSignal): boolean {
    if (this.joinedAt !== hello.since) return this.joinedAt < hello.since;
    return this.options.peerId < hello.from;
  }

  private adaptSendQuality(): void {
    const peerCount = this.links.size;
    const crowded = peerCount >= CROWDED_FROM;
    if (crowded !== this.crowded) {
      this.crowded = crowded;
      this.options.sources.camera.setConstraints(crowded ? CROWDED_CAPTURE : DEFAULT_VIDEO);
    }
    const quality = sendQualityFor(peerCount);
    for (const link of this.links.values()) link.setSendQuality(quality);
  }

  private prepareSpare(): void {
    if (this.closed || this.spare || this.preparingSpare) return;
    if ([...this.links.values()].some((link) => link.state !== 'connected')) {
      this.refillSpareLater();
      return;
    }
    this.adoptSpare(prepareOffer(this.options.rtcConfiguration, this.options.sources));
  }

  /** Keeps an offer being prepared as the spare once it is ready. */
  private adoptSpare(preparing: Promise<PreparedOffer>): void {
    this.preparingSpare = true;
    preparing.then(
      (prepared) => {
        this.preparingSpare = false;
        if (this.closed || this.spare) {
          this.discard(prepared);
          return;
        }
        this.spare = prepared;
        clearTimeout(this.spareTimer);
        // A visitor waiting alone for a long time still has a fresh offer when someone comes.
        this.spareTimer = setTimeout(() => {
          this.dropSpare();
          this.prepareSpare();
        }, SPARE_MAX_AGE_MS);
      },
      // Offers are then made when needed, as without a spare.
      () => (this.preparingSpare = false),
    );
  }

  /** The prepared offer, if one is ready and fresh; a replacement is made a little later. */
  private takeSpare(): PreparedOffer | undefined {
    const spare = this.spare;
    this.spare = undefined;
    this.refillSpareLater();
    if (spare && performance.now() - spare.preparedAt > SPARE_MAX_AGE_MS) {
      this.discard(spare);
      return undefined;
    }
    return spare;
  }

  private refillSpareLater(): void {
    clearTimeout(this.spareTimer);
    this.spareTimer = setTimeout(() => this.prepareSpare(), SPARE_REFILL_DELAY_MS);
  }

  private dropSpare(): void {
    clearTimeout(this.spareTimer);
    if (this.spare) this.discard(this.spare);
    this.spare = undefined;
  }

  private discard(prepared: PreparedOffer): void {
    closePeerConnection(prepared, this.options.sources);
  }

  private createLink(remotePeerId: string, remoteName: string, role: 'offer' | 'answer', prepared?: PreparedOffer): PeerLink {
    const { peerId, name, rtcConfiguration, sources, signal, connectTimeoutMs, restartTimeoutMs, patienceMs } = this.options;
    const link = new PeerLink({
      prepared,
      role,
      localPeerId: peerId,
      localName: name,
      remotePeerId,
      polite: peerId > remotePeerId,
      rtcConfiguration,
      sources,
      send: (s) => signal.sendTo(s),
      connectTimeoutMs,
      restartTimeoutMs,
      patienceMs,
      maxFileBytes: this.options.maxFileBytes,
      longTermIdentity: this.options.longTermIdentity,
    });
    link.remoteName = remoteName;
    this.links.set(remotePeerId, link);
    link.addEventListener('connected', () => {
      this.metAnyone = true;
      this.stopReintroducing(remotePeerId);
      this.adaptSendQuality();
      this.dispatchEvent(new CustomEvent('peer-connected', { detail: { peerId: remotePeerId, name: link.remoteName, link } }));
    });
    // A peer whose browser stopped is gone for the room until it is heard again; its link is kept,
    // so that it is back the moment it resumes.
    link.addEventListener('frozen', () => {
      if (this.links.get(remotePeerId) === link) this.dispatchEvent(new CustomEvent('peer-disconnected', { detail: { peerId: remotePeerId, name: link.remoteName, reason: 'vanished' } }));
    });
    link.addEventListener('path-silent', () => {
      if (this.closed || this.links.get(remotePeerId) !== link) return;
      this.options.signal.sendTo({ kind: 'here', from: this.options.peerId, to: remotePeerId, name: this.options.name });
    });
    // Our own network may have moved (a new address leaves the broker connection dead but open):
    // the broker is the way back to the peer. Only on a path ICE found broken: a silence over a
    // working path is a busy page, which a broker check would only burden.
    link.addEventListener('path-broken', () => {
      if (!this.closed && this.links.get(remotePeerId) === link) this.options.signal.checkConnection?.();
    });
    link.addEventListener('thawed', () => {
      if (this.links.get(remotePeerId) === link && link.state === 'connected') this.dispatchEvent(new CustomEvent('peer-connected', { detail: { peerId: remotePeerId, name: link.remoteName, link } }));
    });
    for (const type of ['track', 'recovered'] as const) {
      link.addEventListener(type, () => {
        if (link.state === 'connected') this.dispatchEvent(new CustomEvent('peer-media', { detail: { peerId: remotePeerId, recovered: type === 'recovered' } }));
      });
    }
    link.addEventListener('bye', () => this.dropLink(remotePeerId, 'left'));
    // Listened to from the start: a lane can open (and carry a message) just before the link
    // reports itself connected.
    link.messaging.addEventListener('message', ({ detail }) => {
      this.dispatchEvent(new CustomEvent('peer-message', { detail: { ...detail, peerId: remotePeerId, name: link.remoteName } }));
    });
    link.messaging.addEventListener('refused', ({ detail }) => {
      this.dispatchEvent(new CustomEvent('peer-message-refused', { detail: { ...detail, peerId: remotePeerId, name: link.remoteName } }));
    });
    for (const type of ['progress', 'received', 'receive-failed'] as const) {
      link.files.addEventListener(type, ({ detail }) => {
        this.dispatchEvent(new CustomEvent('peer-file', { detail: { peerId: remotePeerId, name: link.remoteName, type, ...detail } as PeerFileDetail }));
      });
    }
    link.addEventListener('identity-changed', () => {
      this.dispatchEvent(new CustomEvent('peer-identity-changed', { detail: { peerId: remotePeerId, name: link.remoteName } }));
    });
    link.addEventListener('failed', (event) => {
      if (this.links.get(remotePeerId) !== link) return;
      const { wasConnected, silent, reason, detail, answered } = event.detail;
      this.forget(link, wasConnected, silent ? 'vanished' : 'failed');
      // A failed attempt to meet again is not news: the first failure was reported. Nor is a peer
      // that never answered: it left before it could, or never existed (an invented id).
      const retrying = this.reintroductions.has(remotePeerId);
      this.reintroduceLater(remotePeerId);
      if (!wasConnected && !retrying && answered) {
        this.dispatchEvent(new CustomEvent('peer-failed', { detail: { peerId: remotePeerId, name: link.remoteName, reason, detail } }));
      }
    });
    return link;
  }
}
