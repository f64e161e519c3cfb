/**
 * Offers made before their peer is known. When a newcomer says hello, the member who offers can
 * send one at once instead of creating it and gathering candidates right then, on the path that
 * decides how soon the two see each other.
 */
import type { LocalSources } from '../media/local-sources.js';
import { closePeerConnection, createPeerConnection, type PeerConnection } from './connection-factory.js';

const FIRST_CANDIDATE_WAIT_MS = 40;

/**
 * An offer made before its peer is known: a connection holding our senders and the control
 * channel, its offer set and its first candidates gathered. Its senders are fed by the local
 * sources, so an offer prepared before the camera was ready sends the camera once it is.
 */
export interface PreparedOffer extends PeerConnection {
  preparedAt: number;
}

/** Makes a `PreparedOffer`. Rejects (and leaves nothing open) if the browser cannot. */
export async function prepareOffer(rtcConfiguration: RTCConfiguration, sources: LocalSources): Promise<PreparedOffer> {
  const connection = createPeerConnection(rtcConfiguration, sources, 'offer');
  try {
    await connection.pc.setLocalDescription();
    await firstCandidates(connection.pc);
  } catch (error) {
    closePeerConnection(connection, sources);
    throw error;
  }
  return { ...connection, preparedAt: performance.now() };
}

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
