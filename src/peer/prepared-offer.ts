/**
 * Offers made before their peer is known. When a newcomer says hello, the member who offers can
 * send one at once instead of creating it and gathering candidates right then, on the path that
 * decides how soon the two see each other.
 */
import { ControlChannel } from './control-channel.js';

export const MEDIA_KINDS = ['audio', 'video'] as const;
const FIRST_CANDIDATE_WAIT_MS = 40;

/**
 * An offer made before its peer is known: a connection holding our media and the control channel,
 * its offer set and its first candidates gathered. Sending it spares a newcomer's pair the time
 * that creating an offer and gathering take (tens of milliseconds) right when it matters.
 */
export interface PreparedOffer {
  pc: RTCPeerConnection;
  control: ControlChannel;
  preparedAt: number;
}

/**
 * Makes a `PreparedOffer`. Without `localStream` (the camera is still starting) the connection gets
 * empty audio and video senders, which `fillPreparedMedia` later gives their tracks without a new
 * negotiation. Rejects (and leaves nothing open) if the browser cannot.
 */
export async function prepareOffer(rtcConfiguration: RTCConfiguration, localStream?: MediaStream): Promise<PreparedOffer> {
  const pc = new RTCPeerConnection(rtcConfiguration);
  const control = new ControlChannel(pc);
  try {
    if (localStream) addLocalMedia(pc, localStream);
    else for (const kind of MEDIA_KINDS) preferCommonCodecs(pc.addTransceiver(kind, { direction: 'sendrecv' }), kind);
    await pc.setLocalDescription();
    await firstCandidates(pc);
  } catch (error) {
    discardPrepared({ pc, control, preparedAt: 0 });
    throw error;
  }
  return { pc, control, preparedAt: performance.now() };
}

/**
 * Puts our tracks on the empty senders of an offer prepared before the camera was ready. A kind we
 * have no track for stays an empty sender: it sends nothing, and a track added later needs no
 * renegotiation. Rejects (and discards the offer) if the browser cannot.
 */
export async function fillPreparedMedia(prepared: PreparedOffer, localStream: MediaStream): Promise<PreparedOffer> {
  const transceivers = prepared.pc.getTransceivers();
  try {
    await Promise.all(
      MEDIA_KINDS.map((kind) => {
        const track = localStream.getTracks().find((t) => t.kind === kind);
        const slot = transceivers.find((t) => t.receiver.track.kind === kind && !t.sender.track);
        return track && slot ? slot.sender.replaceTrack(track) : undefined;
      }),
    );
  } catch (error) {
    discardPrepared(prepared);
    throw error;
  }
  return prepared;
}

/** Closes a prepared offer nobody took. */
export function discardPrepared(prepared: PreparedOffer): void {
  prepared.control.close();
  prepared.pc.close();
}

/** Adds our tracks (or receive-only transceivers where we have none), in one fixed order. */
export function addLocalMedia(pc: RTCPeerConnection, localStream: MediaStream): void {
  for (const kind of MEDIA_KINDS) {
    const track = localStream.getTracks().find((t) => t.kind === kind);
    const sender = track ? pc.addTrack(track, localStream) : pc.addTransceiver(kind, { direction: 'recvonly' }).sender;
    const transceiver = pc.getTransceivers().find((t) => t.sender === sender);
    if (transceiver) preferCommonCodecs(transceiver, kind);
  }
}

/**
 * Offers only the codecs every WebRTC browser must support (Opus, VP8, with VP8 retransmission).
 * The default list (VP9, AV1 and a dozen H.264 variants, FEC) triples the size of an offer and
 * what both sides parse and set up before media flows; a mesh encodes in software per peer, where
 * VP8 is the cheapest.
 */
function preferCommonCodecs(transceiver: RTCRtpTransceiver, kind: 'audio' | 'video'): void {
  if (typeof transceiver.setCodecPreferences !== 'function' || typeof RTCRtpReceiver.getCapabilities !== 'function') return;
  const codecs = RTCRtpReceiver.getCapabilities(kind)?.codecs ?? [];
  const wanted = codecs.filter((c) => c.mimeType.toLowerCase() === PREFERRED_CODEC[kind]);
  if (wanted.length === 0) return;
  const helpers = kind === 'video' ? codecs.filter((c) => c.mimeType.toLowerCase() === 'video/rtx') : [];
  try {
    transceiver.setCodecPreferences([...wanted, ...helpers]);
  } catch {
    // A browser that rejects the list keeps offering its defaults.
  }
}

const PREFERRED_CODEC = { audio: 'audio/opus', video: 'video/vp8' } as const;

/**
 * Waits until the first local candidates are gathered (host candidates take a few milliseconds),
 * so that an offer can carry them. Bounded: a browser that gathers nothing quickly
 * still gets its description out.
 */
export async function firstCandidates(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icecandidate', done);
      resolve();
    };
    const timer = setTimeout(done, FIRST_CANDIDATE_WAIT_MS);
    pc.addEventListener('icecandidate', done);
  });
  // Let the rest of the same burst arrive.
  await new Promise((resolve) => setTimeout(resolve, 2));
}
