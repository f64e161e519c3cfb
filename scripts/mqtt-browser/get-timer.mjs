// MQTT.js's keepalive clock, without the worker-timers package. MQTT.js asks for a clock only when
// its `timerVariant` option is not one already: RoomSignal always passes its own (a worker-backed
// interval, src/background-interval.ts), so what is removed is the 'auto' and 'worker' variants'
// worker broker. What is kept, for any other caller, is MQTT.js's 'native' variant: the page's timers.
export default function getTimer() {
  return {
    set: (tick, ms) => setInterval(tick, ms),
    clear: (id) => clearInterval(id),
  };
}
