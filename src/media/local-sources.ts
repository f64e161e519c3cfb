/**
 * The visitor's own media as the call holds it: one slot per source (microphone, camera, screen
 * share). A slot owns its track and feeds every sender bound to it, on every
 * link and on a prepared offer: a new track (another device, a restarted capture) reaches them all
 * through `replaceTrack`, without renegotiation. Muting and turning the camera off are states of
 * the slot, kept across track changes.
 */
import { TypedEventTarget } from '../typed-event-target.js';

export type LocalSourceName = 'camera' | 'microphone' | 'screen';

export class LocalSource {
  private current?: MediaStreamTrack;
  private on = true;
  private constraints?: MediaTrackConstraints;
  private readonly senders = new Set<RTCRtpSender>();

  constructor(
    readonly name: LocalSourceName,
    readonly kind: 'audio' | 'video',
    private readonly changed: () => void,
  ) {}

  /** The captured track, if any; it may be disabled (muted, camera off). */
  get track(): MediaStreamTrack | undefined {
    return this.current;
  }

  /** Whether the visitor wants this source on (not muted, camera not off). */
  get enabled(): boolean {
    return this.on;
  }

  /** Mutes or unmutes (for the camera: turns it off or on). Peers get silence or black frames. */
  setEnabled(on: boolean): void {
    if (this.on === on) return;
    this.on = on;
    if (this.current) this.current.enabled = on;
    this.changed();
  }

  /**
   * Capture constraints for this slot's tracks (a smaller camera in a crowded call), applied to
   * the track now and to any track put in the slot later (another camera).
   */
  setConstraints(constraints: MediaTrackConstraints): void {
    this.constraints = constraints;
    this.current?.applyConstraints(constraints).catch(() => undefined);
  }

  /** Puts a track in the slot (or empties it) and sends it on every bound sender. */
  async setTrack(track: MediaStreamTrack | undefined): Promise<void> {
    if (track === this.current) return;
    this.current = track;
    if (track) track.enabled = this.on;
    if (track && this.constraints) track.applyConstraints(this.constraints).catch(() => undefined);
    this.changed();
    await Promise.all([...this.senders].map((sender) => this.feed(sender)));
  }

  /** Makes a sender send this slot's track, now and whenever it changes. */
  bind(sender: RTCRtpSender): Promise<void> {
    this.senders.add(sender);
    return this.feed(sender);
  }

  /** Forgets a sender whose connection closed. */
  unbind(sender: RTCRtpSender): void {
    this.senders.delete(sender);
  }

  /** Whether the slot feeds this sender. */
  feeds(sender: RTCRtpSender): boolean {
    return this.senders.has(sender);
  }

  /** How many senders the slot feeds (for leak checks). */
  get senderCount(): number {
    return this.senders.size;
  }

  /** The one place a sender's track is set. Rejects only for a closed connection: nothing to send on then. */
  private feed(sender: RTCRtpSender): Promise<void> {
    return sender.replaceTrack(this.current ?? null).catch(() => undefined);
  }
}

/** What peers are told of a visitor's media: whether its microphone and camera are on, and whether it shares its screen. */
export interface MediaState {
  microphone: boolean;
  camera: boolean;
  screen: boolean;
  /** The visitor records the call (everyone sees it on that visitor's tile). */
  recording: boolean;
}

/**
 * The slots in the fixed order of a connection's transceivers. Both sides know it, so a track
 * is told apart by its transceiver (the second video one is the screen), with no extra signaling.
 */
export const SOURCE_ORDER: readonly LocalSourceName[] = ['microphone', 'camera', 'screen'];

/** The media sections' ids in the order of the session description. */
function midsInOrder(pc: RTCPeerConnection): string[] {
  const sdp = pc.remoteDescription?.sdp ?? pc.localDescription?.sdp ?? '';
  return [...sdp.matchAll(/^a=mid:(\S+)/gm)].map((match) => match[1]);
}

/**
 * The transceiver of a connection that carries one source: the n-th of its kind (n by
 * `SOURCE_ORDER`), negotiated ones in the order of their media sections, then those not
 * negotiated yet in the order they were made. (After both sides offered at once, the side that
 * gave way holds its own unnegotiated transceivers beside those the other's offer made.)
 */
export function transceiverOf(pc: RTCPeerConnection, source: LocalSourceName): RTCRtpTransceiver | undefined {
  const kind = source === 'microphone' ? 'audio' : 'video';
  const nth = SOURCE_ORDER.filter((name) => (name === 'microphone' ? 'audio' : 'video') === kind).indexOf(source);
  const mids = midsInOrder(pc);
  const rank = (t: RTCRtpTransceiver) => (t.mid === null || !mids.includes(t.mid) ? Number.MAX_SAFE_INTEGER : mids.indexOf(t.mid));
  const all = pc.getTransceivers();
  const ofKind = all.filter((t) => t.receiver.track.kind === kind && t.direction !== 'stopped');
  // Stable: equal ranks keep the order they were made in.
  ofKind.sort((a, b) => rank(a) - rank(b) || all.indexOf(a) - all.indexOf(b));
  return ofKind[nth];
}

/** Which source a remote track is, by the transceiver it arrived on. */
export function sourceOf(pc: RTCPeerConnection, transceiver: RTCRtpTransceiver): LocalSourceName | undefined {
  return SOURCE_ORDER.find((source) => transceiverOf(pc, source) === transceiver);
}

export interface LocalSourcesEventMap {
  /** A slot's track or enabled state changed. */
  change: Event;
}

export class LocalSources extends TypedEventTarget<LocalSourcesEventMap> {
  readonly microphone = new LocalSource('microphone', 'audio', () => this.onChange());
  readonly camera = new LocalSource('camera', 'video', () => this.onChange());
  /** The screen being shared, if any. */
  readonly screen = new LocalSource('screen', 'video', () => this.onChange());
  /** Microphone and camera, for the self-view and as the `msid` senders announce. Same object for the whole visit. */
  readonly stream = new MediaStream();
  private recordingNow = false;

  /** The slots in the fixed order of a connection's transceivers (`SOURCE_ORDER`). */
  get all(): readonly LocalSource[] {
    return SOURCE_ORDER.map((name) => this[name]);
  }

  /** Whether each source is on: captured and neither muted nor turned off. */
  get state(): MediaState {
    const on = (source: LocalSource) => source.enabled && source.track !== undefined && source.track.readyState === 'live';
    return { microphone: on(this.microphone), camera: on(this.camera), screen: on(this.screen), recording: this.recordingNow };
  }

  /** Says whether the visitor records the call; peers are told with the rest of the state. */
  setRecording(recording: boolean): void {
    if (recording === this.recordingNow) return;
    this.recordingNow = recording;
    this.dispatchEvent(new Event('change'));
  }

  /** Fills the slots from a captured stream (its first audio and first video track). */
  async useStream(captured: MediaStream): Promise<void> {
    await Promise.all([this.microphone.setTrack(captured.getAudioTracks()[0]), this.camera.setTrack(captured.getVideoTracks()[0])]);
  }

  /** Stops every track (the camera light goes off) and empties the slots. */
  async release(): Promise<void> {
    const tracks = this.all.map((source) => source.track);
    await Promise.all(this.all.map((source) => source.setTrack(undefined)));
    for (const track of tracks) track?.stop();
  }

  private onChange(): void {
    const tracks = [this.microphone.track, this.camera.track].filter((t): t is MediaStreamTrack => t !== undefined);
    for (const track of this.stream.getTracks()) if (!tracks.includes(track)) this.stream.removeTrack(track);
    for (const track of tracks) if (!this.stream.getTracks().includes(track)) this.stream.addTrack(track);
    this.dispatchEvent(new Event('change'));
  }
}
