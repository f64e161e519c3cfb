import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { HEAD_BYTES, withDuration } from '../../src/media/webm-duration.js';

/** One EBML element: id bytes, an 8-byte size field (all ones for an unknown size), content. */
function element(id: number[], content: Uint8Array | number[], unknownSize = false): Uint8Array<ArrayBuffer> {
  const body = Uint8Array.from(content);
  const size = new Uint8Array(8);
  if (unknownSize) size.fill(0xff);
  else new DataView(size.buffer).setUint32(4, body.length);
  size[0] = 0x01;
  return concat([Uint8Array.from(id), size, body]);
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const EBML = [0x1a, 0x45, 0xdf, 0xa3];
const SEGMENT = [0x18, 0x53, 0x80, 0x67];
const INFO = [0x15, 0x49, 0xa9, 0x66];
const TRACKS = [0x16, 0x54, 0xae, 0x6b];
const CLUSTER = [0x1f, 0x43, 0xb6, 0x75];
const SEEK_HEAD = [0x11, 0x4d, 0x9b, 0x74];
const timecodeScale = (ns: number) => [0x2a, 0xd7, 0xb1, 0x84, ns >>> 24, (ns >> 16) & 0xff, (ns >> 8) & 0xff, ns & 0xff];
const muxingApp = [0x4d, 0x80, 0x83, 0x43, 0x68, 0x72];
const float64 = (id: number[], value: number) => {
  const bytes = new Uint8Array(id.length + 9);
  bytes.set([...id, 0x88]);
  new DataView(bytes.buffer).setFloat64(id.length + 1, value);
  return [...bytes];
};

/** A file shaped as MediaRecorder writes it: header, a Segment of unknown size, Info, Tracks, clusters. */
function recording({ info = [...timecodeScale(1_000_000), ...muxingApp], before = [] as Uint8Array[], clusterBytes = 1000 } = {}): Blob {
  const frames = new Uint8Array(clusterBytes).map((_, i) => i % 251);
  const segment = concat([...before, element(INFO, info), element(TRACKS, [0xae, 0x80]), element(CLUSTER, frames)]);
  return new Blob([element(EBML, [0x42, 0x86, 0x81, 0x01]), element(SEGMENT, segment, true)], { type: 'video/webm' });
}

/** The Info element's Duration as a parser reads it, and where Info starts and ends. */
function readInfo(bytes: Uint8Array) {
  const start = bytes.findIndex((_, i) => INFO.every((b, j) => bytes[i + j] === b));
  const sizeLength = Math.clz32(bytes[start + 4]) - 23;
  let size = bytes[start + 4] & (0xff >> sizeLength);
  for (let i = 1; i < sizeLength; i++) size = size * 256 + bytes[start + 4 + i];
  const contentStart = start + 4 + sizeLength;
  const info = bytes.subarray(contentStart, contentStart + size);
  const at = info.findIndex((_, i) => info[i] === 0x44 && info[i + 1] === 0x89);
  return { duration: at < 0 ? undefined : new DataView(info.buffer, info.byteOffset + at + 3, 8).getFloat64(0), start, end: contentStart + size };
}

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

describe('WebM duration', () => {
  it('writes the duration into Info and leaves every other byte as it was', async () => {
    const original = recording();
    const fixed = await withDuration(original, 5230);
    expect(fixed.type).to.equal('video/webm');
    const before = await bytesOf(original);
    const after = await bytesOf(fixed);
    // The header before Info is the original's.
    expect(after.subarray(0, readInfo(after).start)).to.deep.equal(before.subarray(0, readInfo(before).start));
    expect(readInfo(before).duration).to.equal(undefined);
    expect(readInfo(after).duration).to.equal(5230);
    // Everything after Info (tracks and frames) is the original's tail.
    expect(after.subarray(readInfo(after).end)).to.deep.equal(before.subarray(readInfo(before).end));
  });

  it('counts in the file\'s own time units', async () => {
    const fixed = await bytesOf(await withDuration(recording({ info: [...timecodeScale(1_000), ...muxingApp] }), 2000));
    expect(readInfo(fixed).duration, 'microseconds').to.equal(2_000_000);
  });

  it('reads only the head of a large recording into the page', async () => {
    const large = recording({ clusterBytes: 8 * 1024 * 1024 });
    const read: number[] = [];
    const arrayBuffer = Blob.prototype.arrayBuffer;
    Blob.prototype.arrayBuffer = function (this: Blob) {
      read.push(this.size);
      return arrayBuffer.call(this);
    };
    try {
      await withDuration(large, 1000);
    } finally {
      Blob.prototype.arrayBuffer = arrayBuffer;
    }
    expect(read).to.deep.equal([HEAD_BYTES]);
  });

  it('returns what it cannot safely change as it was', async () => {
    const junk = new Blob([new Uint8Array(500).fill(7)], { type: 'video/webm' });
    expect(await withDuration(junk, 1000)).to.equal(junk);
    const timed = recording({ info: [...timecodeScale(1_000_000), ...float64([0x44, 0x89], 900)] });
    expect(await withDuration(timed, 1000), 'a duration already there').to.equal(timed);
    const seekable = recording({ before: [element(SEEK_HEAD, [0xec, 0x80])] });
    expect(await withDuration(seekable, 1000), 'a SeekHead whose offsets would move').to.equal(seekable);
    const truncated = new Blob([(await bytesOf(recording())).subarray(0, 30)]);
    expect(await withDuration(truncated, 1000)).to.equal(truncated);
  });
});
