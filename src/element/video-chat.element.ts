import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { cleanName } from '../signaling/messages.js';
import type { PeerInfo, VideoChatEventMap, VideoChatState } from '../events.js';
import type { DeviceKind, DeviceLists } from '../media/devices.js';
import type { RemoteParticipant } from '../call/participant.js';
import type { SignalingState } from '../signaling/room-signal.js';
import { CallController } from './call-controller.js';
import { english } from './strings.js';
import { videoChatStyles } from './video-chat.styles.js';
import { chatPanel, revokeFileLinks } from './views/chat.js';
import { DEFAULT_MAX_FILE_BYTES } from '../peer/peer-link.js';
import { settingsPanel } from './views/settings.js';
import { callControls, prejoinControls } from './views/controls.js';
import { emptyNote, remoteTiles, screenKey, screenTiles, selfTile, type ScreenTile, type TileContext } from './views/tiles.js';

type Panel = 'chat' | 'settings';

/** How long a notice (an invite link copied) stays in the status line. */
const NOTICE_MS = 8000;

/**
 * A peer-to-peer video call. Every visitor of a page showing the same `room` on the same `broker`
 * is in one call: media flows browser to browser over WebRTC, the broker only introduces them.
 *
 * @summary Drop-in, serverless, peer-to-peer video chat.
 *
 * @fires connected - A remote peer's media connection is live. `detail: {peerId, name}`.
 * @fires disconnected - A connected peer is gone; fired exactly once per `connected`. `detail: {peerId, name, reason}`, reason `'left' | 'vanished' | 'failed'`.
 * @fires joined - This element entered the room. `detail: {room, peerId}`.
 * @fires left - This element left the room. `detail: {room, peerId}`.
 * @fires signaling-state - The connection to the broker changed. `detail: {state}`, state `'connecting' | 'online' | 'reconnecting' | 'offline'`. Calls in progress go on while it is down.
 * @fires message - App data from a peer (its `send()`). `detail: {peerId, name, data}`; `peerId` and `name` are the link's, never fields the sender wrote.
 * @fires chat - A chat message, a peer's or this visitor's own. `detail: {peerId, name, text, time}`: plain text, `time` in ms since the epoch.
 * @fires file-progress - A file transfer moved (at most once per percent, and at its end). `detail: {transferId, peerId, name, size, bytes, direction}`, direction `'send' | 'receive'`.
 * @fires file-received - A file arrived whole, its SHA-256 checked; it also appears in the chat as a download link. `detail: {transferId, peerId, name, file}` (`file` is a `File`).
 * @fires recording-started - This visitor started recording the call. `detail: {peerId}`.
 * @fires recording-stopped - The recording ended (`stopRecording()`, the record button, or leaving). `detail: {peerId, blob}`: a `video/webm` Blob with its duration written in; a download link is offered too.
 * @fires screenshare-started - This visitor started sharing its screen. `detail: {peerId}` (its own).
 * @fires screenshare-stopped - This visitor stopped sharing: `stopShare()`, the share button, the browser's own "Stop sharing", or leaving. `detail: {peerId}`.
 * @fires device-changed - The camera, microphone or speaker in use changed: chosen (`useDevice()` or the settings panel) or a fallback for one that was unplugged. `detail: {kind, deviceId, label}`.
 * @fires error - Something went wrong; does not bubble. `detail: {code, reason, message}`, codes `bad-attribute`, `media-denied`, `media-unavailable`, `share-denied` (the screen picker was cancelled or refused), `file-too-large`, `file-transfer-failed`, `broker-unreachable`, `negotiation-failed`, `wrong-password`, `message-refused` (a peer's message too large, malformed or over the rate; once per peer and reason), `unsupported`.
 *
 * @csspart grid - The area holding the video tiles.
 * @csspart tile - Every video tile; also `local` or `remote`. 16:9, sized so that the tiles and the controls fit the window's height (`max-width: none` lets tiles grow past it).
 * @csspart local - The visitor's own tile (muted, mirrored).
 * @csspart remote - A remote peer's tile.
 * @csspart video - The `<video>` inside a tile.
 * @csspart name - The name label inside a tile (with a mic-off mark while that visitor is muted).
 * @csspart muted - Added to a tile while its visitor's microphone is off.
 * @csspart camera-off - Added to a tile while its visitor's camera is off; the tile shows the visitor's initials.
 * @csspart avatar - The initials shown on a camera-off tile.
 * @csspart recording - Added to the tile of a visitor who records the call; it shows a REC mark.
 * @csspart record - The record toggle: named "Record", `aria-pressed="true"` while recording.
 * @csspart download - The link to download the last recording, shown when it stops.
 * @csspart screen - Added to the tile of a shared screen (one's own is also `local`, a peer's `remote`); shown whole, never mirrored.
 * @csspart spotlight - Added to the tile shown large: the pinned one, or else the newest shared screen; the others line up beside it.
 * @csspart pip - A tile's picture-in-picture button (shown on hover and focus, where the browser has it).
 * @csspart fullscreen - A tile's fullscreen button (shown on hover and focus).
 * @csspart pin - A tile's pin button: puts the tile in the spotlight, `aria-pressed="true"` while pinned.
 * @csspart empty - The note shown while nobody else is in the room.
 * @csspart controls - The bar of call controls; it stays at the bottom of the window while the element runs below it.
 * @csspart button - Every button; also `mic`, `camera`, `record`, `share`, `chat`, `settings`, `invite`, `leave`, `join`, `unmute`, `send`, `close`, `pip`, `fullscreen` or `pin`. Icon buttons carry their name as `aria-label` and show it as a tooltip.
 * @csspart invite - Copies the page's link, for inviting others to the room (the status line says it did).
 * @csspart share - The screen-share toggle: named "Share screen", `aria-pressed="true"` while sharing.
 * @csspart chat - The chat button: opens and closes the chat panel; its name counts unread messages.
 * @csspart unread - The badge on the chat button counting messages that arrived while the panel was closed.
 * @csspart chat-panel - The chat panel beside the tiles (over them in a narrow element): messages with name and time, in a polite live region, and a field that sends on Enter.
 * @csspart send - The chat panel's send button.
 * @csspart attach - The chat panel's button to send files (the panel also takes files dropped on it).
 * @csspart settings - The settings button, in the control bar and in the pre-join view: opens the settings panel.
 * @csspart settings-panel - The settings panel: camera, microphone and (where the browser can choose one) speaker.
 * @csspart close - A panel's close button.
 * @csspart mic - The microphone toggle: named "Mute", `aria-pressed="true"` while muted.
 * @csspart camera - The camera toggle: named "Camera off", `aria-pressed="true"` while the camera is off.
 * @csspart leave - The leave button.
 * @csspart unmute - Shown when the browser blocked sound until a click.
 * @csspart prejoin - The pre-join view (camera preview, name field, Join button).
 * @csspart join - The Join button.
 *
 * @cssprop [--video-chat-background=#111418] - Background of the whole element.
 * @cssprop [--video-chat-color=#f3f4f6] - Text colour.
 * @cssprop [--video-chat-accent=#2563eb] - Accent colour (Join button, focus rings).
 * @cssprop [--video-chat-radius=8px] - Corner radius of the element and its tiles.
 * @cssprop [--video-chat-gap=8px] - Space between tiles and controls.
 * @cssprop [--video-chat-font=14px/1.4 system-ui, sans-serif] - Font shorthand.
 * @cssprop [--video-chat-tile-background=#1f2937] - Background of a camera-off tile, behind the initials.
 * @cssprop [--video-chat-controls-background=rgb(17 20 24 / 0.85)] - Background of the control bar.
 * @cssprop [--video-chat-panel-background=#1f2937] - Background of the chat panel.
 * @cssprop [--video-chat-panel-width=320px] - Width of the chat panel beside the tiles.
 */
export class VideoChat extends LitElement {
  static override styles = videoChatStyles;

  /** The room name; everyone in the same room on the same broker is in one call. Required to join. */
  @property({ reflect: true }) room = '';

  /**
   * WebSocket URL (`ws://` or `wss://`) of the MQTT broker used to meet, or several separated by
   * spaces: the first reachable is used and the next takes over when it dies. Empty means the
   * public default. An `https://` page needs `wss://` (browsers allow `ws://` there only to the
   * visitor's own machine); a list the browser would refuse fires `error` (`bad-attribute`).
   */
  @property({ reflect: true }) broker = '';

  /** Display name shown to the others. Empty means "Guest". */
  @property({ reflect: true }) name = '';

  /**
   * JSON array of RTCIceServer objects (STUN/TURN, with `username` and `credential` for TURN).
   * Invalid JSON or a wrong shape fires `error` (`bad-attribute`) and the default STUN server is used.
   */
  @property({ attribute: 'ice-servers', reflect: true }) iceServers = '';

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
   * `sendFile` rejects (`error` `file-too-large`); a larger incoming file is refused.
   */
  @property({ type: Number, attribute: 'max-file-size' }) maxFileSize: number = 100_000_000;

  @state() private soundBlocked = false;
  /** The side panel shown beside the tiles, if any. */
  @state() private panel?: Panel;
  /** The browser's devices, read while the settings panel is open. */
  @state() private deviceLists?: DeviceLists;
  /** Chat messages from others that arrived while the chat panel was closed. */
  @state() private unread = 0;
  /** A short note for the status line (an invite link copied), shown until the next. */
  @state() private notice = '';
  private noticeTimer?: ReturnType<typeof setTimeout>;
  /** The last recording, offered for download until the next one starts. */
  @state() private recordingUrl?: string;
  private recordingName = '';
  /** The key of the tile pinned to the spotlight (see `tiles.ts`), if any. */
  @state() private pinned?: string;

  private readonly strings = english;
  private readonly controller = new CallController(this, () => this.strings);

  constructor() {
    super();
    // The engine's slots are the truth (a page may drive them through the engine too).
    const { microphone, camera } = this.controller.call.sources;
    this.controller.call.addEventListener('local-media', () => {
      this.muted = !microphone.enabled;
      this.cameraOff = !camera.enabled;
    });
    this.controller.call.addEventListener('chat', ({ detail }) => {
      if (this.panel !== 'chat' && detail.peerId !== this.controller.call.peerId) this.unread++;
    });
    this.controller.call.addEventListener('joined', () => (this.unread = 0));
    this.controller.call.addEventListener('left', () => revokeFileLinks());
    this.controller.call.addEventListener('recording-started', () => this.offerRecording(undefined));
    this.controller.call.addEventListener('recording-stopped', ({ detail }) => this.offerRecording(detail.blob));
    // Labels appear once capture is allowed; devices come and go: keep an open list current.
    for (const type of ['device-list', 'device-changed', 'local-media'] as const) {
      this.controller.call.addEventListener(type, () => this.panel === 'settings' && void this.readDevices());
    }
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
   * Sends a chat message to everyone in the call (plain text; control and direction-override
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
   * to receive it, or a receiver refuses it or the link is lost mid-way (`error`
   * `file-transfer-failed`; the receiver keeps nothing).
   */
  sendFile(file: File, peerId?: string): Promise<void> {
    // A limit set just before (in the same task) holds already.
    this.applyMaxFileSize();
    return this.controller.call.sendFile(file, peerId);
  }

  private applyMaxFileSize(): void {
    const size = Number(this.maxFileSize);
    this.controller.call.configure({ maxFileSize: Number.isFinite(size) && size >= 0 ? size : DEFAULT_MAX_FILE_BYTES });
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
   * Puts a peer's tile in the spotlight (large, the others in a strip beside it), or with `null`
   * returns to the grid (or to a shared screen's spotlight). Tiles also offer a pin button.
   */
  pin(peerId: string | null): void {
    this.pinned = peerId ?? undefined;
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

  override addEventListener<K extends keyof VideoChatEventMap>(
    type: K,
    listener: (this: VideoChat, event: VideoChatEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('maxFileSize')) this.applyMaxFileSize();
    const keys = ['room', 'broker', 'name', 'iceServers', 'password', 'autojoin'] as const;
    if (keys.some((key) => changed.has(key))) {
      const { room, broker, iceServers, password, autojoin } = this;
      this.controller.call.configure({ room, broker, iceServers, password, autojoin, name: cleanName(this.name) });
    }
    // Read both first: applying one makes the engine report both, and that report rewrites the
    // other property with the engine's state before it was applied.
    const { muted, cameraOff } = this;
    if (changed.has('muted')) this.controller.call.setMicrophoneEnabled(!muted);
    if (changed.has('cameraOff')) this.controller.call.setCameraEnabled(!cameraOff);
  }

  /** Plays a remote tile with sound; if the browser blocks that until a click, plays muted and offers a button. */
  private playRemote(event: Event): void {
    const video = event.target as HTMLVideoElement;
    video.play().catch(() => {
      video.muted = true;
      this.soundBlocked = true;
      return video.play().catch(() => undefined);
    });
  }

  private offerRecording(blob: Blob | undefined): void {
    if (this.recordingUrl) URL.revokeObjectURL(this.recordingUrl);
    this.recordingUrl = blob ? URL.createObjectURL(blob) : undefined;
    this.recordingName = `call-${new Date().toISOString().slice(0, 16).replace(/[T:]/g, '-')}.webm`;
  }

  /** Copies the page's link (whoever opens it lands in this room) and says so. */
  private async copyInvite(): Promise<void> {
    const url = location.href;
    let notice: string;
    try {
      await navigator.clipboard.writeText(url);
      notice = this.strings.inviteCopied;
    } catch {
      // No clipboard (an insecure page, a denied permission): the link, to copy by hand.
      notice = this.strings.inviteLink(url);
    }
    this.notice = notice;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => (this.notice = ''), NOTICE_MS);
  }

  private togglePanel(panel: Panel): void {
    this.panel = this.panel === panel ? undefined : panel;
    if (this.panel === 'chat') {
      this.unread = 0;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('[part~="chat-panel"] input[name="message"]')?.focus());
    }
    if (this.panel === 'settings') {
      void this.readDevices();
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLSelectElement>('[part~="settings-panel"] select')?.focus());
    }
  }

  private async readDevices(): Promise<void> {
    this.deviceLists = await this.controller.call.getDevices();
  }

  /** The device in use for each kind, as the settings panel shows it. */
  private devicesInUse(): Partial<Record<DeviceKind, string>> {
    const { sources, devices } = this.controller.call;
    return {
      camera: sources.camera.track?.getSettings().deviceId,
      microphone: sources.microphone.track?.getSettings().deviceId,
      speaker: devices.speakerId,
    };
  }

  private chooseDevice(kind: DeviceKind, deviceId: string): void {
    // A failure is reported as an `error` event already.
    this.useDevice(kind, deviceId).catch(() => undefined);
  }

  private settingsView() {
    return settingsPanel({
      devices: this.deviceLists,
      inUse: this.devicesInUse(),
      onChoose: (kind, deviceId) => this.chooseDevice(kind, deviceId),
      onClose: () => this.togglePanel('settings'),
    }, this.strings);
  }

  protected override updated(): void {
    // Every remote player plays through the chosen speaker.
    const speaker = this.controller.call.devices.speakerId;
    if (speaker === undefined) return;
    for (const video of this.renderRoot.querySelectorAll<HTMLVideoElement & { sinkId?: string; setSinkId?(id: string): Promise<void> }>('[part~="remote"] video')) {
      if (video.sinkId !== speaker) video.setSinkId?.(speaker).catch(() => undefined);
    }
  }

  private enableSound(): void {
    this.soundBlocked = false;
    for (const video of this.renderRoot.querySelectorAll<HTMLVideoElement>('[part~="remote"] video')) {
      video.muted = false;
      void video.play().catch(() => undefined);
    }
  }

  /** The shared screens: this visitor's, then each participant's that says it shares. */
  private screens(participants: RemoteParticipant[]): ScreenTile[] {
    const screens: ScreenTile[] = [];
    const own = this.controller.call.sources.screen.track;
    if (own) screens.push({ owner: 'local', name: '', track: own });
    for (const participant of participants) {
      const track = participant.track('screen');
      if (participant.screenOn && track) screens.push({ owner: participant.peerId, name: this.controller.nameOf(participant.name), track });
    }
    return screens;
  }

  override render() {
    const { call } = this.controller;
    const inCall = call.state === 'joining' || call.state === 'joined';
    const participants = inCall ? call.participants : [];
    const screens = inCall ? this.screens(participants) : [];
    const keys = new Set(['local', ...participants.map((p) => p.peerId), ...screens.map((screen) => screenKey(screen.owner))]);
    // A pinned tile takes the spotlight; without one, the newest shared screen does.
    const spotlight = this.pinned && keys.has(this.pinned) ? this.pinned : screens.length ? screenKey(screens[screens.length - 1].owner) : undefined;
    const count = participants.length + 1 + screens.length;
    const columns = Math.ceil(Math.sqrt(count));
    const rows = Math.ceil(count / columns);
    const { strings } = this;
    const { microphone, camera } = call.sources;
    const status = this.notice || this.controller.status;
    const context: TileContext = {
      strings,
      nameOf: (name) => this.controller.nameOf(name),
      spotlight,
      pinned: this.pinned,
      onPin: (key) => (this.pinned = this.pinned === key ? undefined : key),
      onMetadata: (event) => this.playRemote(event),
    };
    const layout = spotlight ? 'grid spotlight' : participants.length === 1 ? 'grid duo' : 'grid';
    // One template for both views, with the self-view in the same place: joining keeps the
    // preview's <video> playing. A new one would show black until its first frame and start a
    // second player just when the first connections are being made.
    return html`
      <div class=${inCall ? (this.panel ? 'stage with-panel' : 'stage') : nothing} part=${inCall ? nothing : 'prejoin'}>
        <div class="main">
        <div class=${inCall ? layout : 'preview'} part=${inCall ? 'grid' : nothing} style=${inCall ? `--columns: ${columns}; --rows: ${rows}` : nothing}>
          ${selfTile({
            stream: call.localStream,
            name: this.controller.nameOf(cleanName(this.name)),
            inCall,
            hidden: call.state === 'left' || call.state === 'leaving',
            state: call.sources.state,
          }, context)}
          ${remoteTiles(participants, context)}
          ${screenTiles(screens, context)}
        </div>
        ${this.panel === 'settings' ? this.settingsView() : nothing}
        ${inCall && this.panel === 'chat'
          ? chatPanel({
            messages: call.chatMessages,
            ownPeerId: call.peerId,
            nameOf: (name) => this.controller.nameOf(name),
            onSend: (text) => this.sendChat(text),
            // Failures are reported as `error` events.
            onAttach: (files) => files.forEach((file) => this.sendFile(file).catch(() => undefined)),
            onClose: () => this.togglePanel('chat'),
          }, strings)
          : nothing}
        </div>
        ${inCall
          ? html`${participants.length === 0 ? emptyNote(call.state === 'joining', strings) : nothing}
            ${callControls({
              microphone: { present: !!microphone.track, on: microphone.enabled },
              camera: { present: !!camera.track, on: camera.enabled },
              soundBlocked: this.soundBlocked,
              unread: this.unread,
              chatOpen: this.panel === 'chat',
              onChat: () => this.togglePanel('chat'),
              settingsOpen: this.panel === 'settings',
              onSettings: () => this.togglePanel('settings'),
              sharing: call.sharing,
              onShare: () => void (call.sharing ? this.stopShare() : this.shareScreen()),
              onInvite: () => void this.copyInvite(),
              recording: call.recording,
              onRecord: () => void (call.recording ? this.stopRecording() : this.startRecording()),
              onMicrophone: () => (this.muted = microphone.enabled),
              onCamera: () => (this.cameraOff = camera.enabled),
              onEnableSound: () => this.enableSound(),
              onLeave: () => void this.leave(),
            }, strings)}`
          : prejoinControls({
            name: this.name,
            canJoin: !!this.room.trim(),
            again: call.state === 'left' || call.state === 'leaving',
            onName: (name) => (this.name = name),
            onJoin: () => void this.join(),
            settingsOpen: this.panel === 'settings',
            onSettings: () => this.togglePanel('settings'),
          }, strings)}
        ${status ? html`<p class="status" role="status">${status}</p>` : nothing}
        ${this.recordingUrl
          ? html`<p class="status recording-ready" role="status">${strings.recordingReady}
            <a part="download" href=${this.recordingUrl} download=${this.recordingName}>${strings.downloadRecording}</a></p>`
          : nothing}
      </div>
    `;
  }
}
