/**
 * What `remember-identity` keeps in this site's IndexedDB: the visitor's long-term signing key and
 * the long-term keys of the peers it verified, each with the name it had then. The private key is
 * made non-extractable and stored as a CryptoKey: the page can sign with it, nobody can read it
 * out, this code included.
 *
 * The long-term key is proven to peers inside each link's DTLS channel (see
 * peer/identity-proof.ts), never on the broker: topics, envelopes and certificates stay fresh per
 * visit, so the broker, and anyone watching the network, cannot tell a returning visitor.
 */
import { createStore, get, update, set, values, type UseStore } from 'idb-keyval';
import { peerIdOf, type Identity } from '../signaling/identity.js';

/** The IndexedDB database a page's remembered identity lives in, unless told otherwise. */
export const DEFAULT_IDENTITY_STORE = 'video-chat-element';
const SELF = 'self';
const PEER = 'peer:';

/** A peer this visitor verified, as remembered. */
export interface RememberedPeer {
  keyId: string;
  /** The name it had when verified. */
  name: string;
  /** When (ms since the epoch). */
  verifiedAt: number;
}

interface StoredKeys {
  publicKey: Uint8Array;
  privateKey: CryptoKey;
}

function isRememberedPeer(value: unknown): value is RememberedPeer {
  const peer = value as RememberedPeer;
  return typeof peer === 'object' && peer !== null && typeof peer.keyId === 'string' && typeof peer.name === 'string' && typeof peer.verifiedAt === 'number';
}

/** Makes and stores this visitor's long-term key, unless another tab stored one first; the one kept. */
async function keepFreshKeys(store: UseStore): Promise<StoredKeys> {
  const fresh = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const freshKeys: StoredKeys = { publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', fresh.publicKey)), privateKey: fresh.privateKey };
  // One transaction: two tabs opening at once keep the same key.
  await update<StoredKeys>(SELF, (kept) => kept ?? freshKeys, store);
  const kept = await get<StoredKeys>(SELF, store);
  if (!kept) throw new Error('IndexedDB kept nothing');
  return kept;
}

export class RememberedIdentity {
  private constructor(
    /** This visitor's long-term key; its `peerId` is the key's id. */
    readonly identity: Identity,
    private readonly store: UseStore,
    private readonly peers: Map<string, RememberedPeer>,
  ) {}

  /**
   * Opens (or starts) the identity kept in the IndexedDB database `name`. Rejects where the page
   * may not use IndexedDB (some private windows, storage blocked in a third-party frame).
   */
  static async open(name = DEFAULT_IDENTITY_STORE): Promise<RememberedIdentity> {
    const store = createStore(name, 'identity');
    const kept = (await get<StoredKeys>(SELF, store)) ?? (await keepFreshKeys(store));
    const identity: Identity = { peerId: await peerIdOf(kept.publicKey), publicKey: kept.publicKey, privateKey: kept.privateKey };
    const peers = new Map<string, RememberedPeer>();
    for (const value of await values(store)) if (isRememberedPeer(value)) peers.set(value.keyId, value);
    return new RememberedIdentity(identity, store, peers);
  }

  /** Whether the key with this id was verified on an earlier visit (or this one). */
  isVerified(keyId: string): boolean {
    return this.peers.has(keyId);
  }

  /** A verified peer who had this name, if any. */
  verifiedNamed(name: string): RememberedPeer | undefined {
    if (!name) return undefined;
    for (const peer of this.peers.values()) if (peer.name === name) return peer;
    return undefined;
  }

  /** Remembers that the key with this id was verified, under this name. */
  async rememberVerified(keyId: string, name: string): Promise<void> {
    const peer: RememberedPeer = { keyId, name, verifiedAt: Date.now() };
    this.peers.set(keyId, peer);
    await set(PEER + keyId, peer, this.store);
  }
}
