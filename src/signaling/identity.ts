/**
 * A visitor's identity for one visit: an ECDSA P-256 key pair made in WebCrypto (the private key
 * cannot be exported), and the peer id derived from its public key. Every envelope a visitor
 * seals carries its public key and its signature, so a receiver checks that the message comes
 * from the holder of the key whose hash is the claimed `from`: another member of the room, who
 * has the room key too, cannot speak for anyone else. A new key pair per visit keeps what the
 * broker sees in topics (the peer id) fresh every time.
 */
import { sha256 } from '../bytes.js';
import { RecentPromises } from '../recent-promises.js';
import { base64Url } from './room-crypto.js';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNATURE = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** An uncompressed P-256 point: 0x04, then x and y. */
export const PUBLIC_KEY_BYTES = 65;
/** A P-256 signature as WebCrypto makes it: r and s, 32 bytes each. */
export const SIGNATURE_BYTES = 64;
/** The peer id is this many bytes of the public key's SHA-256: 128 bits, as hard to match as to guess. */
const PEER_ID_BYTES = 16;

export interface Identity {
  peerId: string;
  /** The raw public key (65 bytes). */
  publicKey: Uint8Array;
  privateKey: CryptoKey;
}

/** The peer id a public key stands for. */
export async function peerIdOf(publicKey: Uint8Array): Promise<string> {
  const digest = await sha256(publicKey as BufferSource);
  return base64Url(digest.subarray(0, PEER_ID_BYTES));
}

export async function createIdentity(): Promise<Identity> {
  const pair = await crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { peerId: await peerIdOf(publicKey), publicKey, privateKey: pair.privateKey };
}

export async function sign(identity: Identity, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(SIGNATURE, identity.privateKey, data as BufferSource));
}

/** How many senders' imported keys are kept: a room's worth, with room for comings and goings. */
const MAX_KEYS = 64;

/**
 * Checks signatures against the public keys senders present, importing each key once (the most
 * recently used are kept). A key that is not a P-256 point, or whose hash is not the claimed
 * sender's id, verifies nothing.
 */
export class SignatureCheck {
  private readonly keys = new RecentPromises<{ peerId: string; key: CryptoKey } | undefined>(MAX_KEYS);

  /** Whether `publicKey` made `signature` over `data` and is the key of the sender `from`. */
  async verify(from: string, publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return (await this.check(publicKey, data, signature, from)) !== undefined;
  }

  /** The id of `publicKey` if it made `signature` over `data`; `undefined` if not. */
  signer(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<string | undefined> {
    return this.check(publicKey, data, signature);
  }

  private async check(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array, from?: string): Promise<string | undefined> {
    if (publicKey.length !== PUBLIC_KEY_BYTES || publicKey[0] !== 0x04 || signature.length !== SIGNATURE_BYTES) return undefined;
    const imported = await this.importKey(publicKey);
    // A key that is not the claimed sender's fails before any signature is checked.
    if (!imported || (from !== undefined && imported.peerId !== from)) return undefined;
    try {
      return (await crypto.subtle.verify(SIGNATURE, imported.key, signature as BufferSource, data as BufferSource)) ? imported.peerId : undefined;
    } catch {
      return undefined;
    }
  }

  private importKey(publicKey: Uint8Array): Promise<{ peerId: string; key: CryptoKey } | undefined> {
    return this.keys.get(base64Url(publicKey), () =>
      Promise.all([peerIdOf(publicKey), crypto.subtle.importKey('raw', publicKey as BufferSource, ALGORITHM, false, ['verify'])])
        .then(([peerId, key]) => ({ peerId, key }), () => undefined));
  }
}
