// What signaling's cryptography costs in a page: the room key derivation a join waits for, and
// signing and verifying per message, alone and with sealing and opening around them. Built into
// bench/.tmp/crypto.js by bench/run.mjs; bench/pages/crypto.html runs it.
import { openRoomChannel } from '../src/signaling/channel.ts';
import { createIdentity, sign, SignatureCheck } from '../src/signaling/identity.ts';

const MESSAGES = 200;

const perMessage = async (work) => {
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i++) await work(i);
  return (performance.now() - started) / MESSAGES;
};

window.measureCrypto = async () => {
  const room = `bench-${crypto.randomUUID()}`;
  const started = performance.now();
  const sender = await openRoomChannel(room, 'a password');
  const deriveMs = performance.now() - started;
  const receiver = await openRoomChannel(room, 'a password');
  const topic = sender.topics.presence;
  const hello = { kind: 'hello', from: sender.peerId, name: 'Ada', since: Date.now() };
  const payloads = [];
  const sealMs = await perMessage(async () => payloads.push(await sender.encode(topic, hello)));
  // Every payload is opened and verified; past the sender's rate budget the last check drops it.
  const openMs = await perMessage(async (i) => receiver.decode(topic, payloads[i]));
  const identity = await createIdentity();
  const body = crypto.getRandomValues(new Uint8Array(300));
  const signatures = [];
  const signMs = await perMessage(async () => signatures.push(await sign(identity, body)));
  const check = new SignatureCheck();
  const verifyMs = await perMessage(async (i) => {
    if (!(await check.verify(identity.peerId, identity.publicKey, body, signatures[i]))) throw new Error('a signature did not verify');
  });
  return { deriveMs, sealMs, openMs, signMs, verifyMs };
};
