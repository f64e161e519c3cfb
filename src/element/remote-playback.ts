/**
 * Plays the remote tiles: with sound where the browser allows it (else muted, with a button to
 * turn the sound on after a click), through the speaker chosen in the settings.
 */
import type { LitElement, ReactiveController } from 'lit';
import type { VideoCall } from '../call/video-call.js';

type SinkVideo = HTMLVideoElement & { sinkId?: string; setSinkId?(id: string): Promise<void> };

export class RemotePlayback implements ReactiveController {
  /** The browser refused sound until the visitor clicks. */
  soundBlocked = false;

  constructor(
    private readonly host: LitElement,
    private readonly call: VideoCall,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostUpdated(): void {
    const speaker = this.call.devices.speakerId;
    if (speaker === undefined) return;
    for (const video of this.remoteVideos() as Iterable<SinkVideo>) {
      if (video.sinkId !== speaker) video.setSinkId?.(speaker).catch(() => undefined);
    }
  }

  /** For a remote `<video>`'s `loadedmetadata`: plays with sound, or muted if the browser wants a click first. */
  play(event: Event): void {
    const video = event.target as HTMLVideoElement;
    video.play().catch(() => {
      video.muted = true;
      this.soundBlocked = true;
      this.host.requestUpdate();
      return video.play().catch(() => undefined);
    });
  }

  /** After the visitor's click: every remote tile with sound. */
  enableSound(): void {
    this.soundBlocked = false;
    this.host.requestUpdate();
    for (const video of this.remoteVideos()) {
      video.muted = false;
      void video.play().catch(() => undefined);
    }
  }

  private remoteVideos(): Iterable<HTMLVideoElement> {
    return this.host.renderRoot.querySelectorAll<HTMLVideoElement>('[part~="remote"] video');
  }
}
