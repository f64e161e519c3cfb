// Calls across NATs in the network lab (netlab.mjs): two Chromium visitors, each in its own network
// namespace behind a router of its own, meet through mosquitto and coturn on a public network.
// Shows which path ICE picks (getStats on the page's peer connections) and that media flows on it.
// Runs as root in the root network namespace, which it never sends anything from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitUntil } from '../e2e/support.mjs';
import { CONNECT_TIMEOUT, closeAll, describePair, expectAllDecoding, pairBehind, selectedPair, useLab } from './support.mjs';

/** How long two visitors that cannot reach each other are watched, to show they do not connect. */
const NO_ROUTE_WINDOW = 20000;

describe('calls across NATs (network lab)', () => {
  const fixture = useLab();
  const { stun, turn } = fixture;

  it('behind endpoint-independent NATs with STUN only, visitors connect directly', async () => {
    const visitors = await pairBehind(fixture.lab, 'plain', ['plain', 'plain'], [stun()]);
    try {
      await expectAllDecoding(visitors);
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
        if (pair.remote.address) assert.ok(pair.remote.address.startsWith('203.0.113.') && pair.remote.address !== fixture.lab.publicAddress, JSON.stringify(pair));
        assert.equal(pair.local.protocol, 'udp');
      }
    } finally {
      await closeAll(visitors);
    }
  });

  it('behind symmetric NATs, visitors do not connect with STUN alone', async () => {
    const visitors = await pairBehind(fixture.lab, 'symmetric-stun', ['symmetric', 'symmetric'], [stun()]);
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
    const visitors = await pairBehind(fixture.lab, 'symmetric-turn', ['symmetric', 'symmetric'], [stun(), turn('udp')]);
    try {
      await expectAllDecoding(visitors);
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
    const visitors = await pairBehind(fixture.lab, 'udp-blocked', ['udp-blocked', 'plain'], [stun(), turn('udp', 'tcp')]);
    try {
      await expectAllDecoding(visitors);
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
