import type { ProblemReason, VideoChatErrorCode } from './problems.js';

/** A remote visitor of the room. */
export interface PeerInfo {
  /** Random id the peer picked for this visit; fresh on every join. */
  peerId: string;
  /** Display name the peer chose (plain text, never HTML). */
  name: string;
}

/** `peer-verified`: who, and whether the verification was remembered from an earlier visit. */
export interface PeerVerifiedDetail extends PeerInfo {
  /** True when `remember-identity` recognised a peer verified on an earlier visit; false when verified now. */
  remembered: boolean;
}

/** `quality-changed`: how a remote visitor is reached and how well, as newly measured. */
export interface QualityChangedDetail extends PeerInfo {
  /** `good`, `fair` or `poor`: from packet loss, the path's round trip and the camera's frame rate. */
  quality: 'good' | 'fair' | 'poor';
  /** `direct` (browser to browser) or `relay` (through a TURN server); undefined if not known yet. */
  path?: 'direct' | 'relay';
}

/** Why a remote peer is gone: it said goodbye, its connection died, or negotiation failed. */
export type DisconnectReason = 'left' | 'vanished' | 'failed';

export type { VideoChatErrorCode } from './problems.js';

export interface VideoChatErrorDetail {
  code: VideoChatErrorCode;
  /** Which case of the code it was (e.g. `camera` for `media-denied`); see the README's error table. */
  reason: ProblemReason;
  /** Human-readable explanation, safe to show to a user. */
  message: string;
}

export interface DisconnectedDetail extends PeerInfo {
  reason: DisconnectReason;
}

export interface RoomDetail {
  room: string;
  /** This element's own peer id for the visit. */
  peerId: string;
}

/**
 * The element's state: `idle` (also while the pre-join preview is on), `joining`, `joined`
 * (also while leaving), `left`. The engine's `VideoCall.state` names every step.
 */
export type VideoChatState = 'idle' | 'joining' | 'joined' | 'left';

/** The connection to the signaling broker. */
export type SignalingStateName = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface SignalingStateDetail {
  state: SignalingStateName;
}

/** App data from a peer (`send()` on its side). */
export interface MessageDetail extends PeerInfo {
  /** The value the peer sent, as parsed from JSON. */
  data: unknown;
}

/** A chat message: a peer's, or this visitor's own. */
export interface ChatDetail extends PeerInfo {
  /** Plain text, cleaned of control, direction and invisible characters, 2,000 characters at most. */
  text: string;
  /** When it arrived (or was sent, for one's own), in ms since the epoch. */
  time: number;
}

/** The camera, microphone or speaker in use changed. */
export interface DeviceChangedDetail {
  kind: 'camera' | 'microphone' | 'speaker';
  deviceId: string;
  label: string;
}

/** This visitor's screen share (or recording) started or stopped. */
export interface ScreenShareDetail {
  /** This visitor's own peer id. */
  peerId: string;
}

/** A file transfer moved. */
export interface FileProgressDetail {
  transferId: string;
  /** The peer sending or receiving it. */
  peerId: string;
  /** The file's name (plain text, no path). */
  name: string;
  size: number;
  /** Bytes moved so far. */
  bytes: number;
  direction: 'send' | 'receive';
}

/** A file arrived whole and checked. */
export interface FileReceivedDetail {
  transferId: string;
  peerId: string;
  name: string;
  file: File;
}

/** The recording ended. */
export interface RecordingStoppedDetail {
  /** This visitor's own peer id. */
  peerId: string;
  /** The recording: `video/webm`, its duration written in. */
  blob: Blob;
}

/** Every event `<video-chat>` dispatches, by name. */
export interface VideoChatEventMap {
  connected: CustomEvent<PeerInfo>;
  disconnected: CustomEvent<DisconnectedDetail>;
  joined: CustomEvent<RoomDetail>;
  left: CustomEvent<RoomDetail>;
  'signaling-state': CustomEvent<SignalingStateDetail>;
  message: CustomEvent<MessageDetail>;
  chat: CustomEvent<ChatDetail>;
  'device-changed': CustomEvent<DeviceChangedDetail>;
  'file-progress': CustomEvent<FileProgressDetail>;
  'file-received': CustomEvent<FileReceivedDetail>;
  'recording-started': CustomEvent<ScreenShareDetail>;
  'recording-stopped': CustomEvent<RecordingStoppedDetail>;
  'screenshare-started': CustomEvent<ScreenShareDetail>;
  'screenshare-stopped': CustomEvent<ScreenShareDetail>;
  'peer-verified': CustomEvent<PeerVerifiedDetail>;
  'quality-changed': CustomEvent<QualityChangedDetail>;
  error: CustomEvent<VideoChatErrorDetail>;
}

/**
 * The events that bubble out to `document`. `error` is left out on purpose: it does not bubble
 * (like `<img>`'s) and `GlobalEventHandlersEventMap` already types `error` as `ErrorEvent`.
 */
export type VideoChatBubblingEventMap = Omit<VideoChatEventMap, 'error'>;

declare global {
  // `message` is left out here too: a window's `message` is the MessageEvent of postMessage.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends Omit<VideoChatBubblingEventMap, 'message'> {}
}

/** Builds a typed event the way every `<video-chat>` event is built: bubbling and composed. */
export function chatEvent<K extends keyof VideoChatBubblingEventMap>(
  type: K,
  detail: VideoChatEventMap[K]['detail'],
): VideoChatEventMap[K] {
  return new CustomEvent(type, { detail, bubbles: true, composed: true }) as VideoChatEventMap[K];
}

/** Builds the `error` event: it does NOT bubble, so a host page's global error trackers never see it. */
export function errorEvent(detail: VideoChatErrorDetail): VideoChatEventMap['error'] {
  return new CustomEvent('error', { detail, bubbles: false, composed: false });
}
