// What a page using Trystero's MQTT strategy imports; bundled by the benchmark for the browser.
export { joinRoom, getRelaySockets } from '@trystero-p2p/mqtt';
