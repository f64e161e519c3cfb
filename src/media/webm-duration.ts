/**
 * Writes the duration into a WebM recording's header. MediaRecorder leaves it out (it cannot know
 * the length while it writes), and players then show no length and cannot seek.
 *
 * Only the head of the file is read: the Info element, which carries the duration, comes before
 * the first cluster of frames, and the Segment that holds everything is written with an unknown
 * size, so growing Info moves nothing that anything points at. The rest of the file stays a slice
 * of the original Blob, which the browser keeps out of the page (on disk when it is large): an
 * hour-long recording costs the page a few kilobytes here, not its whole size several times over,
 * as reading it into an ArrayBuffer and writing it back would.
 */

const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const SEEK_HEAD = 0x114d9b74;
const INFO = 0x1549a966;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const CLUSTER = 0x1f43b675;

/** How much of the file is read to find Info: far more than any recorder's header takes. */
export const HEAD_BYTES = 64 * 1024;

interface Vint {
  value: number;
  length: number;
  /** All value bits set: the reserved "unknown size". */
  unknown: boolean;
}

/** An EBML variable-length integer at `offset`; with `keepMarker` (element ids) its length bit stays. */
function readVint(bytes: Uint8Array, offset: number, keepMarker: boolean): Vint | undefined {
  const first = bytes[offset];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (offset + length > bytes.length) return undefined;
  let value = keepMarker ? first : first & (0xff >> length);
  let unknown = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[offset + i];
    unknown &&= bytes[offset + i] === 0xff;
  }
  return { value, length, unknown: !keepMarker && unknown };
}

interface Element {
  id: number;
  /** Where the element starts (its id). */
  start: number;
  /** Where its id ends (its size field starts). */
  idEnd: number;
  /** Where its content starts. */
  contentStart: number;
  /** Where its content ends; undefined for an unknown size. */
  end?: number;
}

function readElement(bytes: Uint8Array, offset: number): Element | undefined {
  const id = readVint(bytes, offset, true);
  if (!id) return undefined;
  const size = readVint(bytes, offset + id.length, false);
  if (!size) return undefined;
  const contentStart = offset + id.length + size.length;
  return { id: id.value, start: offset, idEnd: offset + id.length, contentStart, end: size.unknown ? undefined : contentStart + size.value };
}

/** The size field for `size` bytes of content, in the fewest bytes. */
function encodeSize(size: number): Uint8Array<ArrayBuffer> {
  let length = 1;
  while (size >= 2 ** (7 * length) - 1) length++;
  const bytes = new Uint8Array(length);
  let rest = size;
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  bytes[0] |= 0x80 >> (length - 1);
  return bytes;
}

function readUint(bytes: Uint8Array, element: Element): number {
  let value = 0;
  for (let i = element.contentStart; i < (element.end ?? element.contentStart); i++) value = value * 256 + bytes[i];
  return value;
}

/**
 * The recording with its duration written in, or the recording as it was when its head is not a
 * WebM header this can safely change (no Info, a SeekHead whose offsets would move, a duration
 * already there, a read error).
 */
export async function withDuration(recording: Blob, durationMs: number): Promise<Blob> {
  try {
    const head = new Uint8Array(await recording.slice(0, HEAD_BYTES).arrayBuffer());
    const ebml = readElement(head, 0);
    if (ebml?.id !== EBML_HEADER || ebml.end === undefined) return recording;
    const segment = readElement(head, ebml.end);
    // A Segment of known size would have to grow too; MediaRecorder writes it unknown.
    if (segment?.id !== SEGMENT || segment.end !== undefined) return recording;
    let info: Element | undefined;
    for (let offset = segment.contentStart; offset < head.length;) {
      const child = readElement(head, offset);
      if (!child || child.end === undefined || child.id === CLUSTER || child.id === SEEK_HEAD) return recording;
      if (child.id === INFO) {
        info = child;
        break;
      }
      offset = child.end;
    }
    if (!info?.end || info.end > head.length) return recording;
    let scale = 1_000_000;
    const kept: Uint8Array<ArrayBuffer>[] = [];
    for (let offset = info.contentStart; offset < info.end;) {
      const child = readElement(head, offset);
      if (!child?.end || child.end > info.end) return recording;
      if (child.id === DURATION) {
        const existing = new DataView(head.buffer, child.contentStart, child.end - child.contentStart);
        const value = existing.byteLength === 8 ? existing.getFloat64(0) : existing.byteLength === 4 ? existing.getFloat32(0) : 0;
        if (value > 0) return recording;
      } else {
        if (child.id === TIMECODE_SCALE) scale = readUint(head, child) || scale;
        kept.push(head.subarray(child.start, child.end));
      }
      offset = child.end;
    }
    // Duration is a float in the file's time units (TimecodeScale nanoseconds each).
    const duration = new Uint8Array(11);
    duration.set([0x44, 0x89, 0x88]);
    new DataView(duration.buffer).setFloat64(3, (durationMs * 1_000_000) / scale);
    const content = [...kept, duration];
    const contentSize = content.reduce((sum, part) => sum + part.length, 0);
    return new Blob(
      [head.subarray(0, info.start), head.subarray(info.start, info.idEnd), encodeSize(contentSize), ...content, recording.slice(info.end)],
      { type: recording.type },
    );
  } catch {
    return recording;
  }
}
