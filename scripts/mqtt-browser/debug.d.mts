/** The `debug` shim of the drop-in bundle (debug.mjs): a logger that is never enabled. */
declare function createDebug(namespace: string): ((...args: unknown[]) => void) & { enabled: boolean };
export default createDebug;
