/**
 * Mirrors a `VideoCall` into its element: re-renders on every change of the call, tells the call
 * whether the element is on the page, and turns the engine's events into the element's DOM events
 * (its problems into words, see strings.ts).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RemoteParticipant } from '../call/participant.js';
import { VideoCall } from '../call/video-call.js';
import { chatEvent, errorEvent } from '../events.js';
import type { Strings } from './strings.js';

export class CallController implements ReactiveController {
  readonly call = new VideoCall();
  /** What the status line says: the last problem in words, or where the call stands. */
  status = '';
  /** Participants whose events redraw the view (one joins again as the same object after a freeze). */
  private readonly followed = new WeakSet<RemoteParticipant>();
  private teardownTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement & { hasUpdated: boolean },
    private readonly strings: () => Strings,
  ) {
    host.addController(this);
    const { call } = this;
    const update = () => host.requestUpdate();
    call.addEventListener('state', () => {
      if (call.state === 'joining') this.status = strings().joining;
      else if (this.status === strings().joining) this.status = '';
      update();
    });
    call.addEventListener('local-media', update);
    call.addEventListener('signaling-state', ({ detail }) => {
      update();
      host.dispatchEvent(chatEvent('signaling-state', detail));
    });
    call.addEventListener('joined', ({ detail }) => host.dispatchEvent(chatEvent('joined', detail)));
    call.addEventListener('left', ({ detail: { room, peerId, roomFull } }) => {
      // Turned away by a full room: the status line keeps saying so.
      if (!roomFull) this.status = strings().youLeft;
      update();
      host.dispatchEvent(chatEvent('left', { room, peerId }));
    });
    call.addEventListener('participant-joined', ({ detail: participant }) => {
      // A tile's player is built from the participant's tracks: redraw when they change (a track
      // can arrive after the connection is up, and a recovered path needs a new player).
      // A participant back from a freeze joins again as the same object: listen once.
      if (!this.followed.has(participant)) {
        this.followed.add(participant);
        for (const type of ['track-added', 'track-removed', 'media-renewed', 'state-changed'] as const) participant.addEventListener(type, update);
        // Speaking flips a few times a second per voice: only its tile's part changes, no redraw.
        participant.addEventListener('speaking-changed', () => this.markSpeaking(participant));
        participant.addEventListener('quality-changed', () => {
          update();
          const { peerId, name, quality, path } = participant;
          if (quality) host.dispatchEvent(chatEvent('quality-changed', { peerId, name: this.nameOf(name), quality, path }));
        });
      }
      update();
      host.dispatchEvent(chatEvent('connected', { peerId: participant.peerId, name: this.nameOf(participant.name) }));
    });
    call.addEventListener('participant-left', ({ detail: { participant, reason } }) => {
      update();
      host.dispatchEvent(chatEvent('disconnected', { peerId: participant.peerId, name: this.nameOf(participant.name), reason }));
    });
    call.addEventListener('message', ({ detail }) => {
      host.dispatchEvent(chatEvent('message', { ...detail, name: this.nameOf(detail.name) }));
    });
    call.addEventListener('chat', ({ detail }) => {
      update();
      host.dispatchEvent(chatEvent('chat', { ...detail, name: this.nameOf(detail.name) }));
    });
    call.addEventListener('device-changed', ({ detail }) => {
      update();
      host.dispatchEvent(chatEvent('device-changed', detail));
    });
    for (const type of ['screenshare-started', 'screenshare-stopped'] as const) {
      call.addEventListener(type, () => {
        update();
        host.dispatchEvent(chatEvent(type, { peerId: call.peerId ?? '' }));
      });
    }
    call.addEventListener('chat-log', update);
    call.addEventListener('recording-started', () => {
      update();
      host.dispatchEvent(chatEvent('recording-started', { peerId: call.peerId ?? '' }));
    });
    call.addEventListener('recording-stopped', ({ detail }) => {
      update();
      host.dispatchEvent(chatEvent('recording-stopped', { peerId: call.peerId ?? '', blob: detail.blob }));
    });
    call.addEventListener('peer-verified', ({ detail: participant }) => {
      update();
      host.dispatchEvent(chatEvent('peer-verified', { peerId: participant.peerId, name: this.nameOf(participant.name), remembered: participant.verifiedBefore }));
    });
    call.addEventListener('file-progress', ({ detail }) => host.dispatchEvent(chatEvent('file-progress', detail)));
    call.addEventListener('file-received', ({ detail }) => host.dispatchEvent(chatEvent('file-received', detail)));
    call.addEventListener('error', ({ detail }) => {
      this.status = strings().problem(detail);
      update();
      host.dispatchEvent(errorEvent({ code: detail.code, reason: detail.reason, message: this.status }));
    });
  }

  hostConnected(): void {
    // Moved within the page (out and back in one task): the call goes on.
    clearTimeout(this.teardownTimer);
    // Back on the page after a removal: the configuration is known already.
    if (this.host.hasUpdated) this.call.setActive(true);
  }

  hostUpdated(): void {
    // Active only once configured by the element's first update: autojoin must see its room.
    if (this.host.isConnected) this.call.setActive(true);
  }

  hostDisconnected(): void {
    // Removal and re-insertion in the same task is a move, not a hang-up: decide in a later task.
    this.teardownTimer = setTimeout(() => {
      if (!this.host.isConnected) this.call.setActive(false);
    }, 0);
  }

  /** Puts the `speaking` part on the participant's tile, or takes it off, without a redraw (the next redraw agrees). */
  private markSpeaking(participant: RemoteParticipant): void {
    const tile = this.host.shadowRoot?.querySelector(`[part~="remote"]:not([part~="screen"])[data-peer-id="${participant.peerId}"]`);
    if (!tile) return;
    const parts = (tile.getAttribute('part') ?? '').split(' ').filter((part) => part !== 'speaking');
    if (participant.speaking) parts.push('speaking');
    tile.setAttribute('part', parts.join(' '));
  }

  /** A visitor's name as shown: its own, or the word for a guest. */
  nameOf(name: string): string {
    return name || this.strings().guest;
  }
}
