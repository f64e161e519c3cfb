/**
 * Proof of a remembered identity, over a link's control channel. A visitor with
 * `remember-identity` keeps a long-term signing key (see call/remembered-identity.ts) and, on each
 * link, signs both ends of the connection with it: both peer ids and both DTLS certificate
 * fingerprints. The receiver checks the signature against the ends it sees itself, so a proof made
 * for one connection is worthless on any other: someone relaying between two links cannot pass
 * a visitor's proof on, and must show a key of its own.
 *
 * The proof travels inside DTLS, never through the broker: the topics and envelopes a broker sees
 * carry only the per-visit key, so a remembered identity does not make a visitor recognisable there.
 */
import { base64Url, fromBase64Url } from '../signaling/room-crypto.js';
import { sign, SignatureCheck, type Identity } from '../signaling/identity.js';
import { TypedEventTarget } from '../typed-event-target.js';
import type { LinkEnds, SafetySide } from './safety-code.js';

const PREFIX = 'id-proof:';
const LABEL = 'video-chat-element/v2 identity proof';
/** base64url of a 65-byte key, a dot, base64url of a 64-byte signature. */
const MAX_MESSAGE_LENGTH = PREFIX.length + 87 + 1 + 86;

const encoder = new TextEncoder();

/** What a proof signs, as its sender sees the connection. */
function provenData(sender: SafetySide, receiver: SafetySide): Uint8Array {
  return encoder.encode([LABEL, sender.peerId, receiver.peerId, sender.fingerprint.toUpperCase(), receiver.fingerprint.toUpperCase()].join('\n'));
}

export interface IdentityProofEventMap {
  /** The peer proved it holds a long-term key: see `remoteKeyId`. */
  proven: Event;
}

/** One link's exchange of identity proofs. */
export class IdentityProof extends TypedEventTarget<IdentityProofEventMap> {
  /** The id of the long-term key the peer proved it holds on this connection, once it did. */
  remoteKeyId?: string;
  private sent = false;
  private checking = false;
  private readonly signatures = new SignatureCheck();

  constructor(
    private readonly send: (message: string) => void,
    /** Both ends of the link, once both its descriptions are applied. */
    private readonly ends: () => Promise<LinkEnds>,
    /** This visitor's long-term key; without one, nothing is sent (proofs are still checked). */
    private readonly identity?: Promise<Identity | undefined>,
  ) {
    super();
  }

  /** Sends our proof, if we have a long-term key; call once the control channel is open. */
  async start(): Promise<void> {
    if (this.sent || !this.identity) return;
    this.sent = true;
    const [identity, sides] = await Promise.all([this.identity.catch(() => undefined), this.ends()]);
    if (!identity) return;
    const signature = await sign(identity, provenData(sides.own, sides.remote));
    this.send(`${PREFIX}${base64Url(identity.publicKey)}.${base64Url(signature)}`);
  }

  /** Takes a message from the control channel; false if it is not a proof. */
  handle(message: string): boolean {
    if (!message.startsWith(PREFIX)) return false;
    // One proof per link: a second one (another key mid-call) is not taken.
    if (!this.checking && message.length <= MAX_MESSAGE_LENGTH) {
      this.checking = true;
      void this.check(message.slice(PREFIX.length));
    }
    return true;
  }

  private async check(proof: string): Promise<void> {
    const [key, signature] = proof.split('.').map(fromBase64Url);
    if (!key || !signature) return;
    const sides = await this.ends();
    const keyId = await this.signatures.signer(key, provenData(sides.remote, sides.own), signature);
    if (!keyId) return;
    this.remoteKeyId = keyId;
    this.dispatchEvent(new Event('proven'));
  }
}
