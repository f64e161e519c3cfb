import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { VideoCall } from '../../src/index.js';
import type { CallProblem, RemoteParticipant } from '../../src/index.js';
import { IdentityProof } from '../../src/peer/identity-proof.js';
import { createIdentity } from '../../src/signaling/identity.js';
import { RememberedIdentity } from '../../src/call/remembered-identity.js';
import { brokerUrl } from '../support/broker-url.js';
import { uniqueRoom, waitFor } from '../support/helpers.js';

// Each visitor gets an IndexedDB database of its own, as visitors on their own devices have.
const store = (label: string) => `test-${label}-${Math.random().toString(36).slice(2)}`;

interface Visitor {
  call: VideoCall;
  peers: RemoteParticipant[];
  problems: CallProblem[];
  verified: RemoteParticipant[];
}

function visitor(room: string, name: string, identityStore: string, rememberIdentity = true): Visitor {
  const call = new VideoCall({ room, name, broker: brokerUrl, iceServers: [], rememberIdentity, identityStore });
  const v: Visitor = { call, peers: [], problems: [], verified: [] };
  call.addEventListener('participant-joined', ({ detail }) => v.peers.push(detail));
  call.addEventListener('participant-left', ({ detail }) => v.peers.splice(v.peers.indexOf(detail.participant), 1));
  call.addEventListener('error', ({ detail }) => v.problems.push(detail));
  call.addEventListener('peer-verified', ({ detail }) => v.verified.push(detail));
  return v;
}

const peerNamed = (v: Visitor, name: string) => v.peers.find((p) => p.name === name);

async function meet(...visitors: Visitor[]): Promise<void> {
  await Promise.all(visitors.map((v) => v.call.join()));
  await waitFor(() => visitors.every((v) => v.peers.length === visitors.length - 1 && v.peers.every((p) => p.keyId)), 'everyone connected, keys proven', 20_000)
    .catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(visitors.map((v) => v.peers.map((p) => [p.name, p.keyId])))} ${JSON.stringify(visitors.map((v) => v.problems))}`);
    });
}

describe('remember-identity', () => {
  it('keeps a peer verified on the next visit, with fresh peer ids and certificates', async () => {
    const room = uniqueRoom('remember');
    const stores = [store('ada'), store('bob')];
    let [ada, bob] = [visitor(room, 'Ada', stores[0]), visitor(room, 'Bob', stores[1])];
    await meet(ada, bob);
    const firstIds = [ada.call.peerId, bob.call.peerId];
    const bobKey = peerNamed(ada, 'Bob')!.keyId;
    // The long-term key is not what the broker sees.
    expect(bobKey).to.be.a('string').and.not.equal(bob.call.peerId);
    ada.call.markVerified(peerNamed(ada, 'Bob')!.peerId);
    bob.call.markVerified(peerNamed(bob, 'Ada')!.peerId);
    expect(ada.verified.map((p) => p.verifiedBefore)).to.deep.equal([false]);
    // The store is written just after the mark; a new visit reads it afresh.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await Promise.all([ada.call.leave(), bob.call.leave()]);

    [ada, bob] = [visitor(room, 'Ada', stores[0]), visitor(room, 'Bob', stores[1])];
    await meet(ada, bob);
    expect([ada.call.peerId, bob.call.peerId]).not.to.include.members(firstIds.filter(Boolean));
    expect(peerNamed(ada, 'Bob')!.keyId).to.equal(bobKey);
    await waitFor(() => ada.verified.length === 1 && bob.verified.length === 1, 'both verified again without comparing codes');
    expect([...ada.verified, ...bob.verified].map((p) => [p.verified, p.verifiedBefore])).to.deep.equal([[true, true], [true, true]]);
    expect(ada.problems).to.deep.equal([]);
    await Promise.all([ada.call.leave(), bob.call.leave()]);
  });

  it('flags a peer who shows another key under the name of a peer verified before (identity-changed)', async () => {
    const room = uniqueRoom('changed');
    const adaStore = store('ada');
    let [ada, bob] = [visitor(room, 'Ada', adaStore), visitor(room, 'Bob', store('bob'))];
    await meet(ada, bob);
    ada.call.markVerified(peerNamed(ada, 'Bob')!.peerId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await Promise.all([ada.call.leave(), bob.call.leave()]);

    // Someone else calls themselves Bob: another device, or an impostor.
    [ada, bob] = [visitor(room, 'Ada', adaStore), visitor(room, 'Bob', store('not-bob'))];
    await meet(ada, bob);
    await waitFor(() => ada.problems.length > 0, 'a warning');
    const impostor = peerNamed(ada, 'Bob')!;
    expect(ada.problems).to.deep.equal([{ code: 'identity-changed', reason: 'key-changed', params: { peer: 'Bob' } }]);
    expect([impostor.verified, impostor.keyChanged]).to.deep.equal([false, true]);
    expect(ada.verified).to.deep.equal([]);
    // Comparing codes anew and marking settles it: the new key is the one remembered now.
    ada.call.markVerified(impostor.peerId);
    expect([impostor.verified, impostor.keyChanged]).to.deep.equal([true, false]);
    await Promise.all([ada.call.leave(), bob.call.leave()]);
  });

  it('remembers nothing without the setting: the same two visitors meet unverified', async () => {
    const room = uniqueRoom('forget');
    const stores = [store('ada'), store('bob')];
    let [ada, bob] = [visitor(room, 'Ada', stores[0], false), visitor(room, 'Bob', stores[1], false)];
    await Promise.all([ada.call.join(), bob.call.join()]);
    await waitFor(() => ada.peers.length === 1 && bob.peers.length === 1, 'connected');
    ada.call.markVerified(ada.peers[0].peerId);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Nothing proven: no long-term key was made or shown.
    expect(ada.peers[0].keyId).to.equal(undefined);
    await Promise.all([ada.call.leave(), bob.call.leave()]);
    [ada, bob] = [visitor(room, 'Ada', stores[0]), visitor(room, 'Bob', stores[1])];
    await meet(ada, bob);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ada.verified).to.deep.equal([]);
    await Promise.all([ada.call.leave(), bob.call.leave()]);
  });

  it('keeps one long-term key per store, the same from every tab', async () => {
    const name = store('tabs');
    const [first, second] = await Promise.all([RememberedIdentity.open(name), RememberedIdentity.open(name)]);
    expect(first.identity.peerId).to.equal(second.identity.peerId);
    const generateKey = crypto.subtle.generateKey;
    let generated = 0;
    crypto.subtle.generateKey = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['generateKey']>) {
      generated++;
      return generateKey.apply(this, args);
    } as SubtleCrypto['generateKey'];
    try {
      expect((await RememberedIdentity.open(name)).identity.peerId).to.equal(first.identity.peerId);
      expect(generated, 'no key made where one is kept').to.equal(0);
    } finally {
      crypto.subtle.generateKey = generateKey;
    }
    expect((await RememberedIdentity.open(store('other'))).identity.peerId).not.to.equal(first.identity.peerId);
  });
});

describe('identity proofs', () => {
  const side = (peerId: string, byte: string) => ({ peerId, fingerprint: Array(32).fill(byte).join(':') });

  it('are taken only on the connection they were made for: a relay in the middle cannot pass one on', async () => {
    const identity = await createIdentity();
    const ada = side('ada', 'AA');
    const bob = side('bob', 'BB');
    const sent: string[] = [];
    const prover = new IdentityProof((message) => sent.push(message), async () => ({ own: ada, remote: bob }), Promise.resolve(identity));
    await prover.start();
    expect(sent).to.have.length(1);

    const proven = async (own: typeof ada, remote: typeof ada, message = sent[0]) => {
      const receiver = new IdentityProof(() => undefined, async () => ({ own, remote }));
      const settled = new Promise<boolean>((resolve) => {
        receiver.addEventListener('proven', () => resolve(true));
        setTimeout(() => resolve(false), 500);
      });
      expect(receiver.handle(message)).to.equal(true);
      return (await settled) ? receiver.remoteKeyId : undefined;
    };
    // Bob's side of the same connection takes it.
    expect(await proven(bob, ada)).to.equal(identity.peerId);
    // A relay's link to Bob has its own certificate: the proof does not fit it.
    expect(await proven(bob, side('ada', 'EE'))).to.equal(undefined);
    expect(await proven(side('bob', 'EE'), ada)).to.equal(undefined);
    expect(await proven(side('cy', 'BB'), ada)).to.equal(undefined);
    // Tampered or junk proofs prove nothing; other messages are not the proof's.
    const flipped = sent[0].at(-10) === 'A' ? 'B' : 'A';
    expect(await proven(bob, ada, `${sent[0].slice(0, -10)}${flipped}${sent[0].slice(-9)}`)).to.equal(undefined);
    expect(await proven(bob, ada, 'id-proof:junk')).to.equal(undefined);
    expect(new IdentityProof(() => undefined, () => new Promise(() => undefined)).handle('ping')).to.equal(false);
  });

  it('are not sent by a visitor without a remembered key', async () => {
    const sent: string[] = [];
    await new IdentityProof((message) => sent.push(message), async () => ({ own: side('a', 'AA'), remote: side('b', 'BB') })).start();
    expect(sent).to.deep.equal([]);
  });
});
