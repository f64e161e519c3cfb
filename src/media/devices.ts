/**
 * The visitor's cameras, microphones and speakers: listing them, capturing one, and remembering
 * the choice for this site (localStorage), so that the next visit starts with it.
 */

export type DeviceKind = 'camera' | 'microphone' | 'speaker';

export interface DeviceInfo {
  deviceId: string;
  /** The browser's name for it; empty until the visitor allowed camera or microphone access once. */
  label: string;
}

export interface DeviceLists {
  cameras: DeviceInfo[];
  microphones: DeviceInfo[];
  /** Audio outputs; empty where the browser cannot choose one for a page (no `setSinkId`). */
  speakers: DeviceInfo[];
}

const BROWSER_KIND: Record<DeviceKind, MediaDeviceKind> = { camera: 'videoinput', microphone: 'audioinput', speaker: 'audiooutput' };

/** Whether the browser lets a page choose where a media element plays (`setSinkId`). */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

/** The devices the browser lists, by kind. Empty lists where the browser lists none. */
export async function listDevices(): Promise<DeviceLists> {
  let devices: MediaDeviceInfo[] = [];
  try {
    devices = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
  } catch {
    // No permission to list, or no media devices at all: empty lists.
  }
  const of = (kind: DeviceKind) => devices
    // Before any permission the browser lists each kind once with an empty id: nothing to choose.
    .filter((device) => device.kind === BROWSER_KIND[kind] && device.deviceId)
    .map(({ deviceId, label }) => ({ deviceId, label }));
  return { cameras: of('camera'), microphones: of('microphone'), speakers: canChooseSpeaker() ? of('speaker') : [] };
}

/** The list of one kind from `DeviceLists`. */
export function devicesOfKind(lists: DeviceLists, kind: DeviceKind): DeviceInfo[] {
  return kind === 'camera' ? lists.cameras : kind === 'microphone' ? lists.microphones : lists.speakers;
}

const STORAGE_KEY = 'video-chat-element:devices';

/** The devices chosen on this site before, by kind. Nothing if storage is unavailable. */
export function loadDeviceChoices(): Partial<Record<DeviceKind, string>> {
  try {
    const stored = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? '{}') as Record<string, unknown>;
    const choices: Partial<Record<DeviceKind, string>> = {};
    for (const kind of ['camera', 'microphone', 'speaker'] as const) {
      const id = stored[kind];
      if (typeof id === 'string' && id.length <= 256) choices[kind] = id;
    }
    return choices;
  } catch {
    // Storage blocked (a sandboxed frame, privacy settings) or garbled: start from the defaults.
    return {};
  }
}

/** Remembers a choice for this site; silently does nothing where storage is unavailable. */
export function saveDeviceChoice(kind: DeviceKind, deviceId: string): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify({ ...loadDeviceChoices(), [kind]: deviceId }));
  } catch {
    // As above: the choice holds for this visit only.
  }
}

/**
 * Captures one camera or microphone: the one with `deviceId` exactly, or the browser's default
 * without it. Rejects as getUserMedia does.
 */
export async function captureDevice(kind: 'camera' | 'microphone', video: MediaTrackConstraints, deviceId?: string): Promise<MediaStreamTrack> {
  const chosen = deviceId ? { deviceId: { exact: deviceId } } : {};
  const stream = await navigator.mediaDevices.getUserMedia(kind === 'camera' ? { video: { ...video, ...chosen } } : { audio: deviceId ? chosen : true });
  return kind === 'camera' ? stream.getVideoTracks()[0] : stream.getAudioTracks()[0];
}
