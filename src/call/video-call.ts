/**
 * The call engine: one long-lived object per call UI (or per page, without one), holding the
 * visitor's media, its configuration and the visit in progress, with every state named. It knows
 * nothing of the DOM: `<video-chat>` is a view of it, and a page can drive it directly.
 *
 * Joining and leaving are operations run one at a time, in order. `leave()` cancels joins not yet
 * finished (their late results are dropped, never applied); a new room or password mid-join starts
 * the attempt over quietly (no `left`, the camera stays on), mid-call it leaves and joins again.
 */
import type { DisconnectReason, FileProgressDetail, FileReceivedDetail, PeerInfo, RoomDetail, SignalingStateDetail } from '../events.js';
import type { DeviceKind, DeviceLists } from '../media/devices.js';
import { captureLocalMedia, releaseStream, type CaptureResult } from '../media/local-media.js';
import { captureScreen } from '../media/screen-capture.js';
import { CallRecorder, type RecordedTile } from '../media/call-recorder.js';
import { LocalSources } from '../media/local-sources.js';
import { describeError, type CallProblem } from '../problems.js';
import type { SignalingState } from '../signaling/room-signal.js';
import { roomKeys } from '../signaling/room-crypto.js';
import { cleanName } from '../signaling/messages.js';
import { TypedEventTarget } from '../typed-event-target.js';
import { encodeMessage } from '../peer/messaging.js';
import { cleanChatText, type ChatEntry, type ChatMessage, type FileEntry } from './chat.js';
import { cleanFileName } from '../peer/file-lane.js';
import { inertFileType } from '../peer/file-type.js';
import { DEFAULT_MAX_FILE_BYTES } from '../peer/peer-link.js';
import { DEFAULT_MAX_PEERS } from '../peer/mesh.js';
import type { SafetyCode } from '../peer/safety-code.js';
import { warnIfGuessable } from './room-names.js';
import { LocalDevices, type DeviceChangedDetail } from './local-devices.js';
import { hasTurnServer, parseBrokerUrls, parseIceServers, parseIceTransportPolicy } from './config.js';
import { TurnCredentials } from './turn-credentials.js';
import type { RemoteParticipant } from './participant.js';
import { RoomVisit } from './room-visit.js';
import { DEFAULT_IDENTITY_STORE, RememberedIdentity } from './remembered-identity.js';

export type { SignalingState };

/**
 * `idle`: nothing captured, not in a room. `previewing`: the camera is on for a pre-join preview.
 * `joining`, `joined`, `leaving`: a visit to the room. `left`: the visit ended (or the preview was
 * turned off); `join()` starts afresh.
 */
export type CallState = 'idle' | 'previewing' | 'joining' | 'joined' | 'leaving' | 'left';

export interface CallConfig {
  /** The room name; required to join. */
  room: string;
  /** Room secret; empty means the room name is the only secret. */
  password: string;
  /** Broker URLs, as a list or separated by spaces; empty means the public default. */
  broker: string | string[];
  /** Display name sent to the others; may be empty (the UI then shows its word for a guest). */
  name: string;
  /** STUN/TURN servers, or their JSON (the `ice-servers` attribute); empty means the default. */
  iceServers: string | RTCIceServer[];
  /**
   * `relay` to send media only through the TURN servers of `iceServers`, so that no other visitor
   * learns this one's addresses; `all` (or empty) lets ICE take any path. The `ice-transport-policy`
   * attribute; anything else is reported (`bad-attribute`) and `all` used.
   */
  iceTransportPolicy: string;
  /**
   * Where the site hands out short-lived TURN credentials: a URL answering
   * `{"iceServers": [...], "ttl": seconds}` (the `turn-credentials-url` attribute). They are
   * fetched as soon as it is set and again before they expire, and added to `iceServers`.
   */
  turnCredentialsUrl: string;
  /** Join by itself while active (see `setActive`), once per room, broker and password. */
  autojoin: boolean;
  /** The largest file sent or accepted, in bytes; anything but a number from 0 up means the default (100 MB). */
  maxFileSize: number;
  /**
   * The most visitors the room may hold, this one included (default 8, at least 2). A visitor
   * who would make it larger is told (`room-full`) and leaves; the others are undisturbed.
   */
  maxPeers: number;
  /**
   * Keep this visitor's long-term key, and the peers it verified, in the site's IndexedDB: a peer
   * verified once is verified again on the next visit (`verifiedBefore`), and a peer showing
   * another key under a verified name is flagged (`keyChanged`, `error` `identity-changed`).
   * Topics and certificates stay fresh per visit either way.
   */
  rememberIdentity: boolean;
  /** The IndexedDB database the remembered identity lives in (default `video-chat-element`). */
  identityStore: string;
}

export interface ParticipantLeftDetail {
  participant: RemoteParticipant;
  reason: DisconnectReason;
}

export interface VideoCallEventMap {
  /** `state` changed. */
  state: Event;
  'signaling-state': CustomEvent<SignalingStateDetail>;
  joined: CustomEvent<RoomDetail>;
  /** Left the room; `roomFull` when the room turned this visitor away. */
  left: CustomEvent<RoomDetail & { roomFull: boolean }>;
  /** A visitor's media connection is live. */
  'participant-joined': CustomEvent<RemoteParticipant>;
  /** A visitor that had joined is gone; once per `participant-joined`. */
  'participant-left': CustomEvent<ParticipantLeftDetail>;
  /** The local media changed: captured, released, muted, camera turned off or on. */
  'local-media': Event;
  /** App data from a peer (see `send`). */
  message: CustomEvent<PeerInfo & { data: unknown }>;
  /** A file transfer moved: at most once per percent (and 256 KiB), and at its end. */
  'file-progress': CustomEvent<FileProgressDetail>;
  /** A file arrived whole, its SHA-256 checked. */
  'file-received': CustomEvent<FileReceivedDetail>;
  /** This visitor started recording the call. */
  'recording-started': Event;
  /** The recording ended (`stopRecording()` or leaving): `detail.blob` is the WebM file. */
  'recording-stopped': CustomEvent<{ blob: Blob }>;
  /** This visitor started sharing its screen. */
  'screenshare-started': Event;
  /** This visitor stopped sharing its screen (`stopShare()`, the browser's own Stop button, or leaving). */
  'screenshare-stopped': Event;
  /** A file was added to the chat log (sent or received); see `chatMessages`. */
  'chat-log': Event;
  /** The camera, microphone or speaker in use changed (see `useDevice`). */
  'device-changed': CustomEvent<DeviceChangedDetail>;
  /** This visitor said a participant's safety code matched (`markVerified`). */
  'peer-verified': CustomEvent<RemoteParticipant>;
  /** A device was plugged in or out: lists of devices are out of date. */
  'device-list': Event;
  /** A chat message, a peer's or this visitor's own (see `sendChat`). */
  chat: CustomEvent<ChatMessage>;
  error: CustomEvent<CallProblem>;
}

/** Chat messages a call keeps for its view; older ones are dropped. */
const MAX_CHAT_LOG = 500;
/** How long a room and password must hold still before their keys are derived ahead of Join. */
const KEYS_AHEAD_DELAY_MS = 300;

const DEFAULT_CONFIG: CallConfig = {
  room: '', password: '', broker: '', name: '', iceServers: '', iceTransportPolicy: '', turnCredentialsUrl: '', autojoin: false, maxFileSize: DEFAULT_MAX_FILE_BYTES, maxPeers: DEFAULT_MAX_PEERS,
  rememberIdentity: false, identityStore: DEFAULT_IDENTITY_STORE,
};

function brokerList(broker: CallConfig['broker']): string {
  return Array.isArray(broker) ? broker.join(' ') : broker;
}

function iceServersKey(servers: CallConfig['iceServers']): string {
  return typeof servers === 'string' ? servers : JSON.stringify(servers);
}

export class VideoCall extends TypedEventTarget<VideoCallEventMap> {
  /** The visitor's camera and microphone slots. */
  readonly sources = new LocalSources();
  /** Which camera, microphone and speaker are in use, and switching them. */
  readonly devices = new LocalDevices(this.sources);
  private config: CallConfig = DEFAULT_CONFIG;
  private currentState: CallState = 'idle';
  private brokerState: SignalingState = 'offline';
  private visit?: RoomVisit;
  private turn?: TurnCredentials;
  /** The visit that announced `joined`, which `left` then closes. */
  private joinedVisit?: RoomVisit;
  private operations: Promise<void> = Promise.resolve();
  private pendingOperations = 0;
  /** Counts `leave()` calls: a join sees whether one came after it was asked for. */
  private leaves = 0;
  private restartWanted = false;
  private capture?: Promise<void>;
  private captured = false;
  private active = false;
  /** Ended by `setActive(false)`: becoming active again starts afresh. */
  private deactivated = false;
  /** Room, broker and password autojoin last tried: a failed attempt is not retried until one changes. */
  private autojoinTried?: string;
  private keysAheadTimer?: ReturnType<typeof setTimeout>;
  private chatLog: ChatEntry[] = [];
  private recorder?: CallRecorder;
  /** The visit the room turned away (it was full), if the last one was. */
  private turnedAway?: RoomVisit;
  /** The remembered identity (`rememberIdentity`), opened at the first join that wants it. */
  private remembered?: { store: string; identity: Promise<RememberedIdentity | undefined> };

  constructor(config: Partial<CallConfig> = {}) {
    super();
    this.sources.addEventListener('change', () => {
      this.recorder?.update(this.recordedTiles());
      this.dispatchEvent(new Event('local-media'));
    });
    this.devices.addEventListener('device-changed', ({ detail }) => this.dispatchEvent(new CustomEvent('device-changed', { detail })));
    this.devices.addEventListener('device-list', () => this.dispatchEvent(new Event('device-list')));
    this.devices.addEventListener('problem', ({ detail }) => this.report(detail));
    this.configure(config);
  }

  get state(): CallState {
    return this.currentState;
  }

  /** The connection to the broker. Media between visitors does not depend on it. */
  get signalingState(): SignalingState {
    return this.brokerState;
  }

  /** The current configuration. */
  get settings(): Readonly<CallConfig> {
    return this.config;
  }

  /** This visit's peer id, while in a room. */
  get peerId(): string | undefined {
    return this.visit?.peerId || undefined;
  }

  /** The visitors whose media connection is live. */
  get participants(): RemoteParticipant[] {
    return this.visit?.participants ?? [];
  }

  /** The camera and microphone as one stream (for a self-view), once asked for; possibly without tracks. */
  get localStream(): MediaStream | undefined {
    return this.captured ? this.sources.stream : undefined;
  }

  /** The visit in progress, for statistics and tests. */
  get currentVisit(): RoomVisit | undefined {
    return this.visit;
  }

  /**
   * Changes the configuration at any time. A new room, password or broker while joining starts
   * the attempt over; while joined, it leaves and joins again. A bad `iceServers` is reported
   * (`bad-attribute`) and the default used.
   */
  configure(changes: Partial<CallConfig>): void {
    const before = this.config;
    const next = { ...before, ...changes };
    // A name goes to the others and on screen: no control or direction characters, bounded.
    next.name = cleanName(next.name);
    // From an attribute, a size may be NaN or negative: the default holds then.
    const maxFileSize = Number(next.maxFileSize);
    next.maxFileSize = Number.isFinite(maxFileSize) && maxFileSize >= 0 ? maxFileSize : DEFAULT_MAX_FILE_BYTES;
    const maxPeers = Number(next.maxPeers);
    next.maxPeers = Number.isSafeInteger(maxPeers) && maxPeers >= 2 ? maxPeers : DEFAULT_MAX_PEERS;
    this.config = next;
    if (iceServersKey(next.iceServers) !== iceServersKey(before.iceServers)) {
      const { problem } = this.iceServers();
      if (problem) this.report(problem);
    }
    if (next.turnCredentialsUrl.trim() !== (this.turn?.url ?? '')) this.useTurnCredentials(next.turnCredentialsUrl.trim());
    if (next.iceTransportPolicy !== before.iceTransportPolicy) {
      const { problem } = parseIceTransportPolicy(next.iceTransportPolicy);
      if (problem) this.report(problem);
    }
    const moved = next.room !== before.room || next.password !== before.password || brokerList(next.broker) !== brokerList(before.broker);
    if (moved && this.currentState === 'joining' && this.visit) {
      this.restartWanted = true;
      void this.visit.leave();
    } else if (moved && this.currentState === 'joined') {
      const ticket = ++this.leaves;
      void this.enqueue(() => this.runLeave());
      void this.enqueue(() => this.runJoin(ticket));
    }
    this.evaluate();
  }

  /**
   * Whether the call's UI is on a page. While active, `autojoin` joins and, without it, the camera
   * preview starts; becoming inactive leaves; becoming active again starts afresh.
   */
  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    if (!active) {
      this.deactivated = true;
      void this.leave();
      return;
    }
    if (!this.deactivated) {
      this.evaluate();
      return;
    }
    this.deactivated = false;
    this.autojoinTried = undefined;
    void this.operations.then(() => {
      if (!this.active || this.deactivated) return;
      if (this.currentState === 'left') this.setState('idle');
      this.evaluate();
    });
  }

  /** Turns the camera and microphone on for a preview before joining. Never rejects. */
  async preview(): Promise<void> {
    if (this.currentState !== 'idle') return;
    this.setState('previewing');
    await this.ensureMedia();
  }

  /**
   * Joins the room. Idempotent; resolves once joined, when joining is impossible (an `error` says
   * why), or when `leave()` ends the attempt. While no broker is reachable it keeps trying. Never
   * rejects.
   */
  join(): Promise<void> {
    if (this.currentState === 'joining' || this.currentState === 'joined') return this.operations;
    const ticket = this.leaves;
    return this.enqueue(() => this.runJoin(ticket));
  }

  /**
   * Leaves the room (or turns the preview off): tells the others, releases camera, microphone and
   * connections; the state becomes `left`. Ends a join in progress at once. Idempotent; never rejects.
   */
  leave(): Promise<void> {
    this.leaves++;
    this.restartWanted = false;
    // A join waiting for the broker or the camera gives up now, not once they answer.
    void this.visit?.leave();
    return this.enqueue(() => this.runLeave());
  }

  /** Mutes or unmutes the microphone (kept across devices and joins). */
  setMicrophoneEnabled(on: boolean): void {
    this.sources.microphone.setEnabled(on);
  }

  /**
   * Sends any JSON-serialisable value to every peer in the call, or to one (`peerId`), over the
   * peers' own data channels, never the broker. A peer still connecting gets it once its channel
   * opens, in order. Rejects with an Error saying why if the value cannot be serialised, is over
   * 64 KiB as JSON, the call is not joined, or `peerId` is not in it.
   */
  async send(data: unknown, peerId?: string): Promise<void> {
    const text = encodeMessage('app', data);
    if (!this.visit || this.currentState !== 'joined') throw new Error('send() needs a joined call');
    if (!this.visit.sendMessage('app', text, peerId)) throw new Error(`send(): no peer ${peerId} in the call`);
  }

  /**
   * Sends a chat message to everyone in the call: plain text, control, direction and invisible
   * characters removed, 2,000 characters at most. Returns the message as sent (also reported as a
   * `chat` event), or undefined if nothing was left to send or the call is not joined.
   */
  sendChat(text: string): ChatMessage | undefined {
    const cleaned = cleanChatText(String(text));
    const visit = this.visit;
    if (!cleaned || !visit || this.currentState !== 'joined') return undefined;
    visit.sendMessage('chat', encodeMessage('chat', { text: cleaned }));
    const message: ChatMessage = { peerId: visit.peerId, name: this.config.name, text: cleaned, time: Date.now() };
    this.recordChat(message);
    return message;
  }

  /**
   * Sends a file to everyone in the call, or to one peer, chunked over a data channel of its own
   * and checked by SHA-256 on arrival. Resolves once every receiver has it. Rejects with an Error
   * if the file is over `maxFileSize` (also an `error`, `file-too-large`), the call is not joined,
   * there is nobody to send it to, or a receiver refuses it, loses the link mid-way or lets 30 s
   * pass without taking anything (`stalled`) (also an `error`, `file-transfer-failed`): it always
   * settles, and nothing half-delivered is ever handed over.
   */
  async sendFile(file: File, peerId?: string): Promise<void> {
    const visit = this.visit;
    const { maxFileSize } = this.config;
    if (file.size > maxFileSize) {
      this.report({ code: 'file-too-large', reason: 'too-large', params: { value: cleanFileName(file.name), detail: `${maxFileSize} bytes` } });
      throw new Error(`sendFile(): "${file.name}" is ${file.size} bytes, over max-file-size (${maxFileSize} bytes)`);
    }
    if (!visit || this.currentState !== 'joined') throw new Error('sendFile() needs a joined call');
    try {
      await visit.sendFile(file, peerId);
    } catch (error) {
      const reason = describeError(error);
      if (reason === 'no-peer') throw new Error(peerId ? `sendFile(): no peer ${peerId} in the call` : 'sendFile(): nobody else is in the call');
      const known = ['too-large', 'refused', 'checksum', 'link-lost', 'cancelled', 'stalled'] as const;
      const problem = known.find((r) => r === reason) ?? 'link-lost';
      if (this.visit === visit) this.report({ code: 'file-transfer-failed', reason: problem, params: { peer: peerId ?? '', value: cleanFileName(file.name) } });
      throw new Error(`sendFile(): "${file.name}" was not delivered (${reason})`);
    }
    // The chat's link to one's own file is as inert as a received one's (see file-type.ts).
    const kept = file.type === inertFileType(file.type) ? file : new File([file], file.name, { type: inertFileType(file.type), lastModified: file.lastModified });
    if (this.visit === visit) this.recordFile({ peerId: visit.peerId, name: this.config.name, time: Date.now(), file: kept });
  }

  /** This visit's chat so far, oldest first (the last 500 messages and files). */
  get chatMessages(): readonly ChatEntry[] {
    return this.chatLog;
  }

  /** Whether this visitor records the call. */
  get recording(): boolean {
    return this.recorder !== undefined;
  }

  /**
   * Records the whole call into one WebM file: every tile with its name, every voice mixed.
   * Everyone sees a recording mark on this visitor's tile. Only in a call; never rejects (a
   * browser that cannot record reports `unsupported`).
   */
  startRecording(): void {
    if (this.recorder || this.currentState !== 'joined') return;
    if (typeof MediaRecorder === 'undefined' || typeof AudioContext === 'undefined') {
      this.report({ code: 'unsupported', reason: 'no-recording', params: {} });
      return;
    }
    try {
      this.recorder = new CallRecorder(this.recordedTiles(), {
        onSilent: () => this.report({ code: 'unsupported', reason: 'no-recording-sound', params: {} }),
      });
    } catch (error) {
      this.report({ code: 'unsupported', reason: 'no-recording', params: { detail: describeError(error) } });
      return;
    }
    this.sources.setRecording(true);
    this.dispatchEvent(new Event('recording-started'));
  }

  /** Stops recording; resolves with the WebM file (also in `recording-stopped`), or undefined if not recording. */
  async stopRecording(): Promise<Blob | undefined> {
    const recorder = this.recorder;
    if (!recorder) return undefined;
    this.recorder = undefined;
    this.sources.setRecording(false);
    const blob = await recorder.stop();
    this.dispatchEvent(new CustomEvent('recording-stopped', { detail: { blob } }));
    return blob;
  }

  /** What a recording draws: this visitor, each participant, and every shared screen. */
  private recordedTiles(): RecordedTile[] {
    const { microphone, camera, screen } = this.sources;
    const tiles: RecordedTile[] = [{ key: 'local', name: this.config.name, video: camera.enabled ? camera.track : undefined, audio: microphone.track }];
    if (screen.track) tiles.push({ key: 'local:screen', name: `${this.config.name} (screen)`, video: screen.track });
    for (const participant of this.participants) {
      tiles.push({ key: participant.peerId, name: participant.name, video: participant.cameraOn ? participant.track('camera') : undefined, audio: participant.track('microphone') });
      if (participant.screenOn) tiles.push({ key: `${participant.peerId}:screen`, name: `${participant.name} (screen)`, video: participant.track('screen') });
    }
    return tiles;
  }

  /** Whether this visitor shares its screen. */
  get sharing(): boolean {
    return this.sources.screen.track !== undefined;
  }

  /**
   * Shares a screen, window or tab (the browser asks which) with everyone in the call, as a
   * second video beside the camera; a visitor who joins later sees it too. A cancelled or denied
   * picker is reported (`share-denied`) and changes nothing else. Only in a call; never rejects.
   */
  async shareScreen(): Promise<void> {
    if (this.sharing || (this.currentState !== 'joining' && this.currentState !== 'joined')) return;
    const visit = this.visit;
    const result = await captureScreen();
    if ('problem' in result) {
      this.report(result.problem);
      return;
    }
    const { track } = result;
    if (this.visit !== visit || this.sharing || (this.currentState !== 'joining' && this.currentState !== 'joined')) {
      track.stop();
      return;
    }
    // The browser's own "Stop sharing" ends the track: the same as stopShare().
    track.addEventListener('ended', () => void this.stopShare(), { once: true });
    await this.sources.screen.setTrack(track);
    this.dispatchEvent(new Event('screenshare-started'));
  }

  /** Stops sharing the screen. Never rejects. */
  async stopShare(): Promise<void> {
    const track = this.sources.screen.track;
    if (!track) return;
    await this.sources.screen.setTrack(undefined);
    track.stop();
    this.dispatchEvent(new Event('screenshare-stopped'));
  }

  /** The cameras, microphones and speakers the browser lists (speakers only where a page can choose one). */
  getDevices(): Promise<DeviceLists> {
    return this.devices.list();
  }

  /**
   * Uses a camera, microphone or speaker from now on, and on this site next time. Mid-call the
   * new camera or microphone replaces the old on every link without renegotiation. Rejects if
   * there is no such device or it cannot be opened (also reported as `error`).
   */
  useDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    return this.devices.use(kind, deviceId);
  }

  /**
   * The safety code of this visitor's link with a participant: seven emoji and eight digits that
   * both see alike, unless someone sits between them. Resolves once the two have exchanged their
   * parts over the link (a moment after connecting); rejects if the peer is not in the call or the
   * exchange failed.
   */
  async safetyCode(peerId: string): Promise<SafetyCode> {
    const link = this.visit?.peerMesh?.link(peerId);
    if (!link || !this.participants.some((p) => p.peerId === peerId)) throw new Error(`safetyCode(): "${peerId}" is not in the call`);
    const code = await link.safetyCode();
    if (!code) throw new Error(`safetyCode(): no code with "${peerId}": the link closed, or its exchange did not check out`);
    return code;
  }

  /**
   * Records that this visitor compared the safety code with a participant and it matched: the
   * participant is `verified` for the rest of the visit. Does nothing for a peer not in the call.
   */
  markVerified(peerId: string): void {
    const participant = this.participants.find((p) => p.peerId === peerId);
    if (!participant || participant.verified) return;
    participant.setVerified();
    void this.rememberVerified(participant);
    this.dispatchEvent(new CustomEvent('peer-verified', { detail: participant }));
  }

  /**
   * The remembered identity, opened once per store; undefined without `rememberIdentity`, or
   * where the page may not use IndexedDB (reported, and the visit goes on without it).
   */
  private rememberedIdentity(): Promise<RememberedIdentity | undefined> | undefined {
    const { rememberIdentity, identityStore } = this.config;
    if (!rememberIdentity) return undefined;
    if (this.remembered?.store !== identityStore) {
      const identity = RememberedIdentity.open(identityStore).catch((error: unknown) => {
        this.report({ code: 'unsupported', reason: 'no-identity-storage', params: { detail: describeError(error) } });
        return undefined;
      });
      this.remembered = { store: identityStore, identity };
    }
    return this.remembered.identity;
  }

  /** Keeps a verified participant's long-term key, if it proved one and this visitor remembers. */
  private async rememberVerified(participant: RemoteParticipant): Promise<void> {
    const remembered = this.config.rememberIdentity ? await this.remembered?.identity : undefined;
    if (!remembered || !participant.keyId || !participant.verified) return;
    await remembered.rememberVerified(participant.keyId, participant.name).catch(() => undefined);
  }

  /**
   * A participant proved a long-term key: verified on an earlier visit, then it is verified now;
   * another key under the name of a peer verified before, then it is flagged.
   */
  private async onParticipantProven(participant: RemoteParticipant, current: () => boolean): Promise<void> {
    const remembered = this.config.rememberIdentity ? await this.remembered?.identity : undefined;
    const keyId = participant.keyId;
    if (!remembered || !keyId || !current()) return;
    if (participant.verified) {
      await this.rememberVerified(participant);
    } else if (remembered.isVerified(keyId)) {
      participant.setVerified(true);
      this.dispatchEvent(new CustomEvent('peer-verified', { detail: participant }));
    } else if (remembered.verifiedNamed(participant.name)) {
      participant.setKeyChanged();
      this.report({ code: 'identity-changed', reason: 'key-changed', params: { peer: participant.name } });
    }
  }

  /** Turns the camera off or on (kept across devices and joins). */
  setCameraEnabled(on: boolean): void {
    this.sources.camera.setEnabled(on);
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    this.pendingOperations++;
    const run = this.operations.then(operation).catch((error: unknown) => {
      // Nothing may escape into the page: an unforeseen failure becomes an `error` event.
      this.report({ code: 'unsupported', reason: 'unexpected', params: { detail: describeError(error) } });
    }).finally(() => {
      this.pendingOperations--;
    });
    this.operations = run;
    return run;
  }

  private async runJoin(ticket: number): Promise<void> {
    if (this.leaves !== ticket || this.currentState === 'joining' || this.currentState === 'joined') return;
    for (;;) {
      // Short-lived TURN credentials are fetched as soon as their URL is set: usually in hand.
      const turnServers = this.turn ? ((await this.turn.ready()) ?? []) : [];
      if (this.leaves !== ticket) return;
      const { room, password, name } = this.config;
      const brokers = parseBrokerUrls(brokerList(this.config.broker));
      const problem = !room.trim() ? ({ code: 'bad-attribute', reason: 'room-missing', params: {} } as const) : brokers.problem;
      if (problem || !brokers.value) {
        if (problem) this.report(problem);
        return;
      }
      warnIfGuessable(room, password);
      // Relayed only, with nothing to relay through: no visitor could ever be reached.
      if (parseIceTransportPolicy(this.config.iceTransportPolicy).value === 'relay' && !hasTurnServer(this.iceServers().value) && !this.turn) {
        this.report({ code: 'bad-attribute', reason: 'relay-without-turn', params: {} });
      }
      this.setState('joining');
      this.chatLog = [];
      const visit = new RoomVisit({
        room: room.trim(),
        brokerUrls: brokers.value,
        name,
        password,
        iceServers: [...this.iceServers().value, ...turnServers],
        iceTransportPolicy: parseIceTransportPolicy(this.config.iceTransportPolicy).value,
        sources: this.sources,
        mediaReady: this.ensureMedia(),
        maxFileBytes: () => this.config.maxFileSize,
        maxPeers: this.config.maxPeers,
        longTermIdentity: this.rememberedIdentity()?.then((remembered) => remembered?.identity),
      });
      this.visit = visit;
      this.listenTo(visit);
      let joined = false;
      try {
        joined = await visit.join();
      } catch (error) {
        if (this.visit === visit) this.report({ code: 'unsupported', reason: 'unexpected', params: { detail: describeError(error) } });
      }
      if (this.restartWanted && this.leaves === ticket) {
        // Nobody has met us yet: start over with the new room or password, camera kept, no `left`.
        this.restartWanted = false;
        this.visit = undefined;
        await visit.leave();
        continue;
      }
      // A leave() came meanwhile: it ends the visit.
      if (this.leaves !== ticket) return;
      if (!joined) {
        await visit.leave();
        this.visit = undefined;
        this.setState(this.captured ? 'previewing' : 'idle');
        return;
      }
      this.joinedVisit = visit;
      this.setState('joined');
      this.dispatchEvent(new CustomEvent('joined', { detail: { room: visit.options.room, peerId: visit.peerId } }));
      return;
    }
  }

  private async runLeave(): Promise<void> {
    await this.stopRecording();
    const visit = this.visit;
    if (visit) {
      this.setState('leaving');
      await visit.leave();
      this.visit = undefined;
    }
    await this.releaseMedia();
    this.setState('left');
    if (visit && visit === this.joinedVisit) {
      this.joinedVisit = undefined;
      this.dispatchEvent(new CustomEvent('left', { detail: { room: visit.options.room, peerId: visit.peerId, roomFull: visit === this.turnedAway } }));
    }
  }

  /** Autojoin, or the pre-join preview, whichever the configuration asks for. */
  private evaluate(): void {
    if (!this.active || this.pendingOperations > 0) return;
    const { autojoin, room, broker, password } = this.config;
    const idle = this.currentState === 'idle' || this.currentState === 'previewing';
    if (autojoin && room.trim() && idle) {
      const attempt = JSON.stringify([room, brokerList(broker), password]);
      if (attempt === this.autojoinTried) return;
      this.autojoinTried = attempt;
      void this.join();
    } else if (!autojoin && this.currentState === 'idle') {
      void this.preview();
    }
    if (!autojoin && idle && room.trim()) this.deriveKeysAhead(room.trim(), password);
  }

  /**
   * Starts deriving the room's keys while the visitor is still looking at the preview, so that
   * Join does not wait for the key derivation's 600,000 rounds (`room` trimmed, as a visit takes
   * it: the keys are kept by the exact name). Only once the room and password
   * have held still for a moment: a room typed into a field would otherwise start a derivation
   * per keystroke.
   */
  private deriveKeysAhead(room: string, password: string): void {
    clearTimeout(this.keysAheadTimer);
    this.keysAheadTimer = setTimeout(() => {
      const { room: nowRoom, password: nowPassword } = this.config;
      if (nowRoom.trim() !== room || nowPassword !== password || typeof crypto === 'undefined' || !crypto.subtle) return;
      roomKeys(room, password).catch(() => undefined);
    }, KEYS_AHEAD_DELAY_MS);
  }

  private listenTo(visit: RoomVisit): void {
    const current = () => this.visit === visit;
    const followRecording = () => this.recorder?.update(this.recordedTiles());
    visit.addEventListener('participant-joined', (event) => {
      if (!current()) return;
      for (const type of ['track-added', 'track-removed', 'state-changed'] as const) event.detail.addEventListener(type, followRecording);
      followRecording();
      this.dispatchEvent(new CustomEvent('participant-joined', { detail: event.detail }));
    });
    visit.addEventListener('participant-left', (event) => {
      if (!current()) return;
      followRecording();
      this.dispatchEvent(new CustomEvent('participant-left', { detail: event.detail }));
    });
    visit.addEventListener('problem', ({ detail }) => current() && this.report(detail));
    visit.addEventListener('participant-proven', ({ detail }) => void this.onParticipantProven(detail, current));
    visit.addEventListener('room-full', () => {
      if (!current()) return;
      this.turnedAway = visit;
      this.report({ code: 'room-full', reason: 'full', params: { value: String(visit.options.maxPeers ?? DEFAULT_MAX_PEERS) } });
      void this.leave();
    });
    visit.addEventListener('message', ({ detail }) => current() && this.dispatchEvent(new CustomEvent('message', { detail })));
    visit.addEventListener('chat', ({ detail }) => current() && this.recordChat(detail));
    visit.addEventListener('file-progress', ({ detail }) => current() && this.dispatchEvent(new CustomEvent('file-progress', { detail })));
    visit.addEventListener('file-received', ({ detail }) => {
      if (!current()) return;
      const participant = visit.participants.find((p) => p.peerId === detail.peerId);
      this.recordFile({ peerId: detail.peerId, name: participant?.name ?? '', time: Date.now(), file: detail.file });
      this.dispatchEvent(new CustomEvent('file-received', { detail }));
    });
    visit.addEventListener('signaling-state', () => {
      if (!current() || visit.signalingState === this.brokerState) return;
      this.brokerState = visit.signalingState;
      this.dispatchEvent(new CustomEvent('signaling-state', { detail: { state: this.brokerState } }));
    });
  }

  private recordChat(message: ChatMessage): void {
    this.keep(message);
    this.dispatchEvent(new CustomEvent('chat', { detail: message }));
  }

  private recordFile(entry: FileEntry): void {
    this.keep(entry);
    this.dispatchEvent(new Event('chat-log'));
  }

  private keep(entry: ChatEntry): void {
    this.chatLog.push(entry);
    if (this.chatLog.length <= MAX_CHAT_LOG) return;
    // A file whose entry goes is no longer held for the chat: the visit may receive as much again.
    for (const gone of this.chatLog.splice(0, this.chatLog.length - MAX_CHAT_LOG)) {
      if ('file' in gone) this.visit?.releaseReceivedFile(gone.file);
    }
  }

  /** Asks for camera and microphone once per visit, however many callers wait; problems become `error` events. */
  private ensureMedia(): Promise<void> {
    if (this.capture) return this.capture;
    const request: Promise<void> = this.captureWithChoices().then(async ({ stream, problem }) => {
      if (this.capture !== request) {
        // Released while the camera was starting: nobody wants this stream any more.
        releaseStream(stream);
        return;
      }
      if (problem) this.report(problem);
      await this.sources.useStream(stream);
      if (this.capture !== request) return;
      this.captured = true;
      this.dispatchEvent(new Event('local-media'));
    });
    this.capture = request;
    return request;
  }

  /** Captures the devices chosen on this site before; if one is gone, whatever the browser offers. */
  private async captureWithChoices(): Promise<CaptureResult> {
    const chosen = this.devices.chosenConstraints();
    if (chosen) {
      const result = await captureLocalMedia(chosen);
      if (!result.problem) return result;
      releaseStream(result.stream);
    }
    return captureLocalMedia();
  }

  /** Stops the camera and microphone, including a capture still starting. */
  private async releaseMedia(): Promise<void> {
    await this.stopShare();
    this.capture = undefined;
    this.captured = false;
    await this.sources.release();
    this.dispatchEvent(new Event('local-media'));
  }

  /** Fetches TURN credentials from `url` from now on (none if empty), and hands fresh ones to the visit. */
  private useTurnCredentials(url: string): void {
    this.turn?.stop();
    this.turn = undefined;
    if (!url) return;
    const turn = new TurnCredentials(url);
    this.turn = turn;
    turn.addEventListener('error', ({ detail }) => this.turn === turn && this.report(detail));
    turn.addEventListener('change', () => {
      if (this.turn === turn && turn.iceServers) this.visit?.setIceServers([...this.iceServers().value, ...turn.iceServers]);
    });
    void turn.ready();
  }

  private iceServers() {
    const servers = this.config.iceServers;
    return typeof servers === 'string' ? parseIceServers(servers) : { value: servers, problem: undefined };
  }

  private setState(state: CallState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.dispatchEvent(new Event('state'));
  }

  private report(problem: CallProblem): void {
    this.dispatchEvent(new CustomEvent('error', { detail: problem }));
  }
}
