/** The `abort-controller` shim of the drop-in bundle (abort-controller.mjs): the browser's own. */
export declare const AbortController: typeof globalThis.AbortController;
export declare const AbortSignal: typeof globalThis.AbortSignal;
export default AbortController;
