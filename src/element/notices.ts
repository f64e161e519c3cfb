/**
 * Notes beside the status line: that the invite link was copied (for a few seconds), and the last
 * recording, offered for download until the next one starts.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { VideoCall } from '../call/video-call.js';
import type { Strings } from './strings.js';

/** How long a notice (an invite link copied) stays in the status line. */
const NOTICE_MS = 8000;

export interface RecordingDownload {
  url: string;
  fileName: string;
}

export class NoticesController implements ReactiveController {
  /** A short note for the status line, shown until it expires or the next one. */
  notice = '';
  /** The last recording, if one was made. */
  recording?: RecordingDownload;
  private noticeTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly host: ReactiveControllerHost,
    call: VideoCall,
    private readonly strings: () => Strings,
  ) {
    host.addController(this);
    call.addEventListener('recording-started', () => this.offerRecording(undefined));
    call.addEventListener('recording-stopped', ({ detail }) => this.offerRecording(detail.blob));
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    clearTimeout(this.noticeTimer);
    this.notice = '';
  }

  /** Shows a warning in the status line (for as long as a notice stays). */
  warn(text: string): void {
    this.show(text);
  }

  /** Copies the page's link (whoever opens it lands in this room) and says so. */
  async copyInvite(): Promise<void> {
    const url = location.href;
    let notice: string;
    try {
      await navigator.clipboard.writeText(url);
      notice = this.strings().inviteCopied;
    } catch {
      // No clipboard (an insecure page, a denied permission): the link, to copy by hand.
      notice = this.strings().inviteLink(url);
    }
    this.show(notice);
  }

  private show(notice: string): void {
    this.notice = notice;
    this.host.requestUpdate();
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.notice = '';
      this.host.requestUpdate();
    }, NOTICE_MS);
  }

  private offerRecording(blob: Blob | undefined): void {
    if (this.recording) URL.revokeObjectURL(this.recording.url);
    const fileName = `call-${new Date().toISOString().slice(0, 16).replace(/[T:]/g, '-')}.webm`;
    this.recording = blob ? { url: URL.createObjectURL(blob), fileName } : undefined;
    this.host.requestUpdate();
  }
}
