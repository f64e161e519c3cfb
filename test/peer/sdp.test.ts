import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { establishedDtlsRole, keepingDtlsRole, portableSdp } from '../../src/peer/sdp.js';

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

/** Two connections in this page, connected with `offerer` offering; resolves once both are connected. */
async function connectedPair(): Promise<[RTCPeerConnection, RTCPeerConnection]> {
  const offerer = new RTCPeerConnection();
  const answerer = new RTCPeerConnection();
  offerer.addEventListener('icecandidate', ({ candidate }) => candidate && answerer.addIceCandidate(candidate).catch(() => undefined));
  answerer.addEventListener('icecandidate', ({ candidate }) => candidate && offerer.addIceCandidate(candidate).catch(() => undefined));
  offerer.createDataChannel('probe');
  await offerer.setLocalDescription();
  await answerer.setRemoteDescription(offerer.localDescription!);
  await answerer.setLocalDescription();
  await offerer.setRemoteDescription(answerer.localDescription!);
  const connected = (pc: RTCPeerConnection) => new Promise<void>((resolve) => {
    const check = () => pc.connectionState === 'connected' && resolve();
    pc.addEventListener('connectionstatechange', check);
    check();
  });
  await Promise.all([connected(offerer), connected(answerer)]);
  return [offerer, answerer];
}

describe('keepingDtlsRole', () => {
  it('reads our DTLS role from the last completed negotiation, from either side of it', () => {
    const offer = (setup: string) => ({ type: 'offer' as const, sdp: `v=0\r\na=setup:${setup}\r\n` });
    const answer = (setup: string) => ({ type: 'answer' as const, sdp: `v=0\r\na=setup:${setup}\r\n` });
    expect(establishedDtlsRole(answer('active'), offer('actpass'))).to.equal('active');
    expect(establishedDtlsRole(answer('passive'), offer('actpass'))).to.equal('passive');
    expect(establishedDtlsRole(offer('actpass'), answer('active'))).to.equal('passive');
    expect(establishedDtlsRole(offer('actpass'), answer('passive'))).to.equal('active');
    expect(establishedDtlsRole(offer('actpass'), null)).to.equal(undefined);
    expect(establishedDtlsRole(null, null)).to.equal(undefined);
  });

  it('offers the role we hold and reads an answer as keeping it; a first negotiation is left alone', async () => {
    const sdp = await recorded('firefox-ice-restart-offer');
    const offered = keepingDtlsRole({ type: 'offer', sdp }, 'passive');
    expect(offered.match(/^a=setup:\w+/gm)).to.deep.equal(['a=setup:passive', 'a=setup:passive', 'a=setup:passive', 'a=setup:passive']);
    // Only the setup lines change.
    expect(offered.replace(/a=setup:passive/g, 'a=setup:actpass')).to.equal(sdp);
    expect(keepingDtlsRole({ type: 'offer', sdp }, undefined)).to.equal(sdp);
    const answer = await recorded('firefox-renegotiation-answer');
    expect(keepingDtlsRole({ type: 'answer', sdp: answer }, 'active').match(/^a=setup:\w+/gm)).to.deep.equal(['a=setup:passive', 'a=setup:passive', 'a=setup:passive', 'a=setup:passive']);
  });

  // What Firefox does when Chromium restarts ICE on a link Firefox offered: its answer says
  // `active` afresh. Chromium, already the active side, refused it and the link was lost.
  it('makes an answer that claims the other DTLS role one Chromium takes, and the pair stays connected', async () => {
    /** What the active side of a connected pair says to a Firefox-style answer to its ICE restart. */
    async function restartAnswered(keepRole: boolean): Promise<string> {
      const [offerer, answerer] = await connectedPair();
      try {
        // The answerer (Chromium's part in that call) is the active side; now it offers a restart.
        const role = establishedDtlsRole(answerer.currentLocalDescription, answerer.currentRemoteDescription);
        expect(role).to.equal('active');
        answerer.restartIce();
        await answerer.setLocalDescription();
        await offerer.setRemoteDescription({ type: 'offer', sdp: keepingDtlsRole({ type: 'offer', sdp: answerer.localDescription!.sdp }, role) });
        await offerer.setLocalDescription();
        const firefoxStyle = offerer.localDescription!.sdp.replace(/a=setup:passive/g, 'a=setup:active');
        const sdp = keepRole ? keepingDtlsRole({ type: 'answer', sdp: firefoxStyle }, role) : firefoxStyle;
        return await answerer.setRemoteDescription({ type: 'answer', sdp }).then(() => `${answerer.signalingState} ${answerer.connectionState}`, (error: Error) => error.message);
      } finally {
        offerer.close();
        answerer.close();
      }
    }
    expect(await restartAnswered(false)).to.match(/Failed to set SSL role/);
    expect(await restartAnswered(true)).to.equal('stable connected');
  });
});
