// rfdc's deep clone as MQTT.js uses it: on an outgoing QoS 1 or 2 publish packet, copied before it
// is stored for resending (command, topic, payload, flags, MQTT 5 properties). The browser's
// structuredClone copies such a packet whole. Removed: rfdc's handling of what a packet never
// holds (functions, which structuredClone refuses, and class instances other than typed arrays,
// Date, Map and Set), and a Buffer payload's class: it comes back a Uint8Array with the same
// bytes, which mqtt-packet writes the same way.
export default function clone(value) {
  return structuredClone(value);
}
