/**
 * What a browser must offer before a visit can start, checked in one place so that the
 * `unsupported` error names the piece that is missing instead of guessing at https.
 */

/** Why this browser, on this page, cannot make calls: the `unsupported` error's reason. */
export type MissingForCalls =
  /** Not a secure context: browsers keep WebCrypto and cameras to https:// pages (and localhost). */
  | 'insecure-context'
  /** No `RTCPeerConnection`: a browser without WebRTC, or with it turned off. */
  | 'no-webrtc'
  /** No `crypto.subtle` on a secure page: signaling cannot be sealed or signed. */
  | 'no-webcrypto'
  /** No `DecompressionStream('deflate-raw')`: the others' offers, sent deflated, cannot be read. */
  | 'no-decompression';

/** The globals the check reads; `globalThis` in a page, anything shaped alike in a test. */
export interface CallSupportScope {
  isSecureContext?: boolean;
  RTCPeerConnection?: unknown;
  crypto?: { subtle?: unknown };
  DecompressionStream?: new (format: CompressionFormat) => unknown;
}

/**
 * The first thing missing for a call, or undefined when nothing is. A page that is not a secure
 * context is reported as that alone: it is also why WebCrypto is missing there.
 */
export function missingForCalls(scope: CallSupportScope = globalThis as CallSupportScope): MissingForCalls | undefined {
  if (scope.isSecureContext === false) return 'insecure-context';
  if (typeof scope.RTCPeerConnection !== 'function') return 'no-webrtc';
  if (!scope.crypto?.subtle) return 'no-webcrypto';
  if (!canInflateRaw(scope)) return 'no-decompression';
  return undefined;
}

function canInflateRaw(scope: CallSupportScope): boolean {
  if (typeof scope.DecompressionStream !== 'function') return false;
  try {
    // Browsers that have the stream but not this format (Chromium 80-102) throw a TypeError here.
    new scope.DecompressionStream('deflate-raw');
    return true;
  } catch {
    return false;
  }
}
