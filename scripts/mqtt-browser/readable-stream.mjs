// `readable-stream` as MQTT.js, mqtt-packet and bl use it, taken from the package's 3.x line
// (installed as `readable-stream-3`): the same four stream classes MQTT.js's browser path needs
// (Readable, Writable, Duplex, Transform), at about half the gzip weight of 4.x, whose Node-core
// port brings primordials, validators, a full error table, duplexify, compose and the stream
// operators along with every class. Removed: PassThrough, finished, pipeline, which nothing in
// the bundle calls. 3.x checks Uint8Array chunks itself, so the `_isUint8Array` hooks 4.x needs
// on its Stream class are not needed here.
import Readable from 'readable-stream-3/lib/_stream_readable.js';
import Writable from 'readable-stream-3/lib/_stream_writable.js';
import Duplex from 'readable-stream-3/lib/_stream_duplex.js';
import Transform from 'readable-stream-3/lib/_stream_transform.js';

/** 3.x's package index makes the Readable class double as the Stream export; so does this. */
const Stream = Readable;

export { Stream, Readable, Writable, Duplex, Transform };
