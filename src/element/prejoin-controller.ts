/**
 * What the pre-join view needs beyond the call's state: the microphone's level while the preview
 * runs (drawn straight into the meter, no re-render per frame), and, when the browser refused
 * camera or microphone, what it refused and which browser this is, to say where to allow them;
 * and what the browser lacks for calls, if anything, so that Join says so before it is pressed.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { missingForCalls } from '../call/browser-support.js';
import type { VideoCall } from '../call/video-call.js';
import { LevelMeter } from '../media/level-meter.js';
import type { CallProblem } from '../problems.js';
import type { BlockedMedia, BrowserFamily } from './strings.js';

/** Which browser's site settings to describe, from its user agent (only words depend on it). */
export function browserFamily(userAgent: string, maxTouchPoints = 0): BrowserFamily {
  // iPadOS presents itself as a Mac; its touch points give it away.
  const ios = /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
  if (ios) return 'safari-ios';
  if (/\bEdg\//.test(userAgent)) return 'edge';
  if (/\bFirefox\//.test(userAgent)) return 'firefox';
  // Also HeadlessChrome, and Chromium's other brands (Opera, Brave, Vivaldi) with the same settings icon.
  if (/(Chrome|Chromium)\//.test(userAgent)) return 'chrome';
  if (/\bVersion\/[\d.]+.*\bSafari\//.test(userAgent)) return 'safari';
  return 'other';
}

export class PrejoinController implements ReactiveController {
  /** What the browser refused in this preview, if anything, and the problem that said so. */
  blocked?: { what: BlockedMedia; problem: CallProblem };
  readonly browser = browserFamily(navigator.userAgent, navigator.maxTouchPoints);
  /** What this browser or page lacks for calls, told before the visitor tries to join. */
  readonly missing = missingForCalls();
  private meter?: LevelMeter;
  private meteredTrack?: MediaStreamTrack;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly call: VideoCall,
  ) {
    host.addController(this);
    call.addEventListener('error', ({ detail }) => {
      if (detail.code === 'media-denied' && detail.reason !== 'screen' && detail.reason !== 'insecure-context') {
        this.blocked = { what: detail.reason as BlockedMedia, problem: detail };
        host.requestUpdate();
      }
    });
    call.addEventListener('state', () => {
      // A new capture asks again: what was refused before may be allowed now.
      if (call.state === 'left' || call.state === 'idle') this.blocked = undefined;
    });
  }

  hostUpdated(): void {
    this.followMicrophone();
  }

  hostDisconnected(): void {
    this.meterTrack(undefined);
  }

  /** Meters the preview's microphone, and nothing once the preview ends (joined, left, removed). */
  private followMicrophone(): void {
    const { microphone } = this.call.sources;
    const previewing = this.host.isConnected && this.call.state === 'previewing';
    this.meterTrack(previewing && microphone.enabled ? microphone.track : undefined);
  }

  private meterTrack(track: MediaStreamTrack | undefined): void {
    if (track === this.meteredTrack) return;
    this.meter?.stop();
    this.meter = undefined;
    this.meteredTrack = track;
    this.showLevel(0);
    if (!track) return;
    try {
      this.meter = new LevelMeter(track, (level) => this.showLevel(level));
    } catch {
      // No Web Audio here: the preview goes on without a meter.
    }
  }

  private showLevel(level: number): void {
    this.host.shadowRoot?.querySelector<HTMLElement>('[part~="level"]')?.style.setProperty('--level', String(level));
  }
}
