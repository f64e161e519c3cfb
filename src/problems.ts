/**
 * What can go wrong, as the engine reports it: a code a page can act on, a reason that says which
 * case it was, and the parameters that case carries. Words are the UI's business (see
 * element/strings.ts), so every message a visitor reads comes from one table.
 */

/** Machine-readable error codes carried by the `error` event. */
export type VideoChatErrorCode =
  | 'bad-attribute'
  | 'media-denied'
  | 'media-unavailable'
  | 'broker-unreachable'
  | 'negotiation-failed'
  | 'wrong-password'
  | 'message-refused'
  | 'share-denied'
  | 'file-too-large'
  | 'file-transfer-failed'
  | 'room-full'
  | 'clock-skew'
  | 'identity-changed'
  | 'no-route'
  | 'turn-unavailable'
  | 'unsupported';

/** Which case of a code it was. */
export type ProblemReason =
  // bad-attribute
  | 'room-missing'
  | 'broker-not-websocket'
  | 'broker-fragment'
  | 'broker-insecure'
  | 'ice-servers-json'
  | 'ice-servers-shape'
  | 'ice-transport-policy'
  | 'relay-without-turn'
  // media-denied, media-unavailable (and share-denied: screen)
  | 'camera'
  | 'microphone'
  | 'camera-and-microphone'
  | 'screen'
  | 'insecure-context'
  // broker-unreachable
  | 'connect-error'
  | 'subscription-refused'
  | 'connection-lost'
  // negotiation-failed
  | 'create-failed'
  | 'negotiation-error'
  | 'gave-up'
  | 'peer-silent'
  // turn-unavailable: the turn-credentials-url endpoint failed, or answered no credentials
  | 'turn-credentials-fetch'
  | 'turn-credentials-shape'
  // no-route: no network path to a peer was found, and no TURN server is configured to relay one
  | 'no-turn-server'
  // unsupported: what the browser lacks for calls (also insecure-context, see call/browser-support.ts),
  // or for one feature
  | 'no-webrtc'
  | 'no-webcrypto'
  | 'no-decompression'
  | 'no-display-capture'
  | 'no-recording'
  | 'no-recording-sound'
  | 'no-identity-storage'
  | 'unexpected'
  // wrong-password
  | 'foreign-password'
  // identity-changed: a peer's link presented another DTLS certificate mid-call (identity-changed),
  // or a peer proved another long-term key than the one verified under its name (key-changed)
  | 'identity-changed'
  | 'key-changed'
  // room-full (`value`: the most visitors the room may hold)
  | 'full'
  // clock-skew (`value`: by how many minutes another visitor's clock differs from this one's)
  | 'their-clock-ahead'
  | 'their-clock-behind'
  // message-refused (a peer's message: over the size, not JSON text, or over the rate)
  | 'too-large'
  | 'malformed'
  | 'flooding'
  // file-too-large (too-large), file-transfer-failed (too-large, malformed and these)
  | 'refused'
  | 'checksum'
  | 'link-lost'
  | 'cancelled'
  // file-transfer-failed: nothing moved for 30 s (the other side stopped sending or answering)
  | 'stalled'
  // file-transfer-failed: a file refused because the files received in this visit hold as much as
  // they may (`detail`: how many bytes, twice max-file-size)
  | 'quota';

export interface CallProblem {
  code: VideoChatErrorCode;
  reason: ProblemReason;
  /**
   * What the case needs said: `value` (the rejected attribute value), `broker` (a URL), `peer` (a
   * peer id), `detail` (the browser's or library's own words, untranslated), `error` (a
   * DOMException name).
   */
  params: Partial<Record<'value' | 'broker' | 'peer' | 'detail' | 'error', string>>;
}

/** The message text of anything thrown, for `detail`. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
