/**
 * A remote visitor of the call as the UI sees it: who it is and its tracks by source. Views
 * subscribe to its events instead of rebuilding from streams.
 */
import type { MediaState } from '../media/local-sources.js';
import { TypedEventTarget } from '../typed-event-target.js';
import type { LinkPath, LinkQuality, LinkSample } from './link-quality.js';

/** Where a track comes from on the visitor's side. */
export type TrackSource = 'camera' | 'microphone' | 'screen';

export interface TrackEventDetail {
  source: TrackSource;
  track: MediaStreamTrack;
}

export interface RemoteParticipantEventMap {
  /** A track arrived. */
  'track-added': CustomEvent<TrackEventDetail>;
  /** A track ended. */
  'track-removed': CustomEvent<TrackEventDetail>;
  /** A track stopped or resumed delivering media (`track.muted`). */
  'track-muted': CustomEvent<TrackEventDetail & { muted: boolean }>;
  /** The media path came back after an outage: players should attach afresh (see `generation`). */
  'media-renewed': Event;
  /** The visitor muted or unmuted, turned its camera off or on, started or stopped sharing its screen, was verified, or showed another key than the one verified under its name (see `microphoneOn`, `cameraOn`, `screenOn`, `verified`, `keyChanged`). */
  'state-changed': Event;
  /** The visitor began or stopped speaking (see `speaking`): often, so apart from `state-changed`, which redraws everything. */
  'speaking-changed': Event;
  /** How the visitor is reached or how well changed (see `path`, `quality`). */
  'quality-changed': Event;
}

export class RemoteParticipant extends TypedEventTarget<RemoteParticipantEventMap> {
  private readonly tracks = new Map<TrackSource, MediaStreamTrack>();
  private renewals = 0;
  private state: MediaState = { microphone: true, camera: true, screen: false, recording: false };
  private verifiedByVisitor = false;
  private verifiedEarlier = false;
  private otherKeyThanVerified = false;
  private isSpeaking = false;
  private heardWhileMuted = false;
  private mutedSaidAt = 0;
  private linkPath?: LinkPath;
  private linkQuality?: LinkQuality;
  private lastSample: LinkSample = {};
  /**
   * The id of the long-term key the visitor proved it holds on this connection (it uses
   * `remember-identity`); undefined if it proved none.
   */
  keyId?: string;

  constructor(
    /** Random id the visitor picked for this visit. */
    readonly peerId: string,
    /** Display name the visitor chose (plain text; empty if it chose none). */
    public name: string,
  ) {
    super();
  }

  /** The track from one source, if the visitor sends it. */
  track(source: TrackSource): MediaStreamTrack | undefined {
    return this.tracks.get(source);
  }

  /** The sources the visitor sends. */
  get sources(): TrackSource[] {
    return [...this.tracks.keys()];
  }

  /**
   * Whether the visitor's microphone is on: it says so over the link (assumed on until it does), or
   * its voice is heard although it says it is muted. A visitor's word is its own client's: one
   * that claims to be muted while its voice plays is shown as it sounds.
   */
  get microphoneOn(): boolean {
    return this.state.microphone || this.heardWhileMuted;
  }

  /** Since when (`performance.now()`) the visitor says its microphone is off; undefined while it says on. */
  get saysMutedSince(): number | undefined {
    return this.state.microphone ? undefined : this.mutedSaidAt;
  }

  /** Marks the visitor heard, or no longer heard, although it says it is muted. */
  setHeardWhileMuted(heard: boolean): void {
    if (heard === this.heardWhileMuted || (heard && this.state.microphone)) return;
    this.heardWhileMuted = heard;
    this.dispatchEvent(new Event('state-changed'));
  }

  /** Whether the visitor's camera is on (it says so over the link; assumed on until it does). */
  get cameraOn(): boolean {
    return this.state.camera;
  }

  /** Whether the visitor shares its screen (it says so over the link); the track is `track('screen')`. */
  get screenOn(): boolean {
    return this.state.screen;
  }

  /** Whether the visitor records the call. */
  get recordingOn(): boolean {
    return this.state.recording;
  }

  /** Whether the visitor is speaking: its voice arrives above room noise (see call/speaking-watch.ts). */
  get speaking(): boolean {
    return this.isSpeaking;
  }

  /** Marks the visitor speaking or not. */
  setSpeaking(speaking: boolean): void {
    if (speaking === this.isSpeaking) return;
    this.isSpeaking = speaking;
    this.dispatchEvent(new Event('speaking-changed'));
  }

  /**
   * How the visitor is reached: `direct` (browser to browser) or `relay` (through a TURN server);
   * undefined until the link is measured.
   */
  get path(): LinkPath | undefined {
    return this.linkPath;
  }

  /**
   * How well media arrives from the visitor: `good`, `fair` or `poor`, from packet loss, the
   * path's round trip and the camera's frame rate (see call/link-quality.ts); undefined until measured.
   */
  get quality(): LinkQuality | undefined {
    return this.linkQuality;
  }

  /** The last measures behind `quality`: loss (0–1), round trip (ms), camera frames per second. */
  get linkSample(): Readonly<LinkSample> {
    return this.lastSample;
  }

  /** Takes a measurement of the link; fires `quality-changed` if the path or the quality changed. */
  setLink({ path, quality, sample }: { path?: LinkPath; quality?: LinkQuality; sample: LinkSample }): void {
    this.lastSample = sample;
    if (path === this.linkPath && quality === this.linkQuality) return;
    this.linkPath = path;
    this.linkQuality = quality;
    this.dispatchEvent(new Event('quality-changed'));
  }

  /** Takes the media state the visitor told. */
  setState(state: MediaState): void {
    if ((Object.keys(state) as (keyof MediaState)[]).every((key) => state[key] === this.state[key])) return;
    if (this.state.microphone && !state.microphone) this.mutedSaidAt = performance.now();
    this.heardWhileMuted = false;
    this.state = { ...state };
    this.dispatchEvent(new Event('state-changed'));
  }

  /** Whether this visitor compared the pair's safety code with this participant and found it matched. */
  get verified(): boolean {
    return this.verifiedByVisitor;
  }

  /**
   * Whether the verification was remembered from an earlier visit (`remember-identity`) rather
   * than made in this one.
   */
  get verifiedBefore(): boolean {
    return this.verifiedEarlier;
  }

  /**
   * Whether this visitor once verified someone of this name, and this participant proved another
   * key: a changed safety number, in messengers' words. It may be a new device, or someone else.
   */
  get keyChanged(): boolean {
    return this.otherKeyThanVerified;
  }

  /** Marks the participant verified (see `VideoCall.markVerified`); `remembered` if from an earlier visit. */
  setVerified(remembered = false): void {
    if (this.verifiedByVisitor) return;
    this.verifiedByVisitor = true;
    this.verifiedEarlier = remembered;
    this.otherKeyThanVerified = false;
    this.dispatchEvent(new Event('state-changed'));
  }

  /** Marks the participant as showing another key than the one verified under its name. */
  setKeyChanged(): void {
    if (this.otherKeyThanVerified || this.verifiedByVisitor) return;
    this.otherKeyThanVerified = true;
    this.dispatchEvent(new Event('state-changed'));
  }

  /** Grows each time the media path recovers; a player keyed on it attaches afresh. */
  get generation(): number {
    return this.renewals;
  }

  /** Brings the tracks in line with what the connection now carries. */
  syncTracks(current: ReadonlyMap<TrackSource, MediaStreamTrack>): void {
    for (const [source, track] of this.tracks) {
      if (current.get(source) === track) continue;
      this.tracks.delete(source);
      this.dispatchEvent(new CustomEvent('track-removed', { detail: { source, track } }));
    }
    for (const [source, track] of current) {
      if (this.tracks.get(source) === track) continue;
      this.tracks.set(source, track);
      const onMute = () => {
        if (this.tracks.get(source) !== track) return;
        this.dispatchEvent(new CustomEvent('track-muted', { detail: { source, track, muted: track.muted } }));
      };
      track.addEventListener('mute', onMute);
      track.addEventListener('unmute', onMute);
      this.dispatchEvent(new CustomEvent('track-added', { detail: { source, track } }));
    }
  }

  /** Marks the media as renewed (see `generation`). */
  renewMedia(): void {
    this.renewals++;
    this.dispatchEvent(new Event('media-renewed'));
  }
}
