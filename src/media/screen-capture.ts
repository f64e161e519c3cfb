/** The visitor's screen (or a window or tab), as the browser's picker offers it. */
import type { CallProblem } from '../problems.js';

/** Asks the browser for a screen, window or tab; the visitor picks (or cancels). */
export async function captureScreen(): Promise<{ track: MediaStreamTrack } | { problem: CallProblem }> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getDisplayMedia) {
    return { problem: { code: 'unsupported', reason: 'no-display-capture', params: {} } };
  }
  try {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    const [track] = stream.getVideoTracks();
    // Text and lines stay sharp: the encoder keeps resolution and drops frames instead.
    if ('contentHint' in track) track.contentHint = 'detail';
    return { track };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    // Chromium reports a cancelled picker as NotAllowedError too: both mean "not now".
    if (name === 'NotAllowedError' || name === 'AbortError' || name === 'SecurityError') {
      return { problem: { code: 'share-denied', reason: 'screen', params: { error: name } } };
    }
    return { problem: { code: 'media-unavailable', reason: 'screen', params: { error: name || String(error) } } };
  }
}
