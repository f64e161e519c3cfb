// Node's `Buffer` as MQTT.js, mqtt-packet, bl and readable-stream use it in this bundle: a
// Uint8Array with the statics and methods they call, on the browser's TextEncoder, TextDecoder and
// DataView. Kept, with Node's behaviour (test/bundle/buffer.test.mjs compares them with Node's own
// Buffer): from (bytes, an ArrayBuffer and a range of it, a UTF-8 string), alloc, allocUnsafe,
// concat, byteLength, isBuffer; slice as a view, subarray, copy, write and toString in UTF-8, and
// the unsigned 8-, 16- and 32-bit big-endian reads and writes. Removed: every other encoding (hex,
// base64, latin1, UTF-16), which throws here; the other number formats (little-endian, signed,
// floats, 64-bit); equals, compare, fill with a string, indexOf with a string, and the rest of
// Node's Buffer API. The same test parses the bundle and fails when its code uses a Buffer method
// this class lacks, unless an audit there says the receiver is never a Buffer.
const encoder = new TextEncoder();
// Node keeps a leading byte-order mark as U+FEFF; a default TextDecoder would drop it.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function checkEncoding(encoding) {
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) throw new TypeError(`Unsupported encoding in this bundle: ${encoding}`);
}

function view(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkValue(value, max) {
  if (!(value >= 0 && value <= max)) throw new RangeError(`The value ${value} is out of range 0..${max}`);
}

export class Buffer extends Uint8Array {
  static from(value, offsetOrEncoding, length) {
    if (typeof value === 'string') {
      checkEncoding(offsetOrEncoding);
      const bytes = encoder.encode(value);
      return new Buffer(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    if (value instanceof ArrayBuffer) {
      const offset = offsetOrEncoding ?? 0;
      return new Buffer(value, offset, length ?? value.byteLength - offset);
    }
    const copy = new Buffer(value.length);
    copy.set(value);
    return copy;
  }

  static alloc(size) {
    return new Buffer(size);
  }

  static allocUnsafe(size) {
    return new Buffer(size);
  }

  static isBuffer(value) {
    return value instanceof Buffer;
  }

  static byteLength(value) {
    return typeof value === 'string' ? encoder.encode(value).length : value.byteLength;
  }

  static concat(list, totalLength = list.reduce((sum, bytes) => sum + bytes.length, 0)) {
    if (list.length === 0) return new Buffer(0);
    const result = new Buffer(totalLength);
    let offset = 0;
    for (const bytes of list) {
      if (offset >= totalLength) break;
      result.set(bytes.subarray(0, totalLength - offset), offset);
      offset += bytes.length;
    }
    return result;
  }

  /** A view of the same memory, as Node's Buffer slice is (a Uint8Array's copies). */
  slice(start, end) {
    return this.subarray(start, end);
  }

  toString(encoding, start = 0, end = this.length) {
    checkEncoding(encoding);
    return decoder.decode(this.subarray(start, end));
  }

  /** Writes `string` as UTF-8 at `offset`, whole characters only; returns the bytes written. */
  write(string, offset = 0, length, encoding) {
    if (typeof offset === 'string') [offset, encoding] = [0, offset];
    else if (typeof length === 'string') [length, encoding] = [undefined, length];
    checkEncoding(encoding);
    const end = length === undefined ? this.length : Math.min(this.length, offset + length);
    return encoder.encodeInto(string, this.subarray(offset, end)).written;
  }

  /** Copies into `target`; callable on any Uint8Array, as readable-stream does. */
  copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
    if (targetStart >= target.length || sourceStart >= sourceEnd) return 0;
    const bytes = this.subarray(sourceStart, Math.min(sourceEnd, sourceStart + target.length - targetStart));
    target.set(bytes, targetStart);
    return bytes.length;
  }

  readUInt8(offset = 0) {
    return view(this).getUint8(offset);
  }

  readUInt16BE(offset = 0) {
    return view(this).getUint16(offset);
  }

  readUInt32BE(offset = 0) {
    return view(this).getUint32(offset);
  }

  writeUInt8(value, offset = 0) {
    checkValue(value, 0xff);
    view(this).setUint8(offset, value);
    return offset + 1;
  }

  writeUInt16BE(value, offset = 0) {
    checkValue(value, 0xffff);
    view(this).setUint16(offset, value);
    return offset + 2;
  }

  writeUInt32BE(value, offset = 0) {
    checkValue(value, 0xffffffff);
    view(this).setUint32(offset, value);
    return offset + 4;
  }
}

