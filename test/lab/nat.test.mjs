// Calls across NATs in the network lab (netlab.mjs): two Chromium visitors, each in its own network
// namespace behind a router of its own, meet through mosquitto and coturn on a public network.
// Shows which path ICE picks (getStats on the page's peer connections) and that media flows on it.
// Runs as root in the root network namespace, which it never sends anything from.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectDecoding, guardPages, openVisitor, waitUntil } from '../e2e/support.mjs';
import { startLab } from './netlab.mjs';

/** How long a pair may take to connect and decode on a slow two-core machine (usually 2–4 s). */
const CONNECT_TIMEOUT = 30000;
/** How long two visitors that cannot reach each other are watched, to show they do not connect. */
const NO_ROUTE_WINDOW = 20000;

const roomName = (label) => `lab-${label}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * The candidate pair the page's connected peer connection uses, as getStats reports it: the
 * local and remote candidates' type, protocol and, for a relay, the protocol to the TURN server.
 */
function selectedPair(page) {
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

const describePair = ({ local, remote }) => `${local.candidateType}/${local.relayProtocol ?? local.protocol} ${local.address}:${local.port} → ${remote.candidateType} ${remote.address}:${remote.port}`;

describe('calls across NATs (network lab)', () => {
  let lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab?.close();
  });

  const stun = () => ({ urls: lab.stunUrl });
  const turn = (...transports) => ({ urls: transports.map((t) => lab.turn[t]), username: lab.turn.username, credential: lab.turn.credential });

  /** A visitor behind a fresh router of kind `nat`, with its own Chromium, on the test page. */
  async function visitorBehind(nat, { room, name, iceServers }) {
    const network = lab.addVisitor(nat);
    const browser = guardPages(await network.launchChromium());
    const { page } = await openVisitor(browser, lab.origin, { room, broker: lab.brokerUrl, name, attributes: { 'ice-servers': JSON.stringify(iceServers) } });
    return { network, browser, page };
  }

  /** Two visitors behind routers of kinds `nats`, the second joining once the first is in the room. */
  async function pairBehind(label, nats, iceServers) {
    const room = roomName(label);
    const ada = await visitorBehind(nats[0], { room, name: 'Ada', iceServers });
    await waitUntil(ada.page, () => window.visit.joinedAt !== undefined, CONNECT_TIMEOUT);
    const bob = await visitorBehind(nats[1], { room, name: 'Bob', iceServers });
    return [ada, bob];
  }

  async function expectBothDecoding(visitors) {
    await Promise.all(visitors.map(async ({ page }) => {
      await expectDecoding(page, 10, CONNECT_TIMEOUT).catch(async (error) => {
        const events = await page.evaluate(() => window.visit.events.filter((e) => e.type !== 'signaling-state'));
        throw new Error(`${error.message}\nevents: ${JSON.stringify(events)}`);
      });
    }));
  }

  const closeAll = (visitors) => Promise.all(visitors.map(({ network }) => network.close()));

  it('behind endpoint-independent NATs with STUN only, visitors connect directly', async () => {
    const visitors = await pairBehind('plain', ['plain', 'plain'], [stun()]);
    try {
      await expectBothDecoding(visitors);
      for (const { page } of visitors) {
        const pair = await selectedPair(page);
        assert.ok(pair, 'a selected candidate pair');
        console.log(`direct: ${describePair(pair)}`);
        assert.notEqual(pair.local.candidateType, 'relay', JSON.stringify(pair));
        assert.notEqual(pair.remote.candidateType, 'relay', JSON.stringify(pair));
        // A private LAN address is no use across NATs: the path runs between the routers' public
        // addresses, learned by STUN (srflx) or from the checks themselves (prflx).
        assert.ok(['srflx', 'prflx'].includes(pair.remote.candidateType), `remote candidate ${JSON.stringify(pair)}`);
        // Chromium leaves a peer-reflexive candidate's address out of getStats.
        if (pair.remote.address) assert.ok(pair.remote.address.startsWith('203.0.113.') && pair.remote.address !== lab.publicAddress, JSON.stringify(pair));
        assert.equal(pair.local.protocol, 'udp');
      }
    } finally {
      await closeAll(visitors);
    }
  });

  it('behind symmetric NATs, visitors do not connect with STUN alone', async () => {
    const visitors = await pairBehind('symmetric-stun', ['symmetric', 'symmetric'], [stun()]);
    try {
      // Signaling works (each offers or answers), so a missing connection is down to ICE alone.
      await Promise.all(visitors.map(({ page }) => waitUntil(page, () => window.peerConnections.some((pc) => pc.remoteDescription), CONNECT_TIMEOUT)));
      const connected = await Promise.all(visitors.map(({ page }) => waitUntil(page, () => window.peerConnections.some((pc) => pc.connectionState === 'connected'), NO_ROUTE_WINDOW)
        .then(() => true, () => false)));
      const states = await Promise.all(visitors.map(({ page }) => page.evaluate(() => window.peerConnections.map((pc) => pc.iceConnectionState))));
      assert.deepEqual(connected, [false, false], `ICE states: ${JSON.stringify(states)}`);
    } finally {
      await closeAll(visitors);
    }
  });

  it('behind symmetric NATs, visitors connect through TURN over UDP', async () => {
    const visitors = await pairBehind('symmetric-turn', ['symmetric', 'symmetric'], [stun(), turn('udp')]);
    try {
      await expectBothDecoding(visitors);
      for (const { page } of visitors) {
        const pair = await selectedPair(page);
        assert.ok(pair, 'a selected candidate pair');
        console.log(`symmetric NATs, TURN/UDP: ${describePair(pair)}`);
        assert.ok(pair.local.candidateType === 'relay' || pair.remote.candidateType === 'relay', `a relayed pair: ${JSON.stringify(pair)}`);
        if (pair.local.candidateType === 'relay') assert.equal(pair.local.relayProtocol, 'udp');
      }
    } finally {
      await closeAll(visitors);
    }
  });

  it('when one router drops all UDP, visitors connect through TURN over TCP', async () => {
    const visitors = await pairBehind('udp-blocked', ['udp-blocked', 'plain'], [stun(), turn('udp', 'tcp')]);
    try {
      await expectBothDecoding(visitors);
      const blocked = await selectedPair(visitors[0].page);
      assert.ok(blocked, 'a selected candidate pair');
      console.log(`UDP blocked, TURN/TCP: ${describePair(blocked)}`);
      assert.equal(blocked.local.candidateType, 'relay', JSON.stringify(blocked));
      assert.equal(blocked.local.relayProtocol, 'tcp', JSON.stringify(blocked));
    } finally {
      await closeAll(visitors);
    }
  });
});
