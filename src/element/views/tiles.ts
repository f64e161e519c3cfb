/**
 * The video tiles: the visitor's own (the same `<video>` before and after joining), one per
 * remote participant, built from the participant's tracks by source, and one per shared screen.
 * Each tile has a key; the one in the spotlight (pinned, or else the newest screen) is drawn
 * large by the stylesheet.
 */
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { RemoteParticipant } from '../../call/participant.js';
import type { VideoCall } from '../../call/video-call.js';
import type { Strings } from '../strings.js';
import type { AreaSize } from '../tile-area.js';
import { placeTiles, type TileRect } from '../tile-placement.js';
import { icon } from './icons.js';
import type { LinkPath, LinkQuality, LinkSample } from '../../call/link-quality.js';

/** One player stream per participant and media generation: a recovered media path gets a new one. */
const players = new WeakMap<RemoteParticipant, { generation: number; stream: MediaStream }>();

function playerStream(participant: RemoteParticipant): MediaStream {
  const tracks = [participant.track('camera'), participant.track('microphone')].filter((t): t is MediaStreamTrack => t !== undefined);
  let player = players.get(participant);
  if (!player || player.generation !== participant.generation) {
    player = { generation: participant.generation, stream: new MediaStream() };
    players.set(participant, player);
  }
  const { stream } = player;
  for (const track of stream.getTracks()) if (!tracks.includes(track)) stream.removeTrack(track);
  for (const track of tracks) if (!stream.getTracks().includes(track)) stream.addTrack(track);
  return stream;
}

/** A screen track's own stream, the same object for as long as the track lasts. */
const screenStreams = new WeakMap<MediaStreamTrack, MediaStream>();

function screenStream(track: MediaStreamTrack): MediaStream {
  let stream = screenStreams.get(track);
  if (!stream) {
    stream = new MediaStream([track]);
    screenStreams.set(track, stream);
  }
  return stream;
}

/** Up to two letters standing for a name, shown on a tile whose camera is off. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = (words.length > 1 ? [words[0], words[words.length - 1]] : words).map((word) => Array.from(word)[0] ?? '');
  return letters.join('').toLocaleUpperCase();
}

type TileState = {
  microphone: boolean; camera: boolean; recording?: boolean; verified?: boolean; keyChanged?: boolean; speaking?: boolean;
  /** How a remote visitor is reached and how well (see call/link-quality.ts). */
  path?: LinkPath; quality?: LinkQuality; sample?: Readonly<LinkSample>;
};

/** Tile keys: `local`, `local:screen`, a peer id, or a peer id and `:screen`. */
export const screenKey = (key: string) => `${key}:screen`;

/** What the tiles need from the element besides the participants. */
export interface TileContext {
  strings: Strings;
  nameOf(name: string): string;
  /** The key of the tile in the spotlight, if any. */
  spotlight?: string;
  /** The key of the pinned tile, if any. */
  pinned?: string;
  onPin(key: string): void;
  /** Opens the Verify panel for a remote peer. */
  onVerify(peerId: string): void;
  onMetadata(event: Event): void;
  /** Each tile's rectangle in the grid, once the grid is measured. */
  rects?: Map<string, TileRect>;
}

/** A tile's place in the grid, for the stylesheet; nothing before the grid is measured. */
function tilePlace(key: string, context: TileContext) {
  const rect = context.rects?.get(key);
  return rect ? `--tile-x: ${rect.x}px; --tile-y: ${rect.y}px; --tile-width: ${rect.width}px; --tile-height-px: ${rect.height}px` : nothing;
}

/** The part names of a tile: its kind, its visitor's media state, and whether it is in the spotlight. */
function tileParts(key: string, kinds: string[], state: TileState | undefined, context: TileContext): string {
  const parts = ['tile', ...kinds];
  if (state && !state.microphone) parts.push('muted');
  if (state?.speaking) parts.push('speaking');
  if (state && !state.camera) parts.push('camera-off');
  if (state?.recording) parts.push('recording');
  if (state?.verified) parts.push('verified');
  if (state?.keyChanged) parts.push('key-changed');
  if (state?.path === 'relay') parts.push('relay');
  if (state?.quality === 'poor') parts.push('quality-poor');
  if (context.spotlight === key) parts.push('spotlight');
  return parts.join(' ');
}

/** Picture-in-picture, fullscreen, pin and, on a peer's camera tile, verify: shown on hover and focus. */
function tileActions(key: string, label: string, context: TileContext, verifiable: boolean) {
  const { strings } = context;
  const video = (event: Event) => (event.currentTarget as HTMLElement).closest('figure')?.querySelector('video');
  const pinned = context.pinned === key;
  return html`<div class="tile-actions" role="group" aria-label=${strings.tileActions(label)}>
    ${document.pictureInPictureEnabled
      ? html`<button part="button pip" class="icon-button small" aria-label=${strings.pictureInPicture} data-tooltip=${strings.pictureInPicture}
          @click=${(event: Event) => void video(event)?.requestPictureInPicture().catch(() => undefined)}>${icon('pip')}</button>`
      : nothing}
    ${document.fullscreenEnabled
      ? html`<button part="button fullscreen" class="icon-button small" aria-label=${strings.fullscreen} data-tooltip=${strings.fullscreen}
          @click=${(event: Event) => void (event.currentTarget as HTMLElement).closest('figure')?.requestFullscreen().catch(() => undefined)}>${icon('fullscreen')}</button>`
      : nothing}
    <button part="button pin" class="icon-button small" aria-label=${strings.pin} data-tooltip=${pinned ? strings.unpin : strings.pin} aria-pressed=${pinned ? 'true' : 'false'}
      @click=${() => context.onPin(key)}>${icon('pin')}</button>
    ${verifiable
      ? html`<button part="button verify" class="icon-button small" aria-label=${strings.verify} data-tooltip=${strings.verify}
          @click=${() => context.onVerify(key)}>${icon('verify')}</button>`
      : nothing}
  </div>`;
}

/** What a tile shows over its video: the visitor's initials while its camera is off, its name with a mic-off mark, and its actions. */
function tileOverlay(key: string, name: string, state: TileState | undefined, context: TileContext, verifiable = false) {
  const { strings } = context;
  return html`${state && !state.camera ? html`<div part="avatar" aria-hidden="true"><span>${initials(name)}</span></div>` : nothing}
    ${state?.recording ? html`<span class="recording-mark" role="img" aria-label=${strings.recordingMark}>${icon('record')}<span aria-hidden="true">REC</span></span>` : nothing}
    <figcaption part="name">${state?.verified ? html`<span class="verified-mark" role="img" aria-label=${strings.verifiedMark}>${icon('verify')}</span>` : nothing}${state?.keyChanged ? html`<span class="key-changed-mark" role="img" aria-label=${strings.keyChangedMark} title=${strings.keyChangedMark}>${icon('key-changed')}</span>` : nothing}${state && !state.microphone ? html`<span class="muted-mark" role="img" aria-label=${strings.microphoneOff}>${icon('mic-off')}</span>` : nothing}${linkMark(state, strings)}<span class="label">${name}</span></figcaption>
    ${tileActions(key, name, context, verifiable)}`;
}

/**
 * A signal mark while a remote visitor's link is fair or poor, or relayed: bars as phones show
 * them, and a tooltip that says what it means for the call and what was measured.
 */
function linkMark(state: TileState | undefined, strings: Strings) {
  if (!state?.quality || (state.quality === 'good' && state.path !== 'relay')) return nothing;
  const label = strings.linkQuality(state.quality, state.path, state.sample ?? {});
  return html`<span class="link-mark ${state.quality}" role="img" aria-label=${label} title=${label}>${icon(`signal-${state.quality}`)}</span>`;
}

export interface SelfTileView {
  stream?: MediaStream;
  name: string;
  inCall: boolean;
  hidden: boolean;
  state: TileState;
}

export function selfTile(view: SelfTileView, context: TileContext) {
  const { strings } = context;
  const name = strings.you(view.name);
  return html`<figure part=${tileParts('local', ['local'], view.state, context)} ?hidden=${view.hidden} style=${view.inCall ? tilePlace('local', context) : nothing}>
    <video part="video" .srcObject=${view.stream ?? null} autoplay playsinline muted aria-label=${view.inCall ? strings.yourCamera : strings.yourCameraPreview}></video>
    ${view.inCall ? tileOverlay('local', name, view.state, context) : html`<figcaption part="name"><span class="label">${name}</span></figcaption>`}
  </figure>`;
}

export function remoteTiles(participants: RemoteParticipant[], context: TileContext) {
  return repeat(
    participants,
    (participant) => participant.peerId,
    (participant) => {
      const name = context.nameOf(participant.name);
      const state = {
        microphone: participant.microphoneOn, camera: participant.cameraOn, recording: participant.recordingOn,
        verified: participant.verified, keyChanged: participant.keyChanged, speaking: participant.speaking,
        path: participant.path, quality: participant.quality, sample: participant.linkSample,
      };
      return html`<figure part=${tileParts(participant.peerId, ['remote'], state, context)} data-peer-id=${participant.peerId} style=${tilePlace(participant.peerId, context)}>
        <video part="video" .srcObject=${playerStream(participant)} autoplay playsinline aria-label=${context.strings.videoOf(name)} @loadedmetadata=${context.onMetadata}></video>
        ${tileOverlay(participant.peerId, name, state, context, true)}
      </figure>`;
    },
  );
}

export interface ScreenTile {
  /** `local`, or the sharing participant's peer id. */
  owner: string;
  /** The sharer's name as shown. */
  name: string;
  track: MediaStreamTrack;
}

/** Shared screens, their own tiles (part `screen`), never mirrored and without sound. */
export function screenTiles(screens: ScreenTile[], context: TileContext) {
  return repeat(
    screens,
    (screen) => screenKey(screen.owner),
    (screen) => {
      const key = screenKey(screen.owner);
      const local = screen.owner === 'local';
      const label = local ? context.strings.yourScreen : context.strings.screenOf(screen.name);
      return html`<figure part=${tileParts(key, [local ? 'local' : 'remote', 'screen'], undefined, context)} data-peer-id=${local ? nothing : screen.owner} style=${tilePlace(key, context)}>
        <video part="video" .srcObject=${screenStream(screen.track)} autoplay playsinline muted aria-label=${label}></video>
        ${tileOverlay(key, label, undefined, context)}
      </figure>`;
    },
  );
}

export function emptyNote(joining: boolean, strings: Strings) {
  return html`<p part="empty" role="status">${joining ? strings.joining : strings.alone}</p>`;
}

export interface TileLayout {
  participants: RemoteParticipant[];
  screens: ScreenTile[];
  /** The key of the tile shown large, if any. */
  spotlight?: string;
  /**
   * The grid's class: `grid`, `grid duo` (a phone with one other visitor: theirs large, one's own
   * floating) or `grid spotlight`; with `placed` once every tile has its rectangle.
   */
  className: string;
  /** The grid's columns and rows, for the stylesheet's arrangement before the grid is measured. */
  style: string;
  /** Each tile's rectangle, once the grid is measured. */
  rects?: Map<string, TileRect>;
}

/**
 * Which tiles a call shows and how: this visitor's, each participant's, each shared screen (this
 * visitor's, then each participant's that says it shares); the pinned tile in the spotlight or,
 * without one, the newest screen.
 */
export function tileLayout(call: VideoCall, pinned: string | undefined, nameOf: (name: string) => string, area?: AreaSize): TileLayout {
  const { participants } = call;
  const screens: ScreenTile[] = [];
  const own = call.sources.screen.track;
  if (own) screens.push({ owner: 'local', name: '', track: own });
  for (const participant of participants) {
    const track = participant.track('screen');
    if (participant.screenOn && track) screens.push({ owner: participant.peerId, name: nameOf(participant.name), track });
  }
  const keys = new Set(['local', ...participants.map((p) => p.peerId), ...screens.map((screen) => screenKey(screen.owner))]);
  const spotlight = pinned && keys.has(pinned) ? pinned : screens.length ? screenKey(screens[screens.length - 1].owner) : undefined;
  const count = keys.size;
  const columns = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  const style = `--columns: ${columns}; --rows: ${rows}`;
  if (!area) return { participants, screens, spotlight, className: spotlight ? 'grid spotlight' : 'grid', style };
  const { arrangement, rects } = placeTiles({ keys: [...keys], spotlight, ...area });
  return { participants, screens, spotlight, className: arrangement === 'grid' ? 'grid placed' : `grid ${arrangement} placed`, style, rects };
}
