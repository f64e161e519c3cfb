import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { FileLane, sha256Hex, type FileLaneEventMap } from '../../src/peer/file-lane.js';
import { waitFor } from '../support/helpers.js';

/** How long a transfer may stall in these tests (the lane's default is 30 s). */
const STALL_MS = 1500;

/**
 * A FileLane on one end of a real connection; on the other end, the bare file channel, for the
 * test to speak the protocol as a hostile room member's own code would.
 */
async function laneAndPeer(maxBytes = 1_000_000) {
  const [a, b] = [new RTCPeerConnection(), new RTCPeerConnection()];
  a.addEventListener('icecandidate', ({ candidate }) => candidate && void b.addIceCandidate(candidate));
  b.addEventListener('icecandidate', ({ candidate }) => candidate && void a.addIceCandidate(candidate));
  const [ours, raw] = [a, b].map((pc) => pc.createDataChannel('file', { negotiated: true, id: 3 }));
  raw.binaryType = 'arraybuffer';
  const lane = new FileLane(() => maxBytes, { stallMs: STALL_MS });
  lane.attach(ours);
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
  await waitFor(() => raw.readyState === 'open' && ours.readyState === 'open', 'the file channel open');
  const said: Record<string, unknown>[] = [];
  let bytesSeen = 0;
  raw.addEventListener('message', ({ data }) => {
    if (typeof data === 'string') said.push(JSON.parse(data));
    else bytesSeen += (data as ArrayBuffer).byteLength;
  });
  const close = () => [a, b].forEach((pc) => pc.close());
  return { lane, raw, said, bytesSeen: () => bytesSeen, close };
}

function next<K extends keyof FileLaneEventMap>(lane: FileLane, type: K, timeoutMs = 15000): Promise<FileLaneEventMap[K]['detail']> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${type}" within ${timeoutMs} ms`)), timeoutMs);
    lane.addEventListener(type, ({ detail }) => {
      clearTimeout(timer);
      resolve(detail);
    }, { once: true });
  });
}

function bytesOf(text: string): ArrayBuffer {
  return new TextEncoder().encode(text).buffer as ArrayBuffer;
}

describe('FileLane against a hostile peer', () => {
  it('gives a received file an inert type, whatever its sender declares', async () => {
    const { lane, raw, close } = await laneAndPeer();
    const page = bytesOf('<script>localStorage.stolen = JSON.stringify(localStorage)</script>');
    const sha256 = await sha256Hex(page);
    const cases: [string, string][] = [
      ['text/html', 'application/octet-stream'],
      ['TEXT/HTML', 'application/octet-stream'],
      ['image/svg+xml', 'application/octet-stream'],
      ['application/xhtml+xml', 'application/octet-stream'],
      ['text/xml', 'application/octet-stream'],
      ['application/javascript', 'application/octet-stream'],
      ['application/pdf', 'application/octet-stream'],
      ['text/html;charset=utf-8', 'application/octet-stream'],
      ['image/png', 'image/png'],
      ['text/plain;charset=utf-8', 'text/plain'],
    ];
    for (const [index, [declared, expected]] of cases.entries()) {
      const received = next(lane, 'received');
      const id = `t${index}`;
      raw.send(JSON.stringify({ t: 'offer', id, name: 'minutes.pdf', size: page.byteLength, type: declared, sha256 }));
      raw.send(page);
      raw.send(JSON.stringify({ t: 'end', id }));
      const { file, offer } = await received;
      expect(file.type, `declared ${declared}`).to.equal(expected);
      expect(offer.type, `declared ${declared}`).to.equal(expected);
      expect(await file.text()).to.contain('<script>');
    }
    close();
  });

  it('streams an accepted file once, however often it is accepted, and fails it if never confirmed', async function () {
    this.timeout(30000);
    const { lane, raw, said, bytesSeen, close } = await laneAndPeer();
    const size = 300 * 1024;
    const blob = new Blob([new Uint8Array(size)]);
    const offer = { id: 'once', name: 'a.bin', size, type: 'application/octet-stream', sha256: await sha256Hex(await blob.arrayBuffer()) };
    raw.addEventListener('message', ({ data }) => {
      // 400 accepts made the sender stream the file 400 times (heap 10 → 427 MB).
      if (typeof data === 'string' && JSON.parse(data).t === 'offer') for (let i = 0; i < 50; i++) raw.send(JSON.stringify({ t: 'accept', id: offer.id }));
    });
    // Never a `done`: the send must still settle, with a reason.
    const outcome = lane.send(offer, blob).then(() => 'delivered', (error: Error) => error.message);
    const settled = await Promise.race([outcome, new Promise((resolve) => setTimeout(() => resolve('never settled'), 20000))]);
    expect(settled).to.equal('stalled');
    expect(bytesSeen(), 'bytes streamed').to.equal(size);
    expect(said.filter((m) => m.t === 'end'), 'ends').to.have.length(1);
    await waitFor(() => said.some((m) => m.t === 'cancel' && m.id === offer.id), 'the peer told of the end');
    close();
  });

  it('fails a send the peer never answers, and offers the next file then', async function () {
    this.timeout(30000);
    const { lane, said, close } = await laneAndPeer();
    const blob = new Blob(['x']);
    const offer = (id: string) => ({ id, name: `${id}.txt`, size: 1, type: 'text/plain', sha256: '0'.repeat(64) });
    const first = lane.send(offer('first'), blob).then(() => 'delivered', (error: Error) => error.message);
    const second = lane.send(offer('second'), blob).then(() => 'delivered', (error: Error) => error.message);
    expect(await Promise.race([first, new Promise((resolve) => setTimeout(() => resolve('never settled'), 20000))])).to.equal('stalled');
    await waitFor(() => said.some((m) => m.t === 'offer' && m.id === 'second'), 'the second offer');
    expect(await second).to.equal('stalled');
    close();
  });

  it('refuses empty chunks, and more chunks than the declared size allows', async () => {
    const { lane, raw, said, close } = await laneAndPeer();
    const sha256 = '0'.repeat(64);
    // 1.1 million empty chunks in 40 s against a 1,000-byte offer took 600 MB.
    let failed = next(lane, 'receive-failed', 5000);
    raw.send(JSON.stringify({ t: 'offer', id: 'empty', name: 'e.bin', size: 1000, type: 'x/y', sha256 }));
    for (let i = 0; i < 20; i++) raw.send(new ArrayBuffer(0));
    expect(await failed).to.include({ reason: 'malformed' });
    await waitFor(() => said.some((m) => m.t === 'failed' && m.id === 'empty'), 'the failure told');
    // A 4,096-byte offer may come in 4 chunks at most (one per KiB): a fifth breaks it.
    failed = next(lane, 'receive-failed', 5000);
    raw.send(JSON.stringify({ t: 'offer', id: 'crumbs', name: 'c.bin', size: 4096, type: 'x/y', sha256 }));
    for (let i = 0; i < 5; i++) raw.send(new ArrayBuffer(1));
    expect(await failed).to.deep.include({ reason: 'malformed' });
    expect((await failed).offer.id).to.equal('crumbs');
    close();
  });

  it('drops an accepted offer that stops coming, and one that never starts', async () => {
    const { lane, raw, said, close } = await laneAndPeer();
    const sha256 = '0'.repeat(64);
    const started: number[] = [];
    lane.addEventListener('progress', ({ detail }) => detail.direction === 'receive' && started.push(detail.bytes));
    let failed = next(lane, 'receive-failed', 15000);
    raw.send(JSON.stringify({ t: 'offer', id: 'half', name: 'h.bin', size: 1000, type: 'x/y', sha256 }));
    raw.send(new ArrayBuffer(500));
    const half = await failed;
    expect(half).to.include({ reason: 'stalled' });
    expect(half.offer.id).to.equal('half');
    await waitFor(() => said.some((m) => m.t === 'failed' && m.id === 'half' && m.reason === 'stalled'), 'the peer told of the stall');
    failed = next(lane, 'receive-failed', 15000);
    raw.send(JSON.stringify({ t: 'offer', id: 'none', name: 'n.bin', size: 1000, type: 'x/y', sha256 }));
    expect(await failed).to.include({ reason: 'stalled' });
    // Each accepted offer says so at once (0 bytes), so that its visit counts what it may hold.
    expect(started).to.deep.equal([0, 500, 0]);
    close();
  });
});
