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

/** Makes a `PreparedOffer`. Rejects (and leaves nothing open) if the browser cannot. */
export async function prepareOffer(rtcConfiguration: RTCConfiguration, localStream: MediaStream): Promise<PreparedOffer> {
  const pc = new RTCPeerConnection(rtcConfiguration);
  const control = new ControlChannel(pc);
  try {
    addLocalMedia(pc, localStream);
    await pc.setLocalDescription();
    await firstCandidates(pc);
  } catch (error) {
    discardPrepared({ pc, control, preparedAt: 0 });
    throw error;
  }
  return { pc, control, preparedAt: performance.now() };
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
    if (track) pc.addTrack(track, localStream);
    else pc.addTransceiver(kind, { direction: 'recvonly' });
  }
}

/**
 * Waits until the first local candidates are gathered (host candidates take a few milliseconds),
 * so that an offer or answer can carry them. Bounded: a browser that gathers nothing quickly
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
