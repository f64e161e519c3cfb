/**
 * The visitor's own camera and microphone. Capture degrades instead of failing: when both cannot
 * be had, each is tried alone, and with neither the visitor still joins, receive-only.
 */

export type MediaProblemCode = 'media-denied' | 'media-unavailable';

export interface MediaProblem {
  code: MediaProblemCode;
  message: string;
}

export interface CaptureResult {
  /** What could be captured; possibly without tracks. */
  stream: MediaStream;
  /** Why some or all media is missing, if it is. */
  problem?: MediaProblem;
}

/** Modest defaults: a mesh sends one copy per peer, so 640×360 keeps six visitors smooth. */
export const DEFAULT_VIDEO: MediaTrackConstraints = {
  width: { ideal: 640 },
  height: { ideal: 360 },
  frameRate: { ideal: 24 },
};

function classify(error: unknown, what: string): MediaProblem {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return { code: 'media-denied', message: `Access to the ${what} was denied; you can still see and hear the others.` };
  }
  return { code: 'media-unavailable', message: `No usable ${what} (${name || 'unknown error'}); you can still see and hear the others.` };
}

async function tryCapture(constraints: MediaStreamConstraints): Promise<MediaStream | unknown> {
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (error) {
    return error;
  }
}

/** Captures camera and microphone, falling back to whichever of the two is available. */
export async function captureLocalMedia(video: MediaTrackConstraints | boolean = DEFAULT_VIDEO): Promise<CaptureResult> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    return {
      stream: new MediaStream(),
      problem: { code: 'media-unavailable', message: 'This page cannot use a camera or microphone (it needs https:// or localhost).' },
    };
  }
  const both = await tryCapture({ audio: true, video });
  if (both instanceof MediaStream) return { stream: both };
  const [camera, microphone] = await Promise.all([tryCapture({ video }), tryCapture({ audio: true })]);
  const stream = new MediaStream();
  for (const result of [camera, microphone]) if (result instanceof MediaStream) result.getTracks().forEach((t) => stream.addTrack(t));
  const failures = [
    camera instanceof MediaStream ? undefined : classify(camera, 'camera'),
    microphone instanceof MediaStream ? undefined : classify(microphone, 'microphone'),
  ].filter((p): p is MediaProblem => p !== undefined);
  if (failures.length === 2) {
    const code = failures.some((f) => f.code === 'media-denied') ? 'media-denied' : 'media-unavailable';
    const reason = code === 'media-denied' ? 'was denied' : 'is not available';
    return { stream, problem: { code, message: `Camera and microphone access ${reason}; you can still see and hear the others.` } };
  }
  return { stream, problem: failures[0] };
}

/** Stops every track of a stream (turns the camera light off). */
export function releaseStream(stream: MediaStream | undefined): void {
  stream?.getTracks().forEach((track) => track.stop());
}
