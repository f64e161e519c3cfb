/** Small byte helpers shared by the signaling and peer layers. */

/** Lower-case hex of some bytes. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Random bytes as hex: `count` bytes, twice as many characters. */
export function randomHex(count: number): string {
  return hex(crypto.getRandomValues(new Uint8Array(count)));
}

/** SHA-256 of some bytes (WebCrypto). */
export async function sha256(data: BufferSource): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}
