/**
 * The side panels: which one is open (chat or settings), how many chat messages arrived while the
 * chat was closed, and the device lists the settings panel shows, kept current while it is open.
 */
import type { LitElement, ReactiveController } from 'lit';
import type { VideoCall } from '../call/video-call.js';
import type { DeviceKind, DeviceLists } from '../media/devices.js';
import { releaseFileLinks } from './views/chat.js';
import type { SafetyCode } from '../peer/safety-code.js';

export type Panel = 'chat' | 'settings' | 'verify';

/** What takes the focus when a panel opens. */
const FIRST_FIELD: Record<Panel, string> = {
  chat: '[part~="chat-panel"] input[name="message"]',
  settings: '[part~="settings-panel"] select',
  verify: '[part~="verify-panel"] [part~="close"]',
};

/** The peer whose safety code the Verify panel shows, and the code once known. */
export interface Verifying {
  peerId: string;
  code?: SafetyCode;
  failed: boolean;
}

export class PanelsController implements ReactiveController {
  /** The panel shown beside the tiles, if any. */
  open?: Panel;
  /** Chat messages from others that arrived while the chat panel was closed. */
  unread = 0;
  /** The browser's devices, read while the settings panel is open. */
  devices?: DeviceLists;
  /** What the Verify panel shows, while it is open. */
  verifying?: Verifying;

  constructor(
    private readonly host: LitElement,
    private readonly call: VideoCall,
  ) {
    host.addController(this);
    call.addEventListener('chat', ({ detail }) => {
      if (this.open === 'chat' || detail.peerId === call.peerId) return;
      this.unread++;
      host.requestUpdate();
    });
    call.addEventListener('joined', () => {
      this.unread = 0;
      host.requestUpdate();
    });
    // A file's link lives as long as its chat entry: the log drops its oldest as messages come.
    for (const type of ['chat', 'chat-log'] as const) call.addEventListener(type, () => releaseFileLinks(call.chatMessages));
    call.addEventListener('left', () => releaseFileLinks());
    // Labels appear once capture is allowed; devices come and go: keep an open list current.
    for (const type of ['device-list', 'device-changed', 'local-media'] as const) {
      call.addEventListener(type, () => this.open === 'settings' && void this.readDevices());
    }
  }

  hostConnected(): void {}

  /** Opens the Verify panel for a peer (its safety code comes a moment later), or closes it. */
  verify(peerId: string): void {
    if (this.open === 'verify' && this.verifying?.peerId === peerId) {
      this.toggle('verify');
      return;
    }
    const verifying: Verifying = { peerId, failed: false };
    this.verifying = verifying;
    this.open = undefined;
    this.toggle('verify');
    this.call.safetyCode(peerId).then(
      (code) => (verifying.code = code),
      () => (verifying.failed = true),
    ).finally(() => this.host.requestUpdate());
  }

  /** Opens a panel (closing the other) or closes it, and puts the focus in it. */
  toggle(panel: Panel): void {
    this.open = this.open === panel ? undefined : panel;
    if (this.open !== 'verify') this.verifying = undefined;
    this.host.requestUpdate();
    if (this.open === 'chat') this.unread = 0;
    if (this.open === 'settings') void this.readDevices();
    if (this.open) void this.host.updateComplete.then(() => this.host.renderRoot.querySelector<HTMLElement>(FIRST_FIELD[panel])?.focus());
  }

  /** The device in use for each kind, as the settings panel shows it. */
  devicesInUse(): Partial<Record<DeviceKind, string>> {
    const { sources, devices } = this.call;
    return {
      camera: sources.camera.track?.getSettings().deviceId,
      microphone: sources.microphone.track?.getSettings().deviceId,
      speaker: devices.speakerId,
    };
  }

  private async readDevices(): Promise<void> {
    this.devices = await this.call.getDevices();
    this.host.requestUpdate();
  }
}
