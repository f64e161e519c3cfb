/** The `process` shim of the drop-in bundle (process.mjs): only what MQTT.js and readable-stream use. */
declare const process: {
  title: string;
  browser: boolean;
  env: Record<string, string | undefined>;
  argv: string[];
  version: string;
  versions: Record<string, string>;
  nextTick<A extends unknown[]>(callback: (...args: A) => void, ...args: A): void;
  cwd(): string;
};
export declare const nextTick: typeof process.nextTick;
export default process;
