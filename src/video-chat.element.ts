import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { DEFAULT_NAME, parseBrokerUrls, parseIceServers } from './config.js';
import { chatEvent, errorEvent, type CallState, type PeerInfo, type VideoChatErrorDetail, type VideoChatEventMap } from './events.js';
import { captureLocalMedia, releaseStream } from './media/local-media.js';
import { CallSession } from './session.js';
import type { SignalingState } from './signaling/room-signal.js';
import { cleanName } from './signaling/messages.js';
import { videoChatStyles } from './video-chat.styles.js';

interface RemoteTile extends PeerInfo {
  stream: MediaStream;
}

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
 * @fires error - Something went wrong; does not bubble. `detail: {code, message}`, codes `bad-attribute`, `media-denied`, `media-unavailable`, `broker-unreachable`, `negotiation-failed`, `wrong-password`, `unsupported`.
 *
 * @csspart grid - The area holding the video tiles.
 * @csspart tile - Every video tile; also `local` or `remote`. 16:9, sized so that the tiles and the controls fit the window's height (`max-width: none` lets tiles grow past it).
 * @csspart local - The visitor's own tile (muted, mirrored).
 * @csspart remote - A remote peer's tile.
 * @csspart video - The `<video>` inside a tile.
 * @csspart name - The name label inside a tile.
 * @csspart empty - The note shown while nobody else is in the room.
 * @csspart controls - The bar of call controls.
 * @csspart button - Every button; also `mic`, `camera`, `leave`, `join` or `unmute`.
 * @csspart mic - The microphone toggle: labelled "Mute", `aria-pressed="true"` while muted.
 * @csspart camera - The camera toggle: labelled "Camera off", `aria-pressed="true"` while the camera is off.
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

  @state() private callState: CallState = 'idle';
  @state() private remotes: RemoteTile[] = [];
  @state() private stream?: MediaStream;
  @state() private micOn = true;
  @state() private cameraOn = true;
  @state() private soundBlocked = false;
  @state() private status = '';
  @state() private brokerState: SignalingState = 'offline';

  private session?: CallSession;
  private joining?: Promise<void>;
  private leaving?: Promise<void>;
  private teardownTimer?: ReturnType<typeof setTimeout>;
  private mediaRequest?: Promise<MediaStream>;
  private leaveCalls = 0;
  /** Room, broker and password `autojoin` last tried: a failed attempt is not retried until one changes. */
  private autojoinTried?: string;
  /** Set once removal from the page has ended the visit: inserting the element again starts afresh. */
  private tornDown = false;
  /**
   * A join being started over (see `restartJoin`) while its old attempt winds down. Resolves true
   * if the new attempt is to start, false if a `leave()` meanwhile ended it.
   */
  private restarting?: Promise<boolean>;

  /** `'idle' | 'joining' | 'joined' | 'left'`. */
  get state(): CallState {
    return this.callState;
  }

  /** The peers currently in the call (media connection live). */
  get peers(): PeerInfo[] {
    return this.remotes.map(({ peerId, name }) => ({ peerId, name }));
  }

  /**
   * The connection to the signaling broker: `'connecting' | 'online' | 'reconnecting' | 'offline'`.
   * Media between peers does not depend on it.
   */
  get signalingState(): SignalingState {
    return this.brokerState;
  }

  /** The visitor's own camera/microphone stream, once captured. */
  get localStream(): MediaStream | undefined {
    return this.stream;
  }

  /**
   * Joins the room. Idempotent; resolves once joined, when joining is impossible (an `error` event
   * says why), or when `leave()` ends the attempt. While the broker is unreachable it keeps
   * retrying (and says so with `error` `broker-unreachable`). Never rejects.
   */
  join(): Promise<void> {
    // A restart in progress joins by itself, with the latest room and password.
    if (this.restarting) return this.restarting.then(() => this.join());
    if (this.joining) return this.joining;
    this.joining = this.startJoin()
      .catch(async (error: unknown) => {
        // Nothing may escape into the host page: an unforeseen failure becomes an `error` event.
        this.fail({ code: 'unsupported', message: `Could not join: ${error instanceof Error ? error.message : String(error)}` });
        const session = this.session;
        this.session = undefined;
        await session?.leave().catch(() => undefined);
        this.callState = 'idle';
      })
      .finally(() => {
        this.joining = undefined;
      });
    return this.joining;
  }

  /**
   * Leaves the room: tells the others, releases camera, microphone and connections. Before joining,
   * it turns the pre-join preview off. Either way the state becomes `left`. Idempotent; never
   * rejects.
   */
  leave(): Promise<void> {
    this.leaveCalls++;
    if (this.leaving) return this.leaving;
    this.leaving = this.endSession()
      .catch(() => undefined)
      .finally(() => {
        this.leaving = undefined;
      });
    return this.leaving;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved within the page: the call goes on.
    clearTimeout(this.teardownTimer);
    this.teardownTimer = undefined;
    if (this.tornDown) {
      this.tornDown = false;
      this.autojoinTried = undefined;
      // Back on a page after its removal ended the visit: as new, once that ending is complete,
      // so autojoin joins again and the pre-join view shows a fresh preview.
      void Promise.all([this.leaving, this.restarting]).then(() => {
        if (!this.isConnected || this.tornDown) return;
        if (this.callState === 'left') {
          this.callState = 'idle';
          this.status = '';
        }
        this.requestUpdate();
      });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Removal and re-insertion in the same task is a move, not a hang-up: decide in a later task.
    this.teardownTimer = setTimeout(() => {
      this.teardownTimer = undefined;
      if (!this.isConnected) {
        this.tornDown = true;
        void this.leave();
        if (this.callState === 'idle') this.releaseMedia();
      }
    }, 0);
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
    if (changed.has('iceServers')) {
      const { error } = parseIceServers(this.iceServers);
      if (error) this.fail({ code: 'bad-attribute', message: error });
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    const active = this.callState === 'joining' || this.callState === 'joined';
    const movedRoom = (changed.has('room') && changed.get('room') !== undefined) || (changed.has('password') && changed.get('password') !== undefined);
    if (movedRoom && this.callState === 'joining') {
      // Without a session, a restart is under way already (it joins with the latest values), or a
      // failed attempt is going back to idle.
      if (this.session) this.restartJoin(this.session);
    } else if (movedRoom && active) {
      // The old attempt must have wound down before the new one, or join() would return it. A
      // leave() meanwhile (the page's, or the element's removal) cancels the rejoin.
      const left = this.leave();
      const leavesBefore = this.leaveCalls;
      void left
        .then(() => this.joining)
        .then(() => (this.room && this.isConnected && this.leaveCalls === leavesBefore ? this.join() : undefined));
    } else if (this.autojoin && this.room && this.callState === 'idle' && this.isConnected) {
      // Once per room, broker and password: a join that failed (its `error` said why) is not
      // retried, with the same error, on every re-render.
      const attempt = JSON.stringify([this.room, this.broker, this.password]);
      if (attempt !== this.autojoinTried) {
        this.autojoinTried = attempt;
        void this.join();
      }
    } else if (!this.autojoin && this.callState === 'idle' && !this.mediaRequest && this.isConnected) {
      void this.ensureLocalMedia();
    }
  }

  private async startJoin(): Promise<void> {
    const leavesBefore = this.leaveCalls;
    await this.leaving;
    // `leave()` called right after `join()`, before a session existed: the visitor changed its mind.
    if (this.leaveCalls !== leavesBefore) return;
    if (this.callState === 'joining' || this.callState === 'joined') return;
    const room = this.room.trim();
    if (!room) {
      this.fail({ code: 'bad-attribute', message: 'The room attribute is required to join.' });
      return;
    }
    const broker = parseBrokerUrls(this.broker);
    if (!broker.value) {
      this.fail({ code: 'bad-attribute', message: broker.error ?? 'Bad broker attribute.' });
      return;
    }
    this.callState = 'joining';
    this.status = 'Joining…';
    const media = this.ensureLocalMedia();
    const session = new CallSession({
      room,
      brokerUrls: broker.value,
      name: cleanName(this.name) || DEFAULT_NAME,
      password: this.password,
      iceServers: parseIceServers(this.iceServers).value,
      localMedia: media,
    });
    this.session = session;
    this.listenTo(session);
    const joined = await session.join();
    if (this.session !== session) return;
    if (!joined) {
      // Joining was impossible (an `error` event said why): back to where we started.
      this.session = undefined;
      await session.leave();
      this.callState = 'idle';
      return;
    }
    this.callState = 'joined';
    this.status = '';
    this.dispatchEvent(chatEvent('joined', { room, peerId: session.peerId }));
  }

  /**
   * Starts a join still in progress over, for a new room or password: nobody has met us yet, so
   * there is no `left`, and the camera stays on. This is what happens when a page's script sets
   * `password` just after an `autojoin` element began joining.
   */
  private restartJoin(old: CallSession): void {
    const leavesBefore = this.leaveCalls;
    this.session = undefined;
    const restarting = (async () => {
      await old.leave();
      // The old attempt returns at once now that it is no longer the element's session.
      await this.joining;
      if (this.leaveCalls !== leavesBefore || !this.isConnected || !this.room.trim()) {
        // Told to leave meanwhile (that leave() waited for this): end the visit here.
        this.endVisit(old);
        return false;
      }
      this.callState = 'idle';
      return true;
    })().catch(() => false);
    this.restarting = restarting;
    void restarting.then((rejoin) => {
      this.restarting = undefined;
      if (rejoin) void this.join();
    });
  }

  private async endSession(): Promise<void> {
    const session = this.session;
    if (!session) {
      // A join being started over ends once its old attempt has wound down (see restartJoin).
      if (this.restarting) await this.restarting;
      // Not in a call: leaving still turns off the pre-join preview's camera, and keeps it off.
      else if (this.callState === 'idle') {
        this.releaseMedia();
        this.callState = 'left';
      }
      return;
    }
    this.session = undefined;
    // Leaving aborts a join still in progress, so this never waits on a dead broker.
    await session.leave();
    this.syncRemotes(session);
    this.endVisit(session);
  }

  /** The last step of leaving a session's room: camera off, state `left`, and the `left` event. */
  private endVisit(session: CallSession): void {
    this.releaseMedia();
    this.callState = 'left';
    this.status = 'You left the call.';
    this.dispatchEvent(chatEvent('left', { room: session.options.room, peerId: session.peerId }));
  }

  private listenTo(session: CallSession): void {
    const current = () => this.session === session || this.leaving !== undefined;
    session.addEventListener('peer-connected', ({ detail }) => {
      if (!current()) return;
      this.syncRemotes(session);
      this.dispatchEvent(chatEvent('connected', { peerId: detail.peerId, name: detail.name }));
    });
    session.addEventListener('peer-disconnected', ({ detail }) => {
      this.syncRemotes(session);
      this.dispatchEvent(chatEvent('disconnected', { peerId: detail.peerId, name: detail.name, reason: detail.reason }));
    });
    session.addEventListener('media-changed', () => this.syncRemotes(session));
    session.addEventListener('signaling-state', () => {
      // A session torn down without leave() (a failed join) still reports its connection closed,
      // unless another session has taken over meanwhile or the join is being started over quietly.
      const tornDownAlone = session.signalingState === 'offline' && !this.session && !this.restarting;
      if (this.session !== session && !this.leaving && !tornDownAlone) return;
      this.brokerState = session.signalingState;
      this.dispatchEvent(chatEvent('signaling-state', { state: this.brokerState }));
    });
    session.addEventListener('peer-failed', ({ detail }) => this.fail({ code: 'negotiation-failed', message: detail.message }));
    session.addEventListener('unreachable', ({ detail }) => this.fail({ code: 'broker-unreachable', message: detail.message }));
    session.addEventListener('unsupported', ({ detail }) => this.fail({ code: 'unsupported', message: detail.message }));
    session.addEventListener('wrong-password', () =>
      this.fail({ code: 'wrong-password', message: 'This room is in use with a different password. Check the password and join again.' }),
    );
  }

  private syncRemotes(session: CallSession): void {
    const streams = session.remoteStreams;
    this.remotes = session.peers.map((peer) => ({ ...peer, stream: streams.get(peer.peerId) ?? new MediaStream() }));
  }

  /**
   * Captures camera and microphone once per visit, however many callers ask at once (preview and
   * join); problems become `error` events, never failures.
   */
  private ensureLocalMedia(): Promise<MediaStream> {
    if (this.mediaRequest) return this.mediaRequest;
    const request: Promise<MediaStream> = captureLocalMedia().then(({ stream, problem }) => {
      if (this.mediaRequest !== request) {
        // Released while the camera was starting: nobody wants this stream any more.
        releaseStream(stream);
        return stream;
      }
      if (problem) this.fail(problem);
      this.stream = stream;
      this.micOn = stream.getAudioTracks().some((t) => t.enabled);
      this.cameraOn = stream.getVideoTracks().some((t) => t.enabled);
      return stream;
    });
    this.mediaRequest = request;
    return request;
  }

  /** Stops the camera and microphone, including a capture still starting. */
  private releaseMedia(): void {
    releaseStream(this.stream);
    this.stream = undefined;
    this.mediaRequest = undefined;
  }

  private fail(detail: VideoChatErrorDetail): void {
    this.status = detail.message;
    this.dispatchEvent(errorEvent(detail));
  }

  private toggle(kind: 'audio' | 'video'): void {
    const tracks = kind === 'audio' ? this.stream?.getAudioTracks() : this.stream?.getVideoTracks();
    if (!tracks?.length) return;
    const enabled = !tracks[0].enabled;
    for (const track of tracks) track.enabled = enabled;
    if (kind === 'audio') this.micOn = enabled;
    else this.cameraOn = enabled;
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

  private enableSound(): void {
    this.soundBlocked = false;
    for (const video of this.renderRoot.querySelectorAll<HTMLVideoElement>('[part~="remote"] video')) {
      video.muted = false;
      void video.play().catch(() => undefined);
    }
  }

  override render() {
    const inCall = this.callState === 'joining' || this.callState === 'joined';
    const count = this.remotes.length + 1;
    const columns = Math.ceil(Math.sqrt(count));
    const rows = Math.ceil(count / columns);
    // One template for both views, with the self-view in the same place: joining keeps the
    // preview's <video> playing. A new one would show black until its first frame and start a
    // second player just when the first connections are being made.
    return html`
      <div class=${inCall ? 'stage' : nothing} part=${inCall ? nothing : 'prejoin'}>
        <div class=${inCall ? 'grid' : 'preview'} part=${inCall ? 'grid' : nothing} style=${inCall ? `--columns: ${columns}; --rows: ${rows}` : nothing}>
          <figure part="tile local" ?hidden=${this.callState === 'left'}>
            <video part="video" .srcObject=${this.stream ?? null} autoplay playsinline muted aria-label=${inCall ? 'Your camera' : 'Your camera preview'}></video>
            <figcaption part="name">${cleanName(this.name) || DEFAULT_NAME} (you)</figcaption>
          </figure>
          ${inCall
            ? repeat(
              this.remotes,
              (remote) => remote.peerId,
              (remote) => html`<figure part="tile remote" data-peer-id=${remote.peerId}>
                <video part="video" .srcObject=${remote.stream} autoplay playsinline aria-label=${`Video of ${remote.name}`} @loadedmetadata=${this.playRemote}></video>
                <figcaption part="name">${remote.name}</figcaption>
              </figure>`,
            )
            : nothing}
        </div>
        ${inCall ? this.renderCallControls() : this.renderPrejoinControls()}
        ${this.status ? html`<p class="status" role="status">${this.status}</p>` : nothing}
      </div>
    `;
  }

  private renderPrejoinControls() {
    return html`
      <label>
        Your name
        <input
          type="text"
          maxlength="64"
          autocomplete="nickname"
          .value=${this.name}
          @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)}
        />
      </label>
      <button part="button join" ?disabled=${!this.room.trim()} @click=${() => void this.join()}>
        ${this.callState === 'left' ? 'Join again' : 'Join'}
      </button>
    `;
  }

  private renderCallControls() {
    const hasMic = !!this.stream?.getAudioTracks().length;
    const hasCamera = !!this.stream?.getVideoTracks().length;
    return html`
      ${this.remotes.length === 0
        ? html`<p part="empty" role="status">${this.callState === 'joining' ? 'Joining…' : 'Nobody else is here yet. Waiting for others to join…'}</p>`
        : nothing}
      <div part="controls" role="toolbar" aria-label="Call controls">
        <button part="button mic" aria-pressed=${this.micOn && hasMic ? 'false' : 'true'} ?disabled=${!hasMic} @click=${() => this.toggle('audio')}>
          Mute
        </button>
        <button part="button camera" aria-pressed=${this.cameraOn && hasCamera ? 'false' : 'true'} ?disabled=${!hasCamera} @click=${() => this.toggle('video')}>
          Camera off
        </button>
        ${this.soundBlocked ? html`<button part="button unmute" @click=${this.enableSound}>Enable sound</button>` : nothing}
        <button part="button leave" @click=${() => void this.leave()}>Leave</button>
      </div>
    `;
  }
}
