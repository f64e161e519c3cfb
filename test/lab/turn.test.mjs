// TURN in the network lab (netlab.mjs): short-lived credentials from a site's endpoint
// (`turn-credentials-url`, demo/turn-credentials.mjs in front of a coturn with `use-auth-secret`),
// `ice-transport-policy="relay"`, and how the element shows a relayed visitor (the tile's part
// `relay`, `quality-changed`'s path). Runs as root in the root network namespace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectDecoding, waitUntil } from '../e2e/support.mjs';
import { CONNECT_TIMEOUT, closeAll, describePair, expectAllDecoding, pairBehind, selectedPair, useLab } from './support.mjs';

const DEMO_ENDPOINT_PORT = 8787;
const SHORT_LIVED_ENDPOINT_PORT = 8788;
/** Seconds the short-lived endpoint's credentials live: the page must fetch fresh ones every 3.2 s. */
const SHORT_TTL = 4;
/** `quality-changed` follows a sample every 2 s, and a tile's part follows it. */
const QUALITY_TIMEOUT = 15000;

const eventsOf = (page, type) => page.evaluate((t) => window.visit.events.filter((e) => e.type === t).map((e) => e.detail), type);

async function expectNoErrorEvents(visitors) {
  for (const { page } of visitors) assert.deepEqual(await eventsOf(page, 'error'), [], 'error events');
}

/** The parts of the page's one remote tile, once it is rendered as the element's state stands. */
const remoteTileParts = (page) => page.evaluate(async () => {
  const element = document.querySelector('video-chat');
  await element.updateComplete;
  return [...element.shadowRoot.querySelector('figure[part~="remote"]').part];
});

/** Waits for a `quality-changed` with `path`, then checks that the remote tile, rendered, shows it (part `relay` or none). */
async function expectPathShown(page, path) {
  await waitUntil(page, (p) => window.visit.events.some((e) => e.type === 'quality-changed' && e.detail.path === p), QUALITY_TIMEOUT, path);
  const [changed] = (await eventsOf(page, 'quality-changed')).filter((detail) => detail.path === path);
  assert.ok(changed.peerId && changed.name && changed.quality, `quality-changed detail ${JSON.stringify(changed)}`);
  const parts = await remoteTileParts(page);
  assert.ok(parts.includes('remote'), `tile parts ${parts}`);
  assert.equal(parts.includes('relay'), path === 'relay', `tile parts ${parts} with path ${path}`);
}

const relayed = (pair) => pair.local.candidateType === 'relay' || pair.remote.candidateType === 'relay';
/** The relay candidate of a relayed pair (the local one if both are). */
const relayEnd = (pair) => (pair.local.candidateType === 'relay' ? pair.local : pair.remote);

/** The local ICE username fragment of the page's connected peer connection. */
const localUfrag = (page) => page.evaluate(() => {
  const pc = window.peerConnections.find((p) => p.connectionState === 'connected');
  return pc?.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
});

describe('TURN servers and relayed calls (network lab)', () => {
  const fixture = useLab();
  const { stun, turn } = fixture;

  /** The environment of a credentials endpoint in the public network, for the lab's `use-auth-secret` coturn. */
  const endpointEnv = (port) => ({
    TURN_SECRET: fixture.lab.secretTurn.secret,
    TURN_URLS: `${fixture.lab.secretTurn.udp} ${fixture.lab.secretTurn.tcp}`,
    HOST: fixture.lab.publicAddress,
    PORT: String(port),
    ALLOW_ORIGIN: fixture.lab.origin,
  });

  it('behind symmetric NATs, visitors given only turn-credentials-url (demo/turn-credentials.mjs) call through the use-auth-secret coturn', async () => {
    const { lab } = fixture;
    const endpoint = await lab.startPublicServer('demo/turn-credentials.mjs', DEMO_ENDPOINT_PORT, endpointEnv(DEMO_ENDPOINT_PORT));
    let visitors = [];
    try {
      visitors = await pairBehind(lab, 'credentials', ['symmetric', 'symmetric'], [], { 'turn-credentials-url': `http://${lab.publicAddress}:${DEMO_ENDPOINT_PORT}/` });
      await expectAllDecoding(visitors);
      for (const { page } of visitors) {
        const pair = await selectedPair(page);
        assert.ok(pair, 'a selected candidate pair');
        console.log(`turn-credentials-url, symmetric NATs: ${describePair(pair)}`);
        assert.ok(relayed(pair), `a relayed pair: ${JSON.stringify(pair)}`);
        const [first, last] = lab.secretTurn.relayPorts;
        assert.ok(relayEnd(pair).port >= first && relayEnd(pair).port <= last, `relayed by the use-auth-secret coturn: ${JSON.stringify(pair)}`);
        await expectPathShown(page, 'relay');
      }
      await expectNoErrorEvents(visitors);
    } finally {
      await closeAll(visitors);
      await endpoint.stop();
    }
  });

  it('with ice-transport-policy="relay", visitors behind NATs that allow a direct path call through TURN', async () => {
    const visitors = await pairBehind(fixture.lab, 'relay-policy', ['plain', 'plain'], [stun(), turn('udp')], { 'ice-transport-policy': 'relay' });
    try {
      await expectAllDecoding(visitors);
      for (const { page } of visitors) {
        const pair = await selectedPair(page);
        assert.ok(pair, 'a selected candidate pair');
        console.log(`relay policy, plain NATs: ${describePair(pair)}`);
        assert.equal(pair.local.candidateType, 'relay', JSON.stringify(pair));
        await expectPathShown(page, 'relay');
      }
      await expectNoErrorEvents(visitors);
    } finally {
      await closeAll(visitors);
    }
  });

  it('without the policy, the same NATs and servers give a direct path, shown as such', async () => {
    const visitors = await pairBehind(fixture.lab, 'direct', ['plain', 'plain'], [stun(), turn('udp')]);
    try {
      await expectAllDecoding(visitors);
      for (const { page } of visitors) {
        const pair = await selectedPair(page);
        assert.ok(pair, 'a selected candidate pair');
        console.log(`no policy, plain NATs: ${describePair(pair)}`);
        assert.ok(!relayed(pair), `a direct pair: ${JSON.stringify(pair)}`);
        await expectPathShown(page, 'direct');
      }
      await expectNoErrorEvents(visitors);
    } finally {
      await closeAll(visitors);
    }
  });

  it(`credentials that live ${SHORT_TTL} s are fetched again before they expire, and an ICE restart after the first expired relays with fresh ones`, async () => {
    const { lab } = fixture;
    const endpoint = await lab.startPublicServer('test/lab/short-lived-credentials.mjs', SHORT_LIVED_ENDPOINT_PORT, { ...endpointEnv(SHORT_LIVED_ENDPOINT_PORT), TTL: String(SHORT_TTL) });
    let visitors = [];
    try {
      visitors = await pairBehind(lab, 'short-ttl', ['symmetric', 'symmetric'], [], { 'turn-credentials-url': `http://${lab.publicAddress}:${SHORT_LIVED_ENDPOINT_PORT}/` });
      const [ada, bob] = visitors;
      await expectAllDecoding(visitors);
      const before = await Promise.all(visitors.map(({ page }) => selectedPair(page)));
      for (const pair of before) assert.ok(pair && relayed(pair), `a relayed pair: ${JSON.stringify(pair)}`);
      // Past the lifetime of every credential fetched before the call connected.
      await new Promise((resolve) => setTimeout(resolve, (SHORT_TTL + 2) * 1000));
      const ufrag = await localUfrag(ada.page);
      await ada.page.evaluate(() => window.peerConnections.find((pc) => pc.connectionState === 'connected').restartIce());
      await waitUntil(ada.page, (old) => window.peerConnections.some((pc) => pc.connectionState === 'connected' && !pc.localDescription.sdp.includes(`a=ice-ufrag:${old}`)), CONNECT_TIMEOUT, ufrag);
      // The new ICE generation relays through a new allocation, which only fresh credentials
      // could have made; media moves to it once its checks pass.
      const movedOn = (pair, old) => pair && relayed(pair) && relayEnd(pair).port !== relayEnd(old).port;
      const deadline = Date.now() + CONNECT_TIMEOUT;
      let after = await Promise.all(visitors.map(({ page }) => selectedPair(page)));
      while (!after.every((pair, i) => movedOn(pair, before[i])) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        after = await Promise.all(visitors.map(({ page }) => selectedPair(page)));
      }
      for (const [i, pair] of after.entries()) {
        console.log(`short-lived credentials: ${describePair(before[i])}, after the ICE restart ${pair ? describePair(pair) : 'none'}`);
        assert.ok(movedOn(pair, before[i]), `a pair on a new allocation: ${JSON.stringify(pair)}`);
      }
      await Promise.all([expectDecoding(ada.page), expectDecoding(bob.page)]);

      const fetches = endpoint.lines.map((line) => {
        const [at, , , from] = line.split(' ');
        return { at: Number(at), from };
      });
      const byVisitor = new Map();
      for (const fetch of fetches) byVisitor.set(fetch.from, [...(byVisitor.get(fetch.from) ?? []), fetch]);
      assert.deepEqual([...byVisitor.keys()].sort(), visitors.map(({ network }) => network.publicAddress).sort(), `fetches ${endpoint.lines.join('\n')}`);
      for (const [from, list] of byVisitor) {
        const gaps = list.slice(1).map(({ at }, i) => at - list[i].at);
        console.log(`${from} fetched credentials ${list.length} times, ${gaps.join(', ')} ms apart`);
        assert.ok(list.length >= 3, `${from} fetched ${list.length} times`);
        for (const gap of gaps) assert.ok(gap < SHORT_TTL * 1000, `${from} fetched ${gap} ms after the previous credentials, which lived ${SHORT_TTL} s`);
      }
      for (const { page } of visitors) assert.deepEqual([...await eventsOf(page, 'left'), ...await eventsOf(page, 'disconnected')], [], 'nobody left');
      await expectNoErrorEvents(visitors);
    } finally {
      await closeAll(visitors);
      await endpoint.stop();
    }
  });
});
