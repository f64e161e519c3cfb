// What signaling's cryptography costs in a page: the room key derivation, what of it a join waits
// for, and signing and verifying per message, alone and with sealing and opening around them. Built into
// bench/.tmp/crypto.js by bench/run.mjs; bench/pages/crypto.html runs it.
import { VideoCall } from '../src/call/video-call.ts';
import { openRoomChannel } from '../src/signaling/channel.ts';
import { createIdentity, sign, SignatureCheck } from '../src/signaling/identity.ts';
import { roomKeys } from '../src/signaling/room-crypto.ts';

const MESSAGES = 200;

const perMessage = async (work) => {
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i++) await work(i);
  return (performance.now() - started) / MESSAGES;
};

/** From join() to announced in the room, with the engine (camera start included). */
async function timedJoin(broker, room, password) {
  const call = new VideoCall({ room, password, broker, name: 'Ada', iceServers: [] });
  const problems = [];
  call.addEventListener('error', ({ detail }) => problems.push(`${detail.code}/${detail.reason}`));
  const started = performance.now();
  await call.join();
  const joinMs = performance.now() - started;
  const joined = call.state === 'joined';
  await call.leave();
  if (!joined) throw new Error(`the benchmark visitor did not join: ${problems.join(', ')}`);
  return joinMs;
}

window.measureCrypto = async (broker) => {
  // The first camera start of a page is slower than the rest: out of the figures.
  await timedJoin(broker, `bench-${crypto.randomUUID()}`, 'a password');
  // A join that derives the keys beside the camera start (autojoin), and one that finds them
  // derived while the visitor looked at the preview: the difference is what derivation adds.
  const coldJoinMs = await timedJoin(broker, `bench-${crypto.randomUUID()}`, 'a password');
  const warmRoom = `bench-${crypto.randomUUID()}`;
  await roomKeys(warmRoom, 'a password');
  const warmJoinMs = await timedJoin(broker, warmRoom, 'a password');

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
  return { deriveMs, joinDelayMs: coldJoinMs - warmJoinMs, coldJoinMs, warmJoinMs, sealMs, openMs, signMs, verifyMs };
};
