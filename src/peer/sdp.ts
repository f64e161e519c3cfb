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
