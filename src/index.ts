/**
 * Public API: the element class, the call engine for pages that draw their own UI, and their
 * event and detail types. Defines no tag (import `video-chat.js` for that). Everything else under
 * `src/` (the mesh, links, signaling) is internal and may change.
 */
export { VideoChat } from './element/video-chat.element.js';
export { english, type Strings } from './element/strings.js';
export { VideoCall, type CallConfig, type CallState, type ParticipantLeftDetail, type VideoCallEventMap } from './call/video-call.js';
export { RemoteParticipant, type RemoteParticipantEventMap, type TrackEventDetail, type TrackSource } from './call/participant.js';
export type { LocalSource, LocalSourceName, LocalSources } from './media/local-sources.js';
export type { CallProblem, ProblemReason, VideoChatErrorCode } from './problems.js';
export type {
  DisconnectReason,
  DisconnectedDetail,
  PeerInfo,
  PeerVerifiedDetail,
  RoomDetail,
  SignalingStateDetail,
  SignalingStateName,
  VideoChatErrorDetail,
  VideoChatEventMap,
  VideoChatState,
} from './events.js';
export { DEFAULT_BROKER, DEFAULT_ICE_SERVERS } from './call/config.js';
export { randomRoomName, looksGuessable } from './call/room-names.js';
