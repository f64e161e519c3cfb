/**
 * The name a visitor typed in the pre-join view, kept for this site (the page's origin, in
 * localStorage) so that the next visit starts with it. It stays in the browser: only the room
 * hears it, as before, once the visitor joins.
 */

const STORAGE_KEY = 'video-chat-element:name';

/** The name typed on an earlier visit to this site, or '' (also where storage is unavailable). */
export function rememberedName(): string {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    return typeof stored === 'string' ? stored : '';
  } catch {
    // Storage refused (a sandboxed frame, blocked cookies): nothing was remembered.
    return '';
  }
}

/** Keeps a typed name for the next visit; an empty one forgets it. Silent where storage is unavailable. */
export function rememberName(name: string): void {
  try {
    const trimmed = name.trim();
    if (trimmed) globalThis.localStorage?.setItem(STORAGE_KEY, trimmed);
    else globalThis.localStorage?.removeItem(STORAGE_KEY);
  } catch {
    // Full or refused storage: the name is simply not remembered.
  }
}

/** Four digits for a guest's name, so that guests tell each other apart. */
export function randomGuestNumber(): number {
  return 1000 + (crypto.getRandomValues(new Uint32Array(1))[0] % 9000);
}
