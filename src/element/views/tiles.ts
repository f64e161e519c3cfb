/**
 * The video tiles: the visitor's own (the same `<video>` before and after joining) and one per
 * remote participant, built from the participant's tracks by source.
 */
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { RemoteParticipant } from '../../call/participant.js';
import type { Strings } from '../strings.js';
import { icon } from './icons.js';

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

/** Up to two letters standing for a name, shown on a tile whose camera is off. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = (words.length > 1 ? [words[0], words[words.length - 1]] : words).map((word) => Array.from(word)[0] ?? '');
  return letters.join('').toLocaleUpperCase();
}

/** The part names of a tile: its kind, and its visitor's media state. */
function tileParts(kind: 'local' | 'remote', state: { microphone: boolean; camera: boolean }): string {
  return ['tile', kind, state.microphone ? '' : 'muted', state.camera ? '' : 'camera-off'].filter(Boolean).join(' ');
}

/** What a tile shows over its video: the visitor's initials while its camera is off, and its name with a mic-off mark. */
function tileOverlay(name: string, state: { microphone: boolean; camera: boolean }, strings: Strings) {
  return html`${state.camera ? nothing : html`<div part="avatar" aria-hidden="true"><span>${initials(name)}</span></div>`}
    <figcaption part="name">${state.microphone ? nothing : html`<span class="muted-mark" role="img" aria-label=${strings.microphoneOff}>${icon('mic-off')}</span>`}<span class="label">${name}</span></figcaption>`;
}

export interface SelfTileView {
  stream?: MediaStream;
  name: string;
  inCall: boolean;
  hidden: boolean;
  state: { microphone: boolean; camera: boolean };
}

export function selfTile(view: SelfTileView, strings: Strings) {
  return html`<figure part=${tileParts('local', view.state)} ?hidden=${view.hidden}>
    <video part="video" .srcObject=${view.stream ?? null} autoplay playsinline muted aria-label=${view.inCall ? strings.yourCamera : strings.yourCameraPreview}></video>
    ${tileOverlay(strings.you(view.name), view.state, strings)}
  </figure>`;
}

export function remoteTiles(participants: RemoteParticipant[], nameOf: (name: string) => string, strings: Strings, onMetadata: (event: Event) => void) {
  return repeat(
    participants,
    (participant) => participant.peerId,
    (participant) => {
      const name = nameOf(participant.name);
      const state = { microphone: participant.microphoneOn, camera: participant.cameraOn };
      return html`<figure part=${tileParts('remote', state)} data-peer-id=${participant.peerId}>
        <video part="video" .srcObject=${playerStream(participant)} autoplay playsinline aria-label=${strings.videoOf(name)} @loadedmetadata=${onMetadata}></video>
        ${tileOverlay(name, state, strings)}
      </figure>`;
    },
  );
}

export function emptyNote(joining: boolean, strings: Strings) {
  return html`<p part="empty" role="status">${joining ? strings.joining : strings.alone}</p>`;
}
