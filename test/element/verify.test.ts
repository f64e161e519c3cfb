import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { connectedPair, joinAll, removeVisitors, visitor } from '../support/visitors.js';
import { nextEvent, remoteTiles, uniqueRoom, waitFor } from '../support/helpers.js';
import type { VideoChat } from '../../src/element/video-chat.element.js';

afterEach(removeVisitors);

type Link = { connection: RTCPeerConnection; handle(signal: unknown): Promise<void> };
type Internals = { controller: { call: { currentVisit: { peerMesh: { link(id: string): Link } } } } };
const linkOf = (el: VideoChat, peerId: string) => (el as unknown as Internals).controller.call.currentVisit.peerMesh.link(peerId);
const idOf = (el: VideoChat, name: string) => el.peers.find((p) => p.name === name)!.peerId;

describe('<video-chat> verified peers', () => {
  it('shows both visitors of a pair the same safety code, and each pair its own', async () => {
    const room = uniqueRoom('verify');
    const [ada, bob, cy] = ['Ada', 'Bob', 'Cy'].map((name) => visitor(room, name));
    await joinAll(ada, bob, cy);
    await waitFor(() => [ada, bob, cy].every((el) => el.peers.length === 2), 'all three connected', 20_000);
    const [adaBob, bobAda, adaCy, cyAda, bobCy] = await Promise.all([
      ada.safetyCode(idOf(ada, 'Bob')), bob.safetyCode(idOf(bob, 'Ada')),
      ada.safetyCode(idOf(ada, 'Cy')), cy.safetyCode(idOf(cy, 'Ada')),
      bob.safetyCode(idOf(bob, 'Cy')),
    ]);
    expect(adaBob).to.deep.equal(bobAda);
    expect(adaCy).to.deep.equal(cyAda);
    expect(adaBob.emoji).to.have.length(7);
    expect(adaBob.digits).to.match(/^\d{8}$/);
    expect(adaBob).not.to.deep.equal(adaCy);
    expect(bobCy).not.to.deep.equal(adaBob);
    await ada.safetyCode('nobody-here').then(() => expect.fail('resolved'), (error: Error) => expect(error.message).to.include('not in the call'));
  });

  it('marks a peer verified: the tile\'s part and a bubbling peer-verified event', async () => {
    const [ada] = await connectedPair();
    const bobId = ada.peers[0].peerId;
    const verified = nextEvent(document, 'peer-verified' as never) as Promise<CustomEvent<{ peerId: string; name: string }>>;
    ada.markVerified(bobId);
    expect((await verified).detail).to.deep.equal({ peerId: bobId, name: 'Bob', remembered: false });
    await ada.updateComplete;
    expect(remoteTiles(ada)[0].getAttribute('part')!.split(' ')).to.include('verified');
  });

  it('refuses a renegotiation that brings another certificate, and tells a visitor who verified that peer (identity-changed)', async () => {
    const [ada] = await connectedPair();
    const bobId = ada.peers[0].peerId;
    const link = linkOf(ada, bobId);
    const before = link.connection.remoteDescription!.sdp;
    const forged = before.replace(/^a=fingerprint:sha-256 .*$/gm, `a=fingerprint:sha-256 ${Array(32).fill('AB').join(':')}`);
    const errors: string[] = [];
    const disconnects: string[] = [];
    ada.addEventListener('error', ({ detail }) => errors.push(detail.code));
    ada.addEventListener('disconnected', ({ detail }) => disconnects.push(detail.peerId));
    // Not verified: a description for another connection is dropped without a word.
    await link.handle({ kind: 'offer', from: bobId, to: 'whoever', name: 'Bob', sdp: forged });
    expect(errors).to.deep.equal([]);
    ada.markVerified(bobId);
    const refused = nextEvent(ada, 'error');
    await link.handle({ kind: 'offer', from: bobId, to: 'whoever', name: 'Bob', sdp: forged });
    expect((await refused).detail).to.include({ code: 'identity-changed', reason: 'identity-changed' });
    // Neither was applied, and the call goes on.
    expect(link.connection.remoteDescription!.sdp).to.equal(before);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(disconnects).to.deep.equal([]);
    expect(ada.peers.map((p) => p.peerId)).to.deep.equal([bobId]);
  });

  it('lets a visitor verify from the tile: Verify opens the code, "It matches" marks the peer', async () => {
    const [ada, bob] = await connectedPair();
    const bobId = ada.peers[0].peerId;
    const expected = await bob.safetyCode(bob.peers[0].peerId);
    remoteTiles(ada)[0].querySelector<HTMLButtonElement>('[part~="button"][part~="verify"]')!.click();
    await waitFor(() => !!ada.shadowRoot!.querySelector('[part~="verify-panel"] [part~="safety-code"]'), 'the code in the panel');
    const panel = ada.shadowRoot!.querySelector('[part~="verify-panel"]')!;
    expect(panel.getAttribute('aria-label')).to.equal('Verify Bob');
    await expect(ada).to.be.accessible();
    const shown = [...panel.querySelectorAll('[part~="safety-code"] li .emoji')].map((e) => e.textContent);
    expect(shown).to.deep.equal(expected.emoji);
    expect(panel.querySelector('[part~="safety-digits"]')!.textContent!.replace(/\s/g, '')).to.equal(expected.digits);
    const verified = nextEvent(ada, 'peer-verified');
    panel.querySelector<HTMLButtonElement>('[part~="matches"]')!.click();
    expect((await verified).detail.peerId).to.equal(bobId);
    await ada.updateComplete;
    expect(ada.shadowRoot!.querySelector('[part~="verify-panel"]'), 'the panel closed').to.equal(null);
    expect(remoteTiles(ada)[0].querySelector('[aria-label="Verified"]'), 'a verified mark by the name').to.exist;
  });

  it('marks a peer who shows another key under a verified name (remember-identity): tile, Verify panel, error', async () => {
    const room = uniqueRoom('key-changed');
    // Each visitor's own store, as on their own devices (elements in one page share the default).
    const rememberingVisitor = (name: string) => {
      const el = visitor(room, name, { 'remember-identity': '' });
      (el as unknown as StoreInternals).controller.call.configure({ identityStore: `test-${Math.random().toString(36).slice(2)}` });
      return el;
    };
    const ada = rememberingVisitor('Ada');
    const bob = rememberingVisitor('Bob');
    await joinAll(ada, bob);
    await waitFor(() => ada.peers.length === 1 && !!keyOf(ada, ada.peers[0].peerId), 'Bob connected, his key proven');
    ada.markVerified(ada.peers[0].peerId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await bob.leave();
    bob.remove();
    await waitFor(() => ada.peers.length === 0, 'Bob gone');

    const errors: string[] = [];
    ada.addEventListener('error', ({ detail }) => errors.push(`${detail.code} ${detail.reason}`));
    const otherBob = rememberingVisitor('Bob');
    await joinAll(otherBob);
    await waitFor(() => remoteTiles(ada)[0]?.getAttribute('part')!.split(' ').includes('key-changed'), 'the warning on the tile');
    expect(remoteTiles(ada)[0].getAttribute('part')!.split(' ')).not.to.include('verified');
    expect(errors).to.deep.equal(['identity-changed key-changed']);
    expect(remoteTiles(ada)[0].querySelector('[aria-label="Not the key you verified under this name"]'), 'a mark by the name').to.exist;
    remoteTiles(ada)[0].querySelector<HTMLButtonElement>('[part~="button"][part~="verify"]')!.click();
    await waitFor(() => !!ada.shadowRoot!.querySelector('[part~="verify-panel"] [part~="safety-code"]'), 'the code in the panel');
    const note = ada.shadowRoot!.querySelector('[part~="verify-panel"] [part~="key-changed-note"]')!;
    expect(note.textContent).to.include('Bob has another key than the Bob you verified before');
    await expect(ada).to.be.accessible();
  });
});

type StoreInternals = { controller: { call: { configure(changes: { identityStore: string }): void; participants: { peerId: string; keyId?: string }[] } } };
const keyOf = (el: VideoChat, peerId: string) => (el as unknown as StoreInternals).controller.call.participants.find((p) => p.peerId === peerId)?.keyId;
