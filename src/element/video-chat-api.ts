import { LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import type { PeerInfo, VideoChatEventMap, VideoChatState } from '../events.js';
import type { DeviceKind, DeviceLists } from '../media/devices.js';
import type { SignalingState } from '../call/video-call.js';
import type { SafetyCode } from '../peer/safety-code.js';
import { CallController } from './call-controller.js';
import { english } from './strings.js';
import { randomRoomName } from '../call/room-names.js';
import { randomGuestNumber, rememberedName, rememberName } from './remembered-name.js';

/**
 * The public contract of `<video-chat>` apart from its views: the attributes, handed to the call
 * engine as they change, and the methods, each the engine's. `VideoChat` adds the UI on top.
 */
export class VideoChatApi extends LitElement {
  /** The room name; everyone in the same room on the same broker is in one call. Required to join. */
  @property({ reflect: true }) room = '';

  /**
   * WebSocket URL (`ws://` or `wss://`) of the MQTT broker used to meet, or several separated by
   * spaces: the first reachable is used and the next takes over when it dies. Empty means the
   * public default. An `https://` page needs `wss://` (browsers allow `ws://` there only to the
   * visitor's own machine); a list the browser would refuse fires `error` (`bad-attribute`).
   */
  @property({ reflect: true }) broker = '';

  /**
   * Display name shown to the others. The pre-join view's name field edits it. Left empty by the
   * page, it starts as the name this visitor typed on an earlier visit to this site (kept in
   * localStorage, never sent anywhere but to the room); with none, the visitor is "Guest" and
   * four digits (such as "Guest 4821"), new on every page load.
   */
  @property({ reflect: true }) name = '';

  /**
   * JSON array of RTCIceServer objects (STUN/TURN, with `username` and `credential` for TURN).
   * Invalid JSON or a wrong shape fires `error` (`bad-attribute`) and the default STUN server is used.
   */
  @property({ attribute: 'ice-servers', reflect: true }) iceServers = '';

  /**
   * `relay` sends media only through the TURN servers in `ice-servers`, so no other visitor learns
   * this visitor's IP addresses (a little more delay, and the TURN server carries every byte).
   * `all` (the default) lets the browser take the most direct path. Any other value fires `error`
   * (`bad-attribute`) and `all` is used; `relay` with no TURN server in `ice-servers` fires
   * `bad-attribute` (`relay-without-turn`) on joining.
   */
  @property({ attribute: 'ice-transport-policy', reflect: true }) iceTransportPolicy = '';

  /**
   * URL of the site's endpoint for short-lived TURN credentials, answering
   * `{"iceServers": [{"urls", "username", "credential"}], "ttl": seconds}` (for coturn's
   * `use-auth-secret`; see the README's "TURN in five minutes"). Fetched (with the page's cookies,
   * same origin) as soon as it is set and again before the credentials expire; the servers are
   * added to `ice-servers`, and fresh ones serve every connection's next ICE restart. A failing
   * endpoint fires `error` (`turn-unavailable`) and the call goes on without it.
   */
  @property({ attribute: 'turn-credentials-url', reflect: true }) turnCredentialsUrl = '';

  /**
   * Room secret. Signaling is sealed with a key derived from room + password; visitors with a
   * different password never meet. Without one, the room name is the secret. Not reflected back
   * to the attribute, so a secret set from script stays out of the DOM.
   */
  @property() password = '';

  /**
   * Join as soon as the element is in the page and has a `room`; without it a pre-join view is
   * shown. A join that fails (an `error` says why) is tried again only once `room`, `broker` or
   * `password` changes, or the element is put back on a page after its removal.
   */
  @property({ type: Boolean, reflect: true }) autojoin = false;

  /**
   * The microphone is muted: peers get silence and see the mic-off mark on this visitor's tile.
   * Kept across joins; the mic button toggles it.
   */
  @property({ type: Boolean, reflect: true }) muted = false;

  /**
   * The camera is off: peers get no picture and see this visitor's initials instead. Kept across
   * joins; the camera button toggles it.
   */
  @property({ type: Boolean, reflect: true, attribute: 'camera-off' }) cameraOff = false;

  /**
   * The largest file, in bytes, this visitor sends or accepts (default 100 MB). A larger
   * `sendFile` rejects (`error` `file-too-large`); a larger incoming file is refused. The files
   * received in a visit may hold twice this at once (in transfer, or in the chat); a file beyond
   * is refused (`error` `file-transfer-failed`, reason `quota`) until older ones leave the chat.
   * Received files keep their declared type only if it is an inert one (pictures, sound, video,
   * plain text): any other is `application/octet-stream`, so that no file runs as this site.
   */
  @property({ type: Number, attribute: 'max-file-size' }) maxFileSize: number = 100_000_000;

  /**
   * The most visitors the room may hold, this one included (default 8; at least 2). A visitor
   * who would make the room larger connects to nobody, gets `error` `room-full` and the pre-join
   * view saying so; the others are undisturbed. Every visitor's element should say the same.
   */
  @property({ type: Number, attribute: 'max-peers' }) maxPeers: number = 8;

  /**
   * Remember this visitor on this site: its long-term key, and the peers it verified by safety
   * code, are kept in the site's IndexedDB. A peer verified once is verified again on the next
   * visit, without comparing codes; a peer who shows another key under the name of a peer verified
   * before gets a warning on its tile and an `error` with code `identity-changed`. Peers prove
   * their key to each other inside the encrypted connection; what the broker sees stays fresh
   * per visit, so it cannot recognise a returning visitor.
   */
  @property({ type: Boolean, attribute: 'remember-identity' }) rememberIdentity = false;

  /**
   * A room name nobody can guess: 100 random bits, such as `k7mq2-xv9ta-3nhpe-wq4rc`. Without a
   * password the room name is the call's only secret; use one of these for a new call and share
   * the page's link with it.
   */
  static randomRoom(): string {
    return randomRoomName();
  }

  protected readonly strings = english;
  protected readonly controller = new CallController(this, () => this.strings);

  /** The name this visitor goes by while `name` is empty. */
  protected readonly guestName = this.strings.guestName(randomGuestNumber());

  /** Whether the visitor typed its name in the pre-join view: it is remembered when it joins. */
  protected nameTyped = false;

  constructor() {
    super();
    this.controller.call.addEventListener('state', () => {
      if (this.controller.call.state === 'joining' && this.nameTyped) rememberName(this.name);
    });
    // The engine's slots are the truth (a page may drive them through the engine too).
    const { microphone, camera } = this.controller.call.sources;
    this.controller.call.addEventListener('local-media', () => {
      this.muted = !microphone.enabled;
      this.cameraOff = !camera.enabled;
    });
  }

  /** `'idle' | 'joining' | 'joined' | 'left'` (`idle` also while the pre-join preview is on). */
  get state(): VideoChatState {
    const state = this.controller.call.state;
    if (state === 'previewing') return 'idle';
    if (state === 'leaving') return 'left';
    return state;
  }

  /** The peers currently in the call (media connection live). */
  get peers(): PeerInfo[] {
    return this.controller.call.participants.map(({ peerId, name }) => ({ peerId, name: this.controller.nameOf(name) }));
  }

  /**
   * The connection to the signaling broker: `'connecting' | 'online' | 'reconnecting' | 'offline'`.
   * Media between peers does not depend on it.
   */
  get signalingState(): SignalingState {
    return this.controller.call.signalingState;
  }

  /** The visitor's own camera/microphone stream, once captured. */
  get localStream(): MediaStream | undefined {
    return this.controller.call.localStream;
  }

  /**
   * Joins the room. Idempotent; resolves once joined, when joining is impossible (an `error` event
   * says why), or when `leave()` ends the attempt. While the broker is unreachable it keeps
   * retrying (and says so with `error` `broker-unreachable`). Never rejects.
   */
  join(): Promise<void> {
    return this.controller.call.join();
  }

  /**
   * Leaves the room: tells the others, releases camera, microphone and connections. Before joining,
   * it turns the pre-join preview off. Either way the state becomes `left`. Idempotent; never
   * rejects.
   */
  leave(): Promise<void> {
    return this.controller.call.leave();
  }

  /**
   * Sends any JSON-serialisable value to everyone in the call, or to one peer (`peerId`), over
   * the peers' own data channels, never the broker. Receivers get a `message` event whose
   * `peerId` and `name` are the link's, not anything the sender wrote. A peer still connecting
   * gets it once its channel opens, in order. Rejects with an Error if the value cannot be
   * serialised, is over 64 KiB as JSON, the element is not in a call, or `peerId` is not in it.
   */
  send(data: unknown, peerId?: string): Promise<void> {
    return this.controller.call.send(data, peerId);
  }

  /**
   * Sends a chat message to everyone in the call (plain text; control, direction and invisible
   * characters removed; 2,000 characters at most). It also appears in the chat panel and as a
   * `chat` event. Does nothing outside a call.
   */
  sendChat(text: string): void {
    this.controller.call.sendChat(text);
  }

  /**
   * Sends a file to everyone in the call, or to one peer, peer to peer: chunked over a data
   * channel of its own with backpressure, its SHA-256 checked before the receiver gets it.
   * Resolves once every receiver has it; `file-progress` reports both sides' progress. Rejects
   * with an Error if the file is over `max-file-size` (`error` `file-too-large`), nobody is there
   * to receive it, or a receiver refuses it, the link is lost mid-way or nothing moves for 30 s
   * (`error` `file-transfer-failed`; the receiver keeps nothing).
   */
  sendFile(file: File, peerId?: string): Promise<void> {
    // A limit set just before (in the same task) holds already.
    this.controller.call.configure({ maxFileSize: this.maxFileSize });
    return this.controller.call.sendFile(file, peerId);
  }

  /**
   * Shares a screen, window or tab (the browser asks which) with everyone in the call, as a
   * second video beside the camera: everyone sees it large, and a visitor who joins later sees it
   * too. Fires `screenshare-started`; a cancelled or denied picker fires `error` (`share-denied`)
   * and changes nothing else. Only in a call; never rejects.
   */
  shareScreen(): Promise<void> {
    return this.controller.call.shareScreen();
  }

  /** Stops sharing the screen (as the browser's own "Stop sharing" does). Fires `screenshare-stopped`. Never rejects. */
  stopShare(): Promise<void> {
    return this.controller.call.stopShare();
  }

  /**
   * Records the whole call into one WebM file: every tile composed with its name, every voice
   * mixed. Everyone sees a recording mark on this visitor's tile (part `recording`). Fires
   * `recording-started`. Only in a call.
   */
  startRecording(): void {
    this.controller.call.startRecording();
  }

  /**
   * Stops recording. Fires `recording-stopped` with `detail.blob`, a `video/webm` Blob whose
   * duration is written in, and offers it for download. Resolves with the Blob (undefined if not
   * recording); never rejects.
   */
  stopRecording(): Promise<Blob | undefined> {
    return this.controller.call.stopRecording();
  }

  /**
   * The cameras, microphones and speakers the browser lists, each `{deviceId, label}` (labels are
   * empty until the visitor allowed camera or microphone access once). Speakers are listed only
   * where the browser lets a page choose one (`setSinkId`).
   */
  getDevices(): Promise<DeviceLists> {
    return this.controller.call.getDevices();
  }

  /**
   * Uses a camera, microphone or speaker (`kind`: `'camera' | 'microphone' | 'speaker'`) from now
   * on, and on this site next time (localStorage). Mid-call the new camera or microphone replaces
   * the old on every link without renegotiation: the others' picture does not stop. Fires
   * `device-changed`. Rejects if there is no such device or it cannot be opened (also an `error`).
   */
  useDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    return this.controller.call.useDevice(kind, deviceId);
  }

  /**
   * The safety code of this visitor's connection with a peer: `{emoji, digits}`, seven emoji
   * (`emoji`, a list) and eight digits (`digits`, a string) that both visitors see alike unless
   * someone sits between them. Compare them by voice or side by side, then call `markVerified`.
   * Resolves a moment after the two connected; rejects if the peer is not in the call.
   */
  safetyCode(peerId: string): Promise<SafetyCode> {
    return this.controller.call.safetyCode(peerId);
  }

  /**
   * Records that this visitor compared the safety code with a peer and it matched: its tile gets
   * the part `verified` and `peer-verified` fires. The tile's Verify button does the same.
   */
  markVerified(peerId: string): void {
    this.controller.call.markVerified(peerId);
  }

  override addEventListener<K extends keyof VideoChatEventMap>(
    type: K,
    listener: (this: this, event: VideoChatEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('maxFileSize')) this.controller.call.configure({ maxFileSize: this.maxFileSize });
    if (changed.has('maxPeers')) this.controller.call.configure({ maxPeers: this.maxPeers });
    if (changed.has('rememberIdentity')) this.controller.call.configure({ rememberIdentity: this.rememberIdentity });
    // A name set by the page wins; without one, the name typed on an earlier visit.
    if (!this.hasUpdated && !this.name) this.name = rememberedName();
    const keys = ['room', 'broker', 'name', 'iceServers', 'iceTransportPolicy', 'turnCredentialsUrl', 'password', 'autojoin'] as const;
    if (!this.hasUpdated || keys.some((key) => changed.has(key))) {
      const { room, broker, iceServers, iceTransportPolicy, turnCredentialsUrl, password, autojoin } = this;
      this.controller.call.configure({ room, broker, iceServers, iceTransportPolicy, turnCredentialsUrl, password, autojoin, name: this.name.trim() ? this.name : this.guestName });
    }
    // Read both first: applying one makes the engine report both, and that report rewrites the
    // other property with the engine's state before it was applied.
    const { muted, cameraOff } = this;
    if (changed.has('muted')) this.controller.call.setMicrophoneEnabled(!muted);
    if (changed.has('cameraOff')) this.controller.call.setCameraEnabled(!cameraOff);
  }
}
