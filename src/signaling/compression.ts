/**
 * Deflate for signaling payloads, with the browser's own CompressionStream. SDP shrinks to about a
 * third, which keeps an offer well under the size at which some brokers (mosquitto's WebSocket
 * listener among them) hold a message back for a further read cycle.
 * Format: one flag byte (0 stored, 1 deflate-raw) then the data.
 */

const STORED = 0;
const DEFLATED = 1;
/** Smaller payloads are not worth the work. */
const MIN_COMPRESS_BYTES = 256;
/**
 * Compressed input is fed to the inflater this much at a time. Deflate expands at most about
 * 1,032 times, so each slice makes at most about 256 KiB, and a bomb is stopped within one slice
 * of the limit: a browser inflates each written chunk whole, however much it makes.
 */
export const INFLATE_SLICE_BYTES = 256;

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Runs `data` through a (de)compression stream in slices, each written only once the stream wants
 * more (its backpressure), and stops as soon as the output passes `maxBytes`.
 */
async function pipe(data: Uint8Array, stream: CompressionStream | DecompressionStream, maxBytes: number, sliceBytes: number): Promise<Uint8Array | undefined> {
  const writer = stream.writable.getWriter();
  let stopped = false;
  const feeding = (async () => {
    for (let offset = 0; offset < data.byteLength && !stopped; offset += sliceBytes) {
      await writer.ready;
      if (stopped) return;
      void writer.write(data.subarray(offset, offset + sliceBytes) as BufferSource).catch(() => undefined);
    }
    if (!stopped) await writer.close();
  })().catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        // A deflate bomb: stop feeding and reading, drop it.
        stopped = true;
        await Promise.all([reader.cancel().catch(() => undefined), writer.abort().catch(() => undefined)]);
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    stopped = true;
    await feeding;
  }
  return concat(chunks, total);
}

export async function pack(data: Uint8Array): Promise<Uint8Array> {
  let body = data;
  let flag = STORED;
  if (data.byteLength >= MIN_COMPRESS_BYTES && typeof CompressionStream !== 'undefined') {
    const deflated = await pipe(data, new CompressionStream('deflate-raw'), Infinity, data.byteLength);
    if (deflated && deflated.byteLength < data.byteLength) {
      body = deflated;
      flag = DEFLATED;
    }
  }
  const out = new Uint8Array(body.byteLength + 1);
  out[0] = flag;
  out.set(body, 1);
  return out;
}

/** Undoes `pack`; `undefined` for an unknown flag, corrupt data or more than `maxBytes`. */
export async function unpack(data: Uint8Array, maxBytes: number): Promise<Uint8Array | undefined> {
  if (data.byteLength === 0) return undefined;
  const body = data.subarray(1);
  if (data[0] === STORED) return body.byteLength <= maxBytes ? body : undefined;
  if (data[0] !== DEFLATED || typeof DecompressionStream === 'undefined') return undefined;
  try {
    return await pipe(body, new DecompressionStream('deflate-raw'), maxBytes, INFLATE_SLICE_BYTES);
  } catch {
    return undefined;
  }
}
