import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { NoticesController } from './notices.js';
import { PanelsController } from './panels.js';
import { RemotePlayback } from './remote-playback.js';
import { TileAreaController } from './tile-area.js';
import { VideoChatApi } from './video-chat-api.js';
import { videoChatStyles } from './video-chat.styles.js';
import { chatPanel } from './views/chat.js';
import { callControls } from './views/controls.js';
import { mediaBlockedNote, prejoinForm, prejoinToggles, previewAvatar, type PrejoinView } from './views/prejoin.js';
import { PrejoinController } from './prejoin-controller.js';
import { settingsPanel } from './views/settings.js';
import { verifyPanel } from './views/verify.js';
import { emptyNote, remoteTiles, screenTiles, selfTile, tileLayout, type TileContext } from './views/tiles.js';

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
 * @fires peer-verified - A peer is verified: this visitor marked it (`markVerified()` or the Verify panel's "It matches"), or, with `remember-identity`, recognised a peer verified on an earlier visit. `detail: {peerId, name, remembered}`.
 * @fires quality-changed - How a remote visitor is reached or how well changed (measured every 2 s from the browser's statistics; a quality changes once two readings agree). `detail: {peerId, name, quality, path}`: `quality` `good`, `fair` (3% of packets lost, a 300 ms round trip, or the camera under 12 frames a second) or `poor` (10%, 600 ms, under 5); `path` `direct` or `relay` (through a TURN server).
 * @fires device-changed - The camera, microphone or speaker in use changed: chosen (`useDevice()` or the settings panel) or a fallback for one that was unplugged. `detail: {kind, deviceId, label}`.
 * @fires error - Something went wrong; does not bubble. `detail: {code, reason, message}`, codes `bad-attribute`, `media-denied`, `media-unavailable`, `share-denied` (the screen picker was cancelled or refused), `file-too-large`, `file-transfer-failed`, `broker-unreachable`, `negotiation-failed`, `no-route` (reason `no-turn-server`: no network path to a visitor was found, and `ice-servers` names no TURN server to relay one), `turn-unavailable` (reasons `turn-credentials-fetch`, `turn-credentials-shape`: `turn-credentials-url` failed or answered no credentials), `wrong-password`, `message-refused` (a peer's message too large, malformed or over the rate; once per peer and reason), `clock-skew` (another visitor's clock differs from this one's by more than 10 minutes, so messages are refused), `room-full` (the room already holds `max-peers` visitors: this one connects to nobody and leaves), `unsupported` (reason `insecure-context`: the page is not https; `no-webrtc`, `no-webcrypto`, `no-decompression`: what this browser lacks for calls; or a feature: `no-display-capture`, `no-recording`, `no-identity-storage`).
 *
 * @csspart grid - The area holding the video tiles.
 * @csspart tile - Every video tile; also `local` or `remote`. Placed inside the element's own box, whatever size the page gives it: an even grid of tiles between 4:3 and 16:9 (two columns of taller tiles in an upright element, the other visitor's filling it and one's own floating in a corner when there are two), never under the control bar. Where the page sets no height, the element takes the height that fits it in the window below where it starts.
 * @csspart local - The visitor's own tile (muted, mirrored).
 * @csspart remote - A remote peer's tile.
 * @csspart video - The `<video>` inside a tile.
 * @csspart name - The name label inside a tile (with a mic-off mark while that visitor is muted).
 * @csspart muted - Added to a tile while its visitor's microphone is off.
 * @csspart speaking - Added to a remote tile while its visitor speaks (its voice arrives above room noise), drawn as a ring in `--video-chat-speaking-color`.
 * @csspart camera-off - Added to a tile while its visitor's camera is off; the tile shows the visitor's initials.
 * @csspart avatar - The initials shown on a camera-off tile, and over the pre-join preview while the camera is off.
 * @csspart verified - Added to the tile of a peer this visitor verified by comparing safety codes (in this visit, or in an earlier one with `remember-identity`).
 * @csspart key-changed-note - In the Verify panel of a peer whose key changed: the warning.
 * @csspart key-changed - Added to the tile of a peer who shows another key than the one this visitor verified under its name (`remember-identity`); its name carries a warning mark.
 * @csspart relay - Added to a remote tile while its visitor is reached through a TURN server (a relay) rather than directly; its name carries a signal mark whose tooltip says so.
 * @csspart quality-poor - Added to a remote tile while media from its visitor arrives poorly (10% of packets lost, a 600 ms round trip, or the camera under 5 frames a second); its name carries a red signal mark whose tooltip says what was measured.
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
 * @csspart button - Every button; also `mic`, `camera`, `record`, `share`, `chat`, `settings`, `invite`, `leave`, `join`, `unmute`, `send`, `close`, `pip`, `fullscreen`, `pin`, `verify`, `matches` or `mismatch`. Icon buttons carry their name as `aria-label` and show it as a tooltip.
 * @csspart invite - Copies the page's link, for inviting others to the room (the status line says it did).
 * @csspart share - The screen-share toggle: named "Share screen", `aria-pressed="true"` while sharing.
 * @csspart chat - The chat button: opens and closes the chat panel; its name counts unread messages.
 * @csspart unread - The badge on the chat button counting messages that arrived while the panel was closed.
 * @csspart chat-panel - The chat panel beside the tiles (over them in a narrow element): messages with name and time, in a polite live region, and a field that sends on Enter.
 * @csspart send - The chat panel's send button.
 * @csspart attach - The chat panel's button to send files (the panel also takes files dropped on it).
 * @csspart settings - The settings button, in the control bar and in the pre-join view: opens the settings panel.
 * @csspart verify - A peer's tile's Verify button (shown on hover and focus): opens the Verify panel with the pair's safety code.
 * @csspart verify-panel - The Verify panel: the safety code as seven emoji with their names and as eight digits, and the buttons "It matches" (part `matches`: marks the peer verified) and "It doesn't match" (part `mismatch`: a warning in the status line).
 * @csspart safety-code - The list of the code's emoji in the Verify panel.
 * @csspart safety-digits - The code's digits in the Verify panel.
 * @csspart matches - The Verify panel's "It matches" button.
 * @csspart mismatch - The Verify panel's "It doesn't match" button.
 * @csspart settings-panel - The settings panel: camera, microphone and (where the browser can choose one) speaker.
 * @csspart close - A panel's close button.
 * @csspart mic - The microphone toggle, in the control bar and over the pre-join preview: named "Mute", `aria-pressed="true"` while muted (it sets `muted`).
 * @csspart camera - The camera toggle, in the control bar and over the pre-join preview: named "Camera off", `aria-pressed="true"` while the camera is off (it sets `camera-off`).
 * @csspart leave - The leave button.
 * @csspart unmute - Shown when the browser blocked sound until a click.
 * @csspart prejoin - The pre-join view: the camera preview filling its column, with the mic and camera toggles and the microphone's level over it; beside it (below it in an element narrower than 720px) "Ready to join?", the name field (the name typed on an earlier visit to this site, or a "Guest 4821" placeholder), Join and the settings button.
 * @csspart level - The microphone's live level beside the pre-join view's mic toggle: three bars drawn from the custom property `--level` (0 to 1), set at most once per animation frame while the preview runs and the microphone is on.
 * @csspart unsupported - In the pre-join view, above a disabled Join: why this browser or page cannot make calls (the words of `error` `unsupported`, which `join()` fires).
 * @csspart media-blocked - Over the pre-join preview when the browser refused camera or microphone (`error` `media-denied`): what was refused, and where this browser (Chrome, Edge, Firefox, Safari, Safari on iPhone and iPad) lets the visitor allow it.
 * @csspart join - The Join button.
 *
 * @cssprop [--video-chat-background=#111418] - Background of the whole element.
 * @cssprop [--video-chat-color=#f3f4f6] - Text colour.
 * @cssprop [--video-chat-accent=#2563eb] - Accent colour (Join button, focus rings).
 * @cssprop [--video-chat-speaking-color=var(--video-chat-accent)] - The ring around the tile of whoever speaks.
 * @cssprop [--video-chat-radius=8px] - Corner radius of the element and its tiles.
 * @cssprop [--video-chat-gap=8px] - Space between tiles and controls.
 * @cssprop [--video-chat-font=14px/1.4 system-ui, sans-serif] - Font shorthand.
 * @cssprop [--video-chat-tile-background=#1f2937] - Background of a camera-off tile, behind the initials.
 * @cssprop [--video-chat-controls-background=rgb(17 20 24 / 0.85)] - Background of the control bar.
 * @cssprop [--video-chat-panel-background=#1f2937] - Background of the chat panel.
 * @cssprop [--video-chat-panel-width=320px] - Width of the chat panel beside the tiles.
 */
export class VideoChat extends VideoChatApi {
  static override styles = videoChatStyles;

  /** The key of the tile pinned to the spotlight (see `tiles.ts`), if any. */
  @state() private pinned?: string;

  private readonly panels = new PanelsController(this, this.controller.call);
  private readonly notices = new NoticesController(this, this.controller.call, () => this.strings);
  private readonly playback = new RemotePlayback(this, this.controller.call);
  private readonly tileArea = new TileAreaController(this);
  private readonly prejoin = new PrejoinController(this, this.controller.call);

  /**
   * Puts a peer's tile in the spotlight (large, the others in a strip beside it), or with `null`
   * returns to the grid (or to a shared screen's spotlight). Tiles also offer a pin button.
   */
  pin(peerId: string | null): void {
    this.pinned = peerId ?? undefined;
  }

  private settingsView() {
    return settingsPanel({
      devices: this.panels.devices,
      inUse: this.panels.devicesInUse(),
      // A failure is reported as an `error` event already.
      onChoose: (kind, deviceId) => void this.useDevice(kind, deviceId).catch(() => undefined),
      onClose: () => this.panels.toggle('settings'),
    }, this.strings);
  }

  private verifyView() {
    const { verifying } = this.panels;
    const participant = this.controller.call.participants.find((p) => p.peerId === verifying?.peerId);
    if (!verifying || !participant) return nothing;
    const name = this.controller.nameOf(participant.name);
    return verifyPanel({
      name,
      code: verifying.code,
      failed: verifying.failed,
      standing: participant.keyChanged ? 'key-changed' : participant.verifiedBefore ? 'verified-before' : undefined,
      onMatches: () => {
        this.markVerified(participant.peerId);
        this.panels.toggle('verify');
      },
      onMismatch: () => {
        this.notices.warn(this.strings.mismatchWarning(name));
        this.panels.toggle('verify');
      },
      onClose: () => this.panels.toggle('verify'),
    }, this.strings);
  }

  private chatView() {
    const { call } = this.controller;
    return chatPanel({
      messages: call.chatMessages,
      ownPeerId: call.peerId,
      nameOf: (name) => this.controller.nameOf(name),
      onSend: (text) => this.sendChat(text),
      // Failures are reported as `error` events.
      onAttach: (files) => files.forEach((file) => this.sendFile(file).catch(() => undefined)),
      onClose: () => this.panels.toggle('chat'),
    }, this.strings);
  }

  private controlsView(participantCount: number) {
    const { call } = this.controller;
    const { microphone, camera } = call.sources;
    const { panels } = this;
    return html`${participantCount === 0 ? emptyNote(call.state === 'joining', this.strings) : nothing}
      ${callControls({
        microphone: { present: !!microphone.track, on: microphone.enabled },
        camera: { present: !!camera.track, on: camera.enabled },
        soundBlocked: this.playback.soundBlocked,
        unread: panels.unread,
        chatOpen: panels.open === 'chat',
        onChat: () => this.panels.toggle('chat'),
        settingsOpen: panels.open === 'settings',
        onSettings: () => this.panels.toggle('settings'),
        sharing: call.sharing,
        onShare: () => void (call.sharing ? this.stopShare() : this.shareScreen()),
        onInvite: () => void this.notices.copyInvite(),
        recording: call.recording,
        onRecord: () => void (call.recording ? this.stopRecording() : this.startRecording()),
        onMicrophone: () => (this.muted = microphone.enabled),
        onCamera: () => (this.cameraOff = camera.enabled),
        onEnableSound: () => this.playback.enableSound(),
        onLeave: () => void this.leave(),
      }, this.strings)}`;
  }

  private prejoinView(): PrejoinView {
    const { call } = this.controller;
    const { state, localStream } = call;
    const { microphone, camera } = call.sources;
    // Before the browser answered, a toggle sets what capture starts with; after, only a track can be toggled.
    return {
      name: this.name,
      guestName: this.guestName,
      canJoin: !!this.room.trim(),
      again: state === 'left' || state === 'leaving',
      onName: (name) => {
        this.nameTyped = true;
        this.name = name;
      },
      onJoin: () => void this.join(),
      settingsOpen: this.panels.open === 'settings',
      onSettings: () => this.panels.toggle('settings'),
      microphone: { present: !localStream || !!microphone.track, on: microphone.enabled },
      camera: { present: !localStream || !!camera.track, on: camera.enabled },
      onMicrophone: () => (this.muted = microphone.enabled),
      onCamera: () => (this.cameraOff = camera.enabled),
      blocked: this.prejoin.blocked?.what,
      browser: this.prejoin.browser,
      site: location.host,
      unsupported: this.prejoin.missing && this.strings.problem({ code: 'unsupported', reason: this.prejoin.missing, params: {} }),
    };
  }

  private statusView(prejoin?: PrejoinView) {
    let status = this.notices.notice || this.controller.status;
    // The pre-join view's note over the preview says it already, and where to allow them.
    const blocked = prejoin?.blocked ? this.prejoin.blocked : undefined;
    if (blocked && status === this.strings.problem(blocked.problem)) status = '';
    const { recording } = this.notices;
    return html`${status ? html`<p class="status" role="status">${status}</p>` : nothing}
      ${recording
        ? html`<p class="status recording-ready" role="status">${this.strings.recordingReady}
          <a part="download" href=${recording.url} download=${recording.fileName}>${this.strings.downloadRecording}</a></p>`
        : nothing}`;
  }

  override render() {
    const { call } = this.controller;
    const inCall = call.state === 'joining' || call.state === 'joined';
    const layout = inCall ? tileLayout(call, this.pinned, (name) => this.controller.nameOf(name), this.tileArea.size) : undefined;
    const context: TileContext = {
      strings: this.strings,
      nameOf: (name) => this.controller.nameOf(name),
      spotlight: layout?.spotlight,
      pinned: this.pinned,
      onPin: (key) => (this.pinned = this.pinned === key ? undefined : key),
      onVerify: (peerId) => this.panels.verify(peerId),
      onMetadata: (event) => this.playback.play(event),
      rects: layout?.rects,
    };
    const { fitHeight } = this.tileArea;
    const { open } = this.panels;
    const prejoin = inCall ? undefined : this.prejoinView();
    // One template for both views, with the self-view in the same place: joining keeps the
    // preview's <video> playing. A new one would show black until its first frame and start a
    // second player just when the first connections are being made.
    return html`
      <div class=${inCall ? (open ? 'stage with-panel' : 'stage') : prejoin?.again ? 'prejoin-again' : nothing} part=${inCall ? nothing : 'prejoin'}>
        <div class="main" style=${inCall && fitHeight !== undefined ? `--fit-height: ${fitHeight}px` : nothing}>
          <div class=${layout?.className ?? 'preview'} part=${inCall ? 'grid' : nothing} style=${layout?.style ?? nothing}>
            ${selfTile({
              stream: call.localStream,
              name: this.controller.nameOf(call.settings.name),
              inCall,
              hidden: call.state === 'left' || call.state === 'leaving',
              state: call.sources.state,
            }, context)}
            ${layout ? remoteTiles(layout.participants, context) : nothing}
            ${layout ? screenTiles(layout.screens, context) : nothing}
            ${prejoin ? previewAvatar(prejoin) : nothing}
            ${prejoin ? mediaBlockedNote(prejoin, this.strings) : nothing}
            ${prejoin ? prejoinToggles(prejoin, this.strings) : nothing}
          </div>
          ${open === 'settings' ? this.settingsView() : nothing}
          ${inCall && open === 'chat' ? this.chatView() : nothing}
          ${inCall && open === 'verify' ? this.verifyView() : nothing}
        </div>
        ${layout ? this.controlsView(layout.participants.length) : prejoin ? prejoinForm(prejoin, this.strings) : nothing}
        ${this.statusView(prejoin)}
      </div>
    `;
  }
}
