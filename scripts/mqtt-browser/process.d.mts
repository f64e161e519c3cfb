/** The `process` shim of the drop-in bundle (process.mjs): what MQTT.js and readable-stream read, and `browser`. */
declare const process: {
  browser: boolean;
  env: Record<string, string | undefined>;
  version: string;
  versions: Record<string, string>;
  nextTick<A extends unknown[]>(callback: (...args: A) => void, ...args: A): void;
};
export declare const nextTick: typeof process.nextTick;
export default process;
