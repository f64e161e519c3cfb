import type { VideoChat } from '../../src/element/video-chat.element.js';
import { LocalSources } from '../../src/media/local-sources.js';
import type { VideoChatEventMap } from '../../src/events.js';

/** A room name no other test uses. */
export function uniqueRoom(label = 'room'): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Resolves when `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 15000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The next event of a type on an element, or a rejection after `timeoutMs`. */
export function nextEvent<K extends keyof VideoChatEventMap>(target: EventTarget, type: K, timeoutMs = 15000): Promise<VideoChatEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Timed out waiting for "${type}"`)), timeoutMs);
    target.addEventListener(type, (event) => {
      clearTimeout(timer);
      resolve(event as VideoChatEventMap[K]);
    }, { once: true });
  });
}

export function remoteTiles(el: VideoChat): HTMLElement[] {
  return [...(el.shadowRoot?.querySelectorAll<HTMLElement>('[part~="tile"][part~="remote"]') ?? [])];
}

/** Decoded frame count of a video: proof of live media (currentTime advances even without frames). */
export function decodedFrames(video: HTMLVideoElement): number {
  return video.getVideoPlaybackQuality().totalVideoFrames;
}

/** Waits until every remote tile of `el` has decoded at least `frames` more frames than now. */
export async function expectRemoteFramesDecoding(el: VideoChat, frames = 5, timeoutMs = 15000): Promise<void> {
  const videos = remoteTiles(el).map((tile) => tile.querySelector('video') as HTMLVideoElement);
  if (videos.length === 0) throw new Error('no remote tiles');
  const start = videos.map(decodedFrames);
  await waitFor(() => videos.every((v, i) => decodedFrames(v) >= start[i] + frames), `${frames} decoded frames on every remote tile`, timeoutMs);
}

/** Collects uncaught errors and unhandled rejections on the page while a test runs. */
export function collectPageErrors(): { errors: string[]; stop(): void } {
  const errors: string[] = [];
  const onError = (event: ErrorEvent) => errors.push(`error: ${event.message}`);
  const onRejection = (event: PromiseRejectionEvent) => errors.push(`unhandledrejection: ${String(event.reason)}`);
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  return {
    errors,
    stop() {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    },
  };
}

/** Local sources holding the tracks of `stream` (none without it), as a visitor's call would. */
export async function sourcesOf(stream?: MediaStream): Promise<LocalSources> {
  const sources = new LocalSources();
  if (stream) await sources.useStream(stream);
  return sources;
}

type PageTimer = 'setInterval' | 'setTimeout' | 'requestAnimationFrame';

/**
 * Runs `during` with the page's timers and animation frames (or the `stalled` ones of them)
 * stopped, as a background tab's can be, and resolves `ms` later. The wait itself is kept by a
 * worker: a busy loop of awaited microtasks would starve the messages of any worker the code under
 * test relies on.
 */
export async function withPageTimersStalled(
  ms: number,
  during: () => void,
  stalled: PageTimer[] = ['setInterval', 'setTimeout', 'requestAnimationFrame'],
): Promise<void> {
  const page = Object.fromEntries(stalled.map((name) => [name, window[name]]));
  const url = URL.createObjectURL(new Blob([`setTimeout(() => postMessage(0), ${ms})`], { type: 'text/javascript' }));
  const clock = new Worker(url);
  URL.revokeObjectURL(url);
  try {
    Object.assign(window, Object.fromEntries(stalled.map((name) => [name, () => 0])));
    const done = new Promise((resolve) => (clock.onmessage = resolve));
    during();
    await done;
  } finally {
    clock.terminate();
    Object.assign(window, page);
  }
}

/**
 * Until the returned function is called, every microphone the page captures speaks: a steady tone
 * instead of the fake device's short beeps, which a few samples a second can miss. The tones go on
 * after it (for the tracks captured meanwhile) until the page closes.
 */
export function microphonesSpeak(): () => void {
  const devices = navigator.mediaDevices;
  const capture = devices.getUserMedia;
  const audio = new AudioContext();
  devices.getUserMedia = async function (this: MediaDevices, constraints?: MediaStreamConstraints) {
    const stream = await capture.call(this, constraints);
    for (const track of stream.getAudioTracks()) {
      stream.removeTrack(track);
      track.stop();
      const tone = audio.createOscillator();
      const out = audio.createMediaStreamDestination();
      tone.connect(out);
      tone.start();
      stream.addTrack(out.stream.getAudioTracks()[0]);
    }
    return stream;
  };
  return () => {
    devices.getUserMedia = capture;
  };
}
