/**
 * Which camera, microphone and speaker the call uses: switching one mid-call (the new track
 * replaces the old on every link and on a prepared offer, with no renegotiation), falling back to
 * another when the one in use is unplugged, following the browser's list as devices come and go,
 * and remembering the choice for this site.
 */
import { captureDevice, devicesOfKind, listDevices, loadDeviceChoices, saveDeviceChoice, type DeviceKind, type DeviceLists } from '../media/devices.js';
import { DEFAULT_VIDEO } from '../media/local-media.js';
import type { LocalSources } from '../media/local-sources.js';
import { describeError, type CallProblem } from '../problems.js';
import { TypedEventTarget } from '../typed-event-target.js';

export interface DeviceChangedDetail {
  kind: DeviceKind;
  deviceId: string;
  label: string;
}

export interface LocalDevicesEventMap {
  /** The device in use for a kind changed: chosen, or a fallback for one that was unplugged. */
  'device-changed': CustomEvent<DeviceChangedDetail>;
  /** The browser's list of devices changed (one plugged in or out). */
  'device-list': Event;
  problem: CustomEvent<CallProblem>;
}

export class LocalDevices extends TypedEventTarget<LocalDevicesEventMap> {
  private readonly choices = loadDeviceChoices();
  private readonly watched = new WeakSet<MediaStreamTrack>();
  private readonly onDeviceList = () => this.dispatchEvent(new Event('device-list'));

  constructor(private readonly sources: LocalSources) {
    super();
    globalThis.navigator?.mediaDevices?.addEventListener?.('devicechange', this.onDeviceList);
    sources.addEventListener('change', () => this.watchTracks());
  }

  /** The speaker chosen for the call's sound, if any ('' or undefined: the system's default). */
  get speakerId(): string | undefined {
    return this.choices.speaker;
  }

  /**
   * Constraints that ask for exactly the devices chosen before, or undefined if none was: a
   * capture with them fails if one is gone, and is then made again without.
   */
  chosenConstraints(): { audio: MediaTrackConstraints | true; video: MediaTrackConstraints } | undefined {
    const { camera, microphone } = this.choices;
    if (!camera && !microphone) return undefined;
    return {
      audio: microphone ? { deviceId: { exact: microphone } } : true,
      video: camera ? { ...DEFAULT_VIDEO, deviceId: { exact: camera } } : DEFAULT_VIDEO,
    };
  }

  list(): Promise<DeviceLists> {
    return listDevices();
  }

  /**
   * Uses one device from now on, and on this site next time. A camera or microphone already
   * captured is swapped on every link without renegotiation; before capture the choice waits
   * for it. Rejects (and reports a problem) if there is no such device or it cannot be opened.
   */
  async use(kind: DeviceKind, deviceId: string): Promise<void> {
    const device = devicesOfKind(await this.list(), kind).find((d) => d.deviceId === deviceId);
    if (!device) throw new Error(`useDevice(): no ${kind} with id "${deviceId}"`);
    if (kind !== 'speaker') {
      const slot = this.sources[kind];
      if (slot.track && slot.track.getSettings().deviceId !== deviceId) await this.swap(kind, deviceId);
    }
    this.choices[kind] = deviceId;
    saveDeviceChoice(kind, deviceId);
    this.dispatchEvent(new CustomEvent('device-changed', { detail: { kind, deviceId, label: device.label } }));
  }

  close(): void {
    globalThis.navigator?.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceList);
  }

  /** Captures the device and puts it in its slot, stopping the track it replaces. */
  private async swap(kind: 'camera' | 'microphone', deviceId?: string): Promise<MediaStreamTrack> {
    const slot = this.sources[kind];
    let track: MediaStreamTrack;
    try {
      track = await captureDevice(kind, DEFAULT_VIDEO, deviceId);
    } catch (error) {
      const denied = error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'SecurityError');
      this.report({ code: denied ? 'media-denied' : 'media-unavailable', reason: kind, params: { error: error instanceof Error ? error.name : describeError(error) } });
      throw error;
    }
    const previous = slot.track;
    await slot.setTrack(track);
    previous?.stop();
    return track;
  }

  /** Watches each captured track for its device going away (unplugged, taken by the system). */
  private watchTracks(): void {
    for (const kind of ['camera', 'microphone'] as const) {
      const track = this.sources[kind].track;
      if (!track || this.watched.has(track)) continue;
      this.watched.add(track);
      track.addEventListener('ended', () => void this.fallBack(kind, track), { once: true });
    }
  }

  /** The device in use went away: take the browser's default for that kind, and say which. */
  private async fallBack(kind: 'camera' | 'microphone', lost: MediaStreamTrack): Promise<void> {
    if (this.sources[kind].track !== lost) return;
    try {
      const track = await this.swap(kind);
      const deviceId = track.getSettings().deviceId ?? '';
      this.dispatchEvent(new CustomEvent('device-changed', { detail: { kind, deviceId, label: track.label } }));
    } catch {
      // Reported by swap(); the call goes on without this source.
      if (this.sources[kind].track === lost) await this.sources[kind].setTrack(undefined);
    }
  }

  private report(problem: CallProblem): void {
    this.dispatchEvent(new CustomEvent('problem', { detail: problem }));
  }
}
