import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { SAFETY_EMOJI, SafetyExchange, safetyCodeOf, sdpFingerprint, type SafetySide } from '../../src/peer/safety-code.js';

const fingerprint = (byte: number) => Array.from({ length: 32 }, () => byte.toString(16).padStart(2, '0').toUpperCase()).join(':');

/** Two exchanges wired to each other, as two ends of a link's control channel. */
function link(own: SafetySide, remote: SafetySide, theirs: SafetySide = remote, theirRemote: SafetySide = own) {
  const ends: SafetyExchange[] = [];
  const a = new SafetyExchange((message) => queueMicrotask(() => ends[1].handle(message)), async () => ({ own, remote }));
  const b = new SafetyExchange((message) => queueMicrotask(() => ends[0].handle(message)), async () => ({ own: theirs, remote: theirRemote }));
  ends.push(a, b);
  const settled = (x: SafetyExchange) => new Promise<void>((resolve) => (x.settled ? resolve() : x.addEventListener('settled', () => resolve())));
  void a.start();
  void b.start();
  return Promise.all([settled(a), settled(b)]).then(() => [a, b] as const);
}

describe('safety codes', () => {
  const ada = { peerId: 'ada-peer-id-0001', fingerprint: fingerprint(0xad) };
  const bob = { peerId: 'bob-peer-id-0002', fingerprint: fingerprint(0xb0) };

  it('gives both ends of a link the same code: seven of the 64 emoji and eight digits', async () => {
    const [atAda, atBob] = await link(ada, bob);
    expect(atAda.code).to.deep.equal(atBob.code);
    expect(atAda.code!.emoji).to.have.length(7);
    for (const emoji of atAda.code!.emoji) expect(SAFETY_EMOJI.map(([e]) => e)).to.include(emoji);
    expect(atAda.code!.digits).to.match(/^\d{8}$/);
    expect(new Set(SAFETY_EMOJI.map(([e]) => e)).size).to.equal(64);
  });

  it('gives every exchange its own code (fresh nonces), and other pairs other codes', async () => {
    const [first] = await link(ada, bob);
    const [second] = await link(ada, bob);
    expect(first.code).not.to.deep.equal(second.code);
    const nonce = new Uint8Array(32);
    const cy = { peerId: 'cy-peer-id-0003', fingerprint: fingerprint(0xc0) };
    expect(await safetyCodeOf({ ...ada, nonce }, { ...bob, nonce })).to.deep.equal(await safetyCodeOf({ ...bob, nonce }, { ...ada, nonce }));
    expect(await safetyCodeOf({ ...ada, nonce }, { ...bob, nonce })).not.to.deep.equal(await safetyCodeOf({ ...ada, nonce }, { ...cy, nonce }));
  });

  it('gives the two sides different codes when someone in the middle holds two links with two certificates', async () => {
    // Mallory shows Ada a link under Bob's id with her own certificate, and Bob one under Ada's id.
    const malloryAsBob = { peerId: bob.peerId, fingerprint: fingerprint(0x66) };
    const malloryAsAda = { peerId: ada.peerId, fingerprint: fingerprint(0x77) };
    const [atAda] = await link(ada, malloryAsBob, malloryAsBob, ada);
    const [, atBob] = await link(malloryAsAda, bob, bob, malloryAsAda);
    expect(atAda.code).not.to.deep.equal(atBob.code);
  });

  it('fails an exchange whose reveal does not match its commitment, or comes out of turn', async () => {
    const early = new SafetyExchange(() => undefined, async () => ({ own: ada, remote: bob }));
    early.handle(`sas-reveal:${'00'.repeat(32)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(early.failed, 'a reveal before any commitment').to.equal(true);
    const cheated = new SafetyExchange(() => undefined, async () => ({ own: ada, remote: bob }));
    await cheated.start();
    cheated.handle(`sas-commit:${'ab'.repeat(32)}`);
    cheated.handle(`sas-reveal:${'00'.repeat(32)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cheated.failed, 'a nonce that is not the committed one').to.equal(true);
    expect(cheated.code).to.equal(undefined);
  });

  it('sends its commitment before its reveal when the other\'s commitment arrives while it is hashing its own', async () => {
    // Seen between Firefox and Chromium: both control channels opened at once, the reveal went out
    // first, and the other side failed the exchange (a reveal out of turn).
    const sent: string[] = [];
    const exchange = new SafetyExchange((message) => sent.push(message), async () => ({ own: ada, remote: bob }));
    const started = exchange.start();
    exchange.handle(`sas-commit:${'ab'.repeat(32)}`);
    await started;
    expect(sent.map((message) => message.split(':')[0])).to.deep.equal(['sas-commit', 'sas-reveal']);
  });

  it('reads the certificate fingerprint from SDP', () => {
    const sdp = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 ab:CD:${'01:'.repeat(29)}ef\r\na=setup:actpass\r\n`;
    expect(sdpFingerprint(sdp)).to.equal(`AB:CD:${'01:'.repeat(29)}EF`);
    expect(sdpFingerprint('v=0\r\n')).to.equal(undefined);
  });
});
