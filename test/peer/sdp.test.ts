import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { portableSdp } from '../../src/peer/sdp.js';

/**
 * Descriptions recorded from this library's own connections (Debian's chromium and firefox-esr 153,
 * Firefox offering first, Chromium sharing its screen, Firefox restarting ICE; and Chromium offering
 * first for `firefox-answer`).
 */
const FIREFOX = ['firefox-offer', 'firefox-answer', 'firefox-renegotiation-answer', 'firefox-ice-restart-offer'];
const CHROMIUM = ['chromium-offer', 'chromium-answer', 'chromium-renegotiation-offer', 'chromium-renegotiation-answer'];

async function recorded(name: string): Promise<string> {
  const response = await fetch(new URL(`./sdp-fixtures/${name}.sdp`, import.meta.url));
  if (!response.ok) throw new Error(`no fixture ${name}`);
  return response.text();
}

/** Codec attributes naming a payload type that their media section does not list. */
function orphanedCodecLines(sdp: string): string[] {
  let listed = new Set<string>();
  const orphans: string[] = [];
  for (const line of sdp.split('\r\n')) {
    if (line.startsWith('m=')) listed = new Set(line.split(' ').slice(3));
    const payloadType = line.match(/^a=(?:rtpmap|fmtp|rtcp-fb):(\S+)/)?.[1];
    if (payloadType && payloadType !== '*' && !listed.has(payloadType)) orphans.push(line);
  }
  return orphans;
}

/** What Chromium says to `sdp` as a remote offer: `accepted` or its error. */
async function chromiumTakesOffer(sdp: string): Promise<string> {
  const pc = new RTCPeerConnection();
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp });
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  } finally {
    pc.close();
  }
}

describe('portableSdp', () => {
  it('leaves every description Chromium wrote exactly as it was', async () => {
    for (const name of CHROMIUM) {
      const sdp = await recorded(name);
      expect(portableSdp(sdp), name).to.equal(sdp);
    }
  });

  it('drops from Firefox\'s descriptions the codec lines of payload types their m= line no longer lists, and nothing else', async () => {
    for (const name of FIREFOX) {
      const sdp = await recorded(name);
      const orphans = orphanedCodecLines(sdp);
      const portable = portableSdp(sdp);
      expect(orphanedCodecLines(portable), name).to.deep.equal([]);
      // Every other line in its place: fingerprint, ICE credentials, candidates, directions.
      expect(portable.split('\r\n'), name).to.deep.equal(sdp.split('\r\n').filter((line) => !orphans.includes(line)));
      expect(portable.endsWith('\r\n'), name).to.equal(true);
    }
    // The recordings hold what broke calls: an offer and a renegotiation answer with such lines.
    expect(orphanedCodecLines(await recorded('firefox-offer'))).to.not.be.empty;
    expect(orphanedCodecLines(await recorded('firefox-renegotiation-answer'))).to.not.be.empty;
  });

  it('makes Firefox\'s offers, first and for an ICE restart, ones Chromium accepts', async () => {
    for (const name of ['firefox-offer', 'firefox-ice-restart-offer']) {
      const sdp = await recorded(name);
      // What visitors met: a Chromium visitor could not answer a Firefox visitor who came first.
      expect(await chromiumTakesOffer(sdp), name).to.match(/Failed to parse codecs correctly/);
      expect(await chromiumTakesOffer(portableSdp(sdp)), name).to.equal('accepted');
    }
  });

  it('keeps `a=rtcp-fb:*`, leaves data sections alone and reads bare line feeds', () => {
    const sdp = [
      'v=0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=rtpmap:96 VP8/90000', 'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96',
      'a=rtcp-fb:* nack', 'a=rtcp-fb:98 nack pli', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=sctp-port:5000', '',
    ];
    const expected = ['v=0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=rtpmap:96 VP8/90000', 'a=rtcp-fb:* nack', ...sdp.slice(7)];
    expect(portableSdp(sdp.join('\r\n'))).to.equal(expected.join('\r\n'));
    expect(portableSdp(sdp.join('\n'))).to.equal(expected.join('\n'));
  });
});
