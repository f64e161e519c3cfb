// readable-stream's fallback for environments without AbortController; every browser has it.
export const AbortController = globalThis.AbortController;
export const AbortSignal = globalThis.AbortSignal;
export default AbortController;
