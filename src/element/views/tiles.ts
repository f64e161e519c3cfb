/**
 * The video tiles: the visitor's own (the same `<video>` before and after joining) and one per
 * remote participant, built from the participant's tracks by source.
 */
import { html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { RemoteParticipant } from '../../call/participant.js';
import type { Strings } from '../strings.js';

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

export interface SelfTileView {
  stream?: MediaStream;
  name: string;
  inCall: boolean;
  hidden: boolean;
}

export function selfTile(view: SelfTileView, strings: Strings) {
  return html`<figure part="tile local" ?hidden=${view.hidden}>
    <video part="video" .srcObject=${view.stream ?? null} autoplay playsinline muted aria-label=${view.inCall ? strings.yourCamera : strings.yourCameraPreview}></video>
    <figcaption part="name">${strings.you(view.name)}</figcaption>
  </figure>`;
}

export function remoteTiles(participants: RemoteParticipant[], nameOf: (name: string) => string, strings: Strings, onMetadata: (event: Event) => void) {
  return repeat(
    participants,
    (participant) => participant.peerId,
    (participant) => html`<figure part="tile remote" data-peer-id=${participant.peerId}>
      <video part="video" .srcObject=${playerStream(participant)} autoplay playsinline aria-label=${strings.videoOf(nameOf(participant.name))} @loadedmetadata=${onMetadata}></video>
      <figcaption part="name">${nameOf(participant.name)}</figcaption>
    </figure>`,
  );
}

export function emptyNote(joining: boolean, strings: Strings) {
  return html`<p part="empty" role="status">${joining ? strings.joining : strings.alone}</p>`;
}

