// Helpers for the network lab's tests: one lab per suite, visitors behind routers of a chosen NAT
// kind, each with its own guarded Chromium (every page error fails the test, as in test/e2e), and
// what the pages' peer connections report.
import { after, before } from 'node:test';
import { expectDecoding, guardPages, openVisitor, waitUntil } from '../e2e/support.mjs';
import { startLab } from './netlab.mjs';

/** How long a pair may take to connect and decode on a slow two-core machine (usually 2–4 s). */
export const CONNECT_TIMEOUT = 30000;

/**
 * Starts the lab before the suite's tests and deletes it after them. Read its fields inside tests:
 * `lab` (see startLab), `stun()` and `turn(...transports)`, RTCIceServer entries for its coturn.
 */
export function useLab() {
  const fixture = {
    stun: () => ({ urls: fixture.lab.stunUrl }),
    turn: (...transports) => ({ urls: transports.map((t) => fixture.lab.turn[t]), username: fixture.lab.turn.username, credential: fixture.lab.turn.credential }),
  };
  before(async () => {
    fixture.lab = await startLab();
  });
  after(async () => {
    await fixture.lab?.close();
  });
  return fixture;
}

const roomName = (label) => `lab-${label}-${Math.random().toString(36).slice(2, 8)}`;

/** A visitor behind a fresh router of kind `nat`, with its own Chromium, on the test page. */
async function visitorBehind(lab, nat, { room, name, iceServers, attributes }) {
  const network = lab.addVisitor(nat);
  const browser = guardPages(await network.launchChromium());
  const { page } = await openVisitor(browser, lab.origin, { room, broker: lab.brokerUrl, name, attributes: { 'ice-servers': JSON.stringify(iceServers), ...attributes } });
  return { network, browser, page };
}

/**
 * Ada and Bob behind routers of kinds `nats`, Bob arriving once Ada is in the room. Each is
 * `{network, browser, page}`; `network` is the lab's visitor (see netlab.mjs). `attributes` are
 * set on both elements besides `ice-servers`.
 */
export async function pairBehind(lab, label, nats, iceServers, attributes = {}) {
  const room = roomName(label);
  const ada = await visitorBehind(lab, nats[0], { room, name: 'Ada', iceServers, attributes });
  await waitUntil(ada.page, () => window.visit.joinedAt !== undefined, CONNECT_TIMEOUT);
  const bob = await visitorBehind(lab, nats[1], { room, name: 'Bob', iceServers, attributes });
  return [ada, bob];
}

/** Waits until every visitor decodes `frames` more frames within `timeout`; says what happened if not. */
export async function expectAllDecoding(visitors, { frames = 10, timeout = CONNECT_TIMEOUT } = {}) {
  await Promise.all(visitors.map(async ({ page }) => {
    await expectDecoding(page, frames, timeout).catch(async (error) => {
      const events = await page.evaluate(() => window.visit.events.filter((e) => e.type !== 'signaling-state'));
      throw new Error(`${error.message}\nevents: ${JSON.stringify(events)}`);
    });
  }));
}

export const closeAll = (visitors) => Promise.all(visitors.map(({ network }) => network.close()));

/**
 * The candidate pair the page's connected peer connection uses, as getStats reports it: the
 * local and remote candidates' type, protocol and, for a relay, the protocol to the TURN server.
 */
export function selectedPair(page) {
  return page.evaluate(async () => {
    for (const pc of window.peerConnections.filter((p) => p.connectionState === 'connected')) {
      const stats = await pc.getStats();
      let pair;
      stats.forEach((report) => {
        if (report.type === 'transport' && report.selectedCandidatePairId) pair = stats.get(report.selectedCandidatePairId);
      });
      if (!pair) continue;
      const describe = (id) => {
        const { candidateType, protocol, relayProtocol, address, port } = stats.get(id);
        return { candidateType, protocol, relayProtocol, address, port };
      };
      return { local: describe(pair.localCandidateId), remote: describe(pair.remoteCandidateId) };
    }
    return undefined;
  });
}

export const describePair = ({ local, remote }) => `${local.candidateType}/${local.relayProtocol ?? local.protocol} ${local.address}:${local.port} → ${remote.candidateType} ${remote.address}:${remote.port}`;
