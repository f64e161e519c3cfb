/**
 * Session descriptions as every engine parses them. Engines write SDP that others refuse: Firefox,
 * after `setCodecPreferences`, drops payload types from an `m=` line but keeps their `a=rtcp-fb`
 * lines, and Chromium's `setRemoteDescription` rejects such an offer or answer ("Failed to parse
 * codecs correctly"). Descriptions are cleaned when sent and again when received, so that a peer
 * running an older copy of this library (which sends them raw) is still understood.
 */

/** Codec attributes that name one payload type of their media section. */
const CODEC_ATTRIBUTE = /^a=(?:rtpmap|fmtp|rtcp-fb):(\S+)/;

/**
 * `sdp` without codec attributes (`rtpmap`, `fmtp`, `rtcp-fb`) for payload types its media section
 * does not list. Everything else is kept byte for byte, so a description that has none is returned
 * unchanged (its fingerprint, ICE credentials and candidates untouched).
 */
export function portableSdp(sdp: string): string {
  // Lines end in CRLF as the SDP grammar says; a bare LF is read too, and kept as it was.
  const lines = sdp.split('\n');
  let listed: Set<string> | undefined;
  const kept = lines.filter((line) => {
    if (line.startsWith('m=')) {
      // m=<media> <port> <proto> <fmt> ...: only RTP sections list payload types.
      const [, , proto, ...formats] = line.trimEnd().split(' ');
      listed = proto?.includes('RTP') ? new Set(formats) : undefined;
      return true;
    }
    const payloadType = listed && line.match(CODEC_ATTRIBUTE)?.[1];
    // `a=rtcp-fb:*` applies to every payload type of the section.
    return !payloadType || payloadType === '*' || listed!.has(payloadType);
  });
  return kept.length === lines.length ? sdp : kept.join('\n');
}

/** A side's part in the DTLS handshake: `active` connects (the client), `passive` listens. */
type DtlsRole = 'active' | 'passive';

const SETUP_LINE = /^a=setup:(\w+)/m;

function setupOf(sdp: string | undefined): string | undefined {
  return sdp?.match(SETUP_LINE)?.[1];
}

/**
 * Our role in the DTLS association the last completed negotiation set up, if there was one: the
 * answerer chose it (`active` or `passive`), the offerer took the other.
 */
export function establishedDtlsRole(currentLocal: RTCSessionDescriptionInit | null, currentRemote: RTCSessionDescriptionInit | null): DtlsRole | undefined {
  if (!currentLocal || !currentRemote) return undefined;
  const answererRole = setupOf(currentLocal.type === 'answer' ? currentLocal.sdp : currentRemote.sdp);
  if (answererRole !== 'active' && answererRole !== 'passive') return undefined;
  if (currentLocal.type === 'answer') return answererRole;
  return answererRole === 'active' ? 'passive' : 'active';
}

/**
 * `description` saying our part in the DTLS association already up, where it would offer either
 * (`actpass`), and the answer's side kept. Firefox, answering an offer that restarts ICE, chooses
 * `a=setup:active` afresh, and Chromium refuses an answer that would swap the roles of a running
 * association ("Failed to set SSL role for the transport"); Firefox, offered a role it must take,
 * answers in line with the association. Neither side starts a new handshake, so the roles cannot
 * change: an answer that claims otherwise is read as keeping them.
 */
export function keepingDtlsRole(description: RTCSessionDescriptionInit & { sdp: string }, ourRole: DtlsRole | undefined): string {
  if (!ourRole) return description.sdp;
  if (description.type === 'offer') return description.sdp.replace(/^a=setup:actpass(?=\r?$)/gm, `a=setup:${ourRole}`);
  const theirs = ourRole === 'active' ? 'passive' : 'active';
  return description.sdp.replace(/^a=setup:(?:active|passive)(?=\r?$)/gm, `a=setup:${theirs}`);
}
