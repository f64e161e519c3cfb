// The dist bundle's `mqtt`: MQTT.js's own CommonJS `connect()` (client, packet codec, browser
// WebSocket transport), without its Node-only and mini-program transports. See rollup.config.mjs.
import connect from 'mqtt/lib/connect/index';

export { connect };
export default { connect };
