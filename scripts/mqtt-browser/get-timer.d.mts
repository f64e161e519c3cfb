/** The `get-timer` shim of the drop-in bundle (get-timer.mjs): MQTT.js's native keepalive clock. */
declare function getTimer(): { set(tick: () => void, ms: number): number; clear(id: number): void };
export default getTimer;
