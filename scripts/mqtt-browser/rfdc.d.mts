/** The `rfdc/default` shim of the drop-in bundle (rfdc.mjs): a deep clone on structuredClone. */
declare function clone<T>(value: T): T;
export default clone;
