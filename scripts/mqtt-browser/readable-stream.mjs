// `readable-stream` as MQTT.js, mqtt-packet and bl use it: the four stream classes, without the
// package index (lib/stream.js), which also pulls in pipeline, compose, the stream operators and
// promises. Removed: those four extras and PassThrough, which nothing in the bundle calls.
// Kept, and set here as the index sets them: `Stream._isUint8Array` and `Stream._uint8ArrayToBuffer`,
// which Readable.push() and Writable.write() call for every Uint8Array chunk (the WebSocket
// stream's writes and its flush on close). Without them every Leave and every lost broker
// connection threw "_isUint8Array is not a function" into the page.
import { Buffer } from 'buffer';
import legacy from 'readable-stream/lib/internal/streams/legacy.js';

const { Stream } = legacy;
Stream._isUint8Array = (value) => value instanceof Uint8Array;
Stream._uint8ArrayToBuffer = (chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

export { Stream };
export { default as Readable } from 'readable-stream/lib/internal/streams/readable.js';
export { default as Writable } from 'readable-stream/lib/internal/streams/writable.js';
export { default as Duplex } from 'readable-stream/lib/internal/streams/duplex.js';
export { default as Transform } from 'readable-stream/lib/internal/streams/transform.js';
