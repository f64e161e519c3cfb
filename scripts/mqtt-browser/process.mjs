// `process` as MQTT.js, mqtt-packet and readable-stream use it in a browser. Node runs a
// `process.nextTick` callback as soon as the current operation ends, before any I/O or timer; the
// `process` package emulates that with `setTimeout`, which on a busy page waits behind every other
// task. Every MQTT.js write goes through nextTick once, so a signal sat 2.6–4.8 ms (median) and up
// to 19–43 ms between `publish()` and the WebSocket while pairs were connecting. A microtask is what
// Node's nextTick is closest to: the same signals left within 0.4 ms (median), 5.2 ms at most.
// Only what the bundle reads (`env`, `version`, `versions`, `nextTick`), and the usual `browser` flag.
const process = {
  browser: true,
  env: {},
  version: '',
  versions: {},
  nextTick(callback, ...args) {
    queueMicrotask(() => callback(...args));
  },
};

export const { nextTick } = process;
export default process;
