/** Public API: the element class, its event types and the engine classes usable without the UI. */
export { VideoChat } from './video-chat.element.js';
export type {
  CallState,
  DisconnectReason,
  DisconnectedDetail,
  PeerInfo,
  RoomDetail,
  SignalingStateDetail,
  SignalingStateName,
  VideoChatErrorCode,
  VideoChatErrorDetail,
  VideoChatEventMap,
} from './events.js';
export { CallSession, type CallSessionOptions } from './session.js';
export { PeerMesh } from './peer/mesh.js';
export { PeerLink } from './peer/peer-link.js';
export { RoomSignal, type SignalingState } from './signaling/room-signal.js';
export { openRoomChannel, roomTopics, type DropReason, type RoomChannel, type RoomTopics } from './signaling/channel.js';
export { parseSignal, type Signal } from './signaling/messages.js';
export { captureLocalMedia, releaseStream } from './media/local-media.js';
export { DEFAULT_BROKER, DEFAULT_ICE_SERVERS, parseBrokerUrls, parseIceServers } from './config.js';
