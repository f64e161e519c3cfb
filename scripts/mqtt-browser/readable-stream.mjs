// `readable-stream` as MQTT.js, mqtt-packet and bl use it: the four stream classes only, without
// the package index that also pulls in pipeline, compose, the stream operators and promises.
export { default as Readable } from 'readable-stream/lib/internal/streams/readable.js';
export { default as Writable } from 'readable-stream/lib/internal/streams/writable.js';
export { default as Duplex } from 'readable-stream/lib/internal/streams/duplex.js';
export { default as Transform } from 'readable-stream/lib/internal/streams/transform.js';
