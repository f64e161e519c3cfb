/**
 * The visitor's own camera and microphone. Capture degrades instead of failing: when both cannot
 * be had, each is tried alone, and with neither the visitor still joins, receive-only.
 */
import type { CallProblem } from '../problems.js';

export interface CaptureResult {
  /** What could be captured; possibly without tracks. */
  stream: MediaStream;
  /** Why some or all media is missing, if it is. */
  problem?: CallProblem;
}

/** Modest defaults: a mesh sends one copy per peer, so 640×360 keeps six visitors smooth. */
export const DEFAULT_VIDEO: MediaTrackConstraints = {
  width: { ideal: 640 },
  height: { ideal: 360 },
  frameRate: { ideal: 24 },
};

function isDenial(error: unknown): boolean {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  return name === 'NotAllowedError' || name === 'SecurityError';
}

function errorName(error: unknown): string {
  return (error instanceof DOMException || error instanceof Error ? error.name : '') || 'unknown error';
}

async function tryCapture(constraints: MediaStreamConstraints): Promise<MediaStream | unknown> {
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (error) {
    return error;
  }
}

/** Captures camera and microphone, falling back to whichever of the two is available. */
export async function captureLocalMedia({ audio, video }: { audio: MediaTrackConstraints | true; video: MediaTrackConstraints } = { audio: true, video: DEFAULT_VIDEO }): Promise<CaptureResult> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    return { stream: new MediaStream(), problem: { code: 'media-unavailable', reason: 'insecure-context', params: {} } };
  }
  const both = await tryCapture({ audio, video });
  if (both instanceof MediaStream) return { stream: both };
  const [camera, microphone] = await Promise.all([tryCapture({ video }), tryCapture({ audio })]);
  const stream = new MediaStream();
  for (const result of [camera, microphone]) if (result instanceof MediaStream) result.getTracks().forEach((t) => stream.addTrack(t));
  const failed = [camera, microphone].filter((result) => !(result instanceof MediaStream));
  if (failed.length === 0) return { stream };
  const reason = failed.length === 2 ? 'camera-and-microphone' : camera instanceof MediaStream ? 'microphone' : 'camera';
  const code = failed.some(isDenial) ? 'media-denied' : 'media-unavailable';
  return { stream, problem: { code, reason, params: { error: failed.map(errorName).join(', ') } } };
}

/** Stops every track of a stream (turns the camera light off). */
export function releaseStream(stream: MediaStream | undefined): void {
  stream?.getTracks().forEach((track) => track.stop());
}
