// The drop-in bundle's Buffer (scripts/mqtt-browser/buffer.mjs) against Node's own, on random
// input, and against what the bundled libraries call. Runs in Node: the shim needs only
// TextEncoder, TextDecoder and DataView, which Node has as browsers do.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rollup } from 'rollup';
import { parseAst } from 'rollup/parseAst';
import config from '../../rollup.config.mjs';
import { Buffer as Shim } from '../../scripts/mqtt-browser/buffer.mjs';

/** A seeded generator, so that a failure names an input that can be replayed. */
function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/** Text of 1- to 4-byte characters, a byte-order mark and lone surrogates among them. */
function randomText(rng, length) {
  const pieces = ['a', 'Z', '/', '#', 'é', 'ß', '€', '中', '😀', '🎥', '\uFEFF', '\uD800', '\uDFFF', '\0'];
  let text = '';
  for (let i = 0; i < length; i++) text += rng.next() < 0.6 ? pieces[rng.int(4)] : pieces[rng.int(pieces.length)];
  return text;
}

/** Bytes, valid UTF-8 or not. */
function randomBytes(rng, length) {
  const bytes = new Uint8Array(length);
  if (rng.next() < 0.5) return Buffer.from(randomText(rng, length)).subarray(0, length);
  for (let i = 0; i < length; i++) bytes[i] = rng.next() < 0.5 ? rng.int(128) : 128 + rng.int(128);
  return bytes;
}

const bytesOf = (buffer) => [...buffer];
const RUNS = 2000;

describe("the bundle's Buffer", () => {
  it('encodes text as Node does: from, byteLength, write (at any offset, room and length)', () => {
    const rng = random(1);
    for (let run = 0; run < RUNS; run++) {
      const text = randomText(rng, rng.int(12));
      const context = JSON.stringify({ run, text });
      assert.deepEqual(bytesOf(Shim.from(text)), bytesOf(Buffer.from(text)), context);
      assert.deepEqual(bytesOf(Shim.from(text, 'utf8')), bytesOf(Buffer.from(text, 'utf8')), context);
      assert.equal(Shim.byteLength(text), Buffer.byteLength(text), context);
      const size = rng.int(20);
      const offset = rng.int(size + 1);
      const ours = Shim.alloc(size);
      const node = Buffer.alloc(size);
      if (rng.next() < 0.5) {
        assert.equal(ours.write(text, offset), node.write(text, offset), context);
      } else {
        const length = rng.int(size - offset + 1);
        assert.equal(ours.write(text, offset, length, 'utf8'), node.write(text, offset, length, 'utf8'), context);
      }
      assert.deepEqual(bytesOf(ours), bytesOf(node), context);
    }
    assert.equal(Shim.alloc(4).write('ab', 'utf-8'), 2);
  });

  it('decodes bytes as Node does, malformed UTF-8 and a byte-order mark included', () => {
    const rng = random(2);
    for (let run = 0; run < RUNS; run++) {
      const bytes = randomBytes(rng, rng.int(16));
      const ours = Shim.from(bytes);
      const node = Buffer.from(bytes);
      const context = JSON.stringify({ run, bytes: bytesOf(bytes) });
      assert.equal(ours.toString(), node.toString(), context);
      const start = rng.int(bytes.length + 1);
      const end = start + rng.int(bytes.length - start + 1);
      assert.equal(ours.toString('utf8', start, end), node.toString('utf8', start, end), context);
    }
  });

  it('makes buffers from bytes (a copy) and from an ArrayBuffer or a range of one (shared)', () => {
    const source = Uint8Array.from([1, 2, 3, 4, 5]);
    const copy = Shim.from(source);
    source[0] = 9;
    assert.deepEqual(bytesOf(copy), [1, 2, 3, 4, 5]);
    assert.deepEqual(bytesOf(Shim.from([1, 256, -1, 3.7])), bytesOf(Buffer.from([1, 256, -1, 3.7])));
    const memory = new ArrayBuffer(6);
    const whole = Shim.from(memory);
    const range = Shim.from(memory, 2, 3);
    const rest = Shim.from(memory, 4);
    whole[2] = 7;
    whole[5] = 8;
    assert.deepEqual([range.length, range[0], rest.length, rest[1]], [3, 7, 2, 8]);
    assert.ok(Shim.isBuffer(range) && !Shim.isBuffer(source) && !Shim.isBuffer('text'));
    assert.deepEqual(bytesOf(Shim.alloc(3)), [0, 0, 0]);
    assert.equal(Shim.allocUnsafe(5).length, 5);
    assert.equal(Shim.byteLength(new Uint16Array(3)), 6);
  });

  it('slices and subarrays as views that stay buffers', () => {
    const buffer = Shim.from([1, 2, 3, 4]);
    for (const part of [buffer.slice(1, 3), buffer.subarray(1, 3)]) {
      assert.ok(Shim.isBuffer(part));
      part[0] = 20;
      assert.equal(buffer[1], 20);
      buffer[1] = 2;
    }
    assert.deepEqual(bytesOf(buffer.slice(-2)), bytesOf(Buffer.from([1, 2, 3, 4]).slice(-2)));
    assert.equal(buffer.slice(1).toString('utf8', 0, 1), '\u0002');
  });

  it('concatenates and copies as Node does', () => {
    const rng = random(3);
    for (let run = 0; run < RUNS; run++) {
      const parts = Array.from({ length: rng.int(4) }, () => randomBytes(rng, rng.int(6)));
      const context = JSON.stringify({ run, parts: parts.map(bytesOf) });
      assert.deepEqual(bytesOf(Shim.concat(parts.map((p) => Shim.from(p)))), bytesOf(Buffer.concat(parts)), context);
      const total = rng.int(20);
      assert.deepEqual(bytesOf(Shim.concat(parts.map((p) => Shim.from(p)), total)), bytesOf(Buffer.concat(parts, total)), `${context} total ${total}`);
      const source = randomBytes(rng, rng.int(10));
      const size = rng.int(10);
      const args = [rng.int(size + 1), rng.int(source.length + 1)];
      args.push(args[1] + rng.int(source.length - args[1] + 1));
      const ours = Shim.alloc(size);
      const node = Buffer.alloc(size);
      assert.equal(Shim.from(source).copy(ours, ...args), Buffer.from(source).copy(node, ...args), `${context} copy ${args}`);
      assert.deepEqual(bytesOf(ours), bytesOf(node), `${context} copy ${args}`);
    }
    // readable-stream copies from chunks through the prototype.
    const target = Shim.alloc(4);
    assert.equal(Shim.prototype.copy.call(Uint8Array.from([5, 6]), target, 1), 2);
    assert.deepEqual(bytesOf(target), [0, 5, 6, 0]);
  });

  it('reads and writes unsigned big-endian numbers as Node does, refusing what Node refuses', () => {
    const rng = random(4);
    const methods = [['UInt8', 1, 0xff], ['UInt16BE', 2, 0xffff], ['UInt32BE', 4, 0xffffffff]];
    for (let run = 0; run < RUNS; run++) {
      const [name, size, max] = methods[rng.int(methods.length)];
      const bytes = randomBytes(rng, rng.int(8));
      const offset = rng.int(bytes.length + 2);
      const value = rng.next() < 0.9 ? rng.int(max + 1) : [-1, max + 1, 1.5][rng.int(3)];
      const context = JSON.stringify({ run, name, bytes: bytesOf(bytes), offset, value });
      const outcome = (buffer, call) => {
        try {
          return { result: call(), bytes: bytesOf(buffer) };
        } catch (error) {
          return { error: error.constructor.name };
        }
      };
      const ours = Shim.from(bytes);
      const node = Buffer.from(bytes);
      assert.deepEqual(outcome(ours, () => ours[`read${name}`](offset)), outcome(node, () => node[`read${name}`](offset)), context);
      assert.deepEqual(outcome(ours, () => ours[`write${name}`](value, offset)), outcome(node, () => node[`write${name}`](value, offset)), context);
      if (offset + size <= bytes.length) assert.equal(ours[`read${name}`](offset), node[`read${name}`](offset), context);
    }
  });

  it('refuses the encodings it leaves out rather than garble them', () => {
    for (const encoding of ['hex', 'base64', 'latin1', 'binary', 'ucs2']) {
      assert.throws(() => Shim.from('00', encoding), TypeError);
      assert.throws(() => Shim.from([0]).toString(encoding), TypeError);
      assert.throws(() => Shim.alloc(2).write('00', 0, 2, encoding), TypeError);
    }
  });
});

/**
 * Uses, anywhere in the bundle, of a method Node's Buffer has that the shim does not define
 * itself, and what each caller uses it on. A Uint8Array has these too, and they differ from
 * Buffer's only for a string or buffer argument; a new caller must be looked at and listed here.
 */
const AUDITED_CALLS = {
  subarray: { '*': "Uint8Array's subarray makes a Buffer view, as Node's does" },
  indexOf: {
    'lit-html/lit-html.js': 'strings and arrays',
    'readable-stream-3/errors-browser.js': 'strings',
    'readable-stream-3/lib/_stream_writable.js': 'a list of encoding names',
    'bl/BufferList.js': "inside BufferList's own indexOf, which mqtt-packet never calls",
    'process-nextick-args/index.js': 'the version string',
    'rfdc/index.js': 'an array of objects',
    'mqtt/build/lib/validations.js': 'topic levels (strings)',
    'mqtt/build/lib/handlers/publish.js': 'an array of reason codes',
    'mqtt/build/lib/is-browser.js': 'the user-agent string',
    'mqtt/build/lib/connect/index.js': 'the broker URL',
    'src/media/local-sources.ts': 'arrays of sources',
  },
  includes: {
    'mqtt/build/lib/handlers/ack.js': 'an array of packet types',
    'mqtt/build/lib/is-browser.js': 'the user-agent string',
    'mqtt/build/lib/connect/index.js': 'the broker URL',
    'src/media/local-sources.ts': 'arrays of sources',
    'src/signaling/messages.ts': 'arrays of message kinds',
    'src/call/config.ts': 'arrays and strings of settings',
    'src/element/views/tiles.ts': 'arrays of parts',
    'src/peer/sdp.ts': 'the transport protocol of an m= line (a string)',
    'src/element/tile-placement.ts': 'arrays of tile keys',
  },
  fill: { 'lit-html/lit-html.js': 'an array' },
  toJSON: { 'src/peer/peer-link.ts': 'an RTCSessionDescription' },
  inspect: { 'readable-stream-3/lib/internal/streams/buffer_list.js': "read from Node's util module, for its debug output" },
};

/** Every module of the drop-in bundle, as rollup renders it, by a short name. */
async function bundledModules() {
  const build = await rollup({ ...config, onwarn: () => {} });
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  return Object.entries(output[0].modules)
    .filter(([id, module]) => module.code && !id.endsWith('mqtt-browser/buffer.mjs'))
    .map(([id, module]) => ({ name: id.replace(/.*node_modules\//, '').replace(/.*\/(src|scripts)\//, '$1/'), code: module.code }));
}

function* nodesOf(node) {
  yield node;
  for (const value of Object.values(node)) {
    for (const child of Array.isArray(value) ? value : [value]) if (child && typeof child.type === 'string') yield* nodesOf(child);
  }
}

describe("the bundle's Buffer, against what the bundle calls", () => {
  it('defines every Buffer static and method the bundled code calls, or the call is audited', async () => {
    const nodeMethods = new Set(Object.getOwnPropertyNames(Buffer.prototype));
    const unaudited = new Set();
    const missingStatics = new Set();
    for (const { name, code } of await bundledModules()) {
      for (const node of nodesOf(parseAst(code))) {
        if (node.type !== 'MemberExpression' || node.computed) continue;
        const property = node.property.name;
        const onBuffer = (node.object.type === 'Identifier' && node.object.name === 'Buffer')
          || (node.object.type === 'MemberExpression' && !node.object.computed && node.object.property.name === 'Buffer');
        if (onBuffer && property !== 'prototype' && !Object.hasOwn(Shim, property)) missingStatics.add(`Buffer.${property} in ${name}`);
        if (!nodeMethods.has(property) || property === 'constructor' || Object.hasOwn(Shim.prototype, property)) continue;
        const audit = AUDITED_CALLS[property];
        if (!audit?.['*'] && !audit?.[name]) unaudited.add(`.${property}() in ${name}`);
      }
    }
    assert.deepEqual([...missingStatics], [], 'statics the shim lacks');
    assert.deepEqual([...unaudited], [], 'Buffer methods called where no audit says on what');
  });
});
