/**
 * The one place an RTCPeerConnection is made, for every link and every prepared offer alike, and
 * where what rides on it is attached: a sender per local source (fed by its slot, see
 * local-sources.ts), the control channel and the message lanes. Closing goes through here too, so that the slots
 * stop feeding the connection's senders.
 */
import { transceiverOf, type LocalSource, type LocalSources } from '../media/local-sources.js';
import { ControlChannel } from './control-channel.js';
import type { Lane } from './messaging.js';

/** A connection with what the factory attached to it. */
export interface PeerConnection {
  pc: RTCPeerConnection;
  /** The heartbeat-and-goodbye channel; on the answering side, opened once the offer is applied. */
  control?: ControlChannel;
  /** The message lanes (app data, chat) and the file channel, made with the control channel. */
  lanes?: Record<Lane | 'file', RTCDataChannel>;
}

/** Fixed ids of the negotiated channels; 0 is the control channel's. */
const LANE_IDS: Record<Lane | 'file', number> = { app: 1, chat: 2, file: 3 };

function createLanes(pc: RTCPeerConnection): Record<Lane | 'file', RTCDataChannel> {
  const lane = (name: Lane | 'file') => pc.createDataChannel(name, { negotiated: true, id: LANE_IDS[name] });
  return { app: lane('app'), chat: lane('chat'), file: lane('file') };
}

/**
 * Makes a connection. The offering side gets its senders and its control channel at once (which
 * makes the browser want to negotiate: the offer follows); the answering side gets them from
 * `completeAnswer` once the remote offer is applied, so that its answer covers them and they
 * trigger no offer of its own. Throws if the browser refuses the configuration.
 */
export function createPeerConnection(rtcConfiguration: RTCConfiguration, sources: LocalSources, role: 'offer' | 'answer'): PeerConnection {
  const pc = new RTCPeerConnection(rtcConfiguration);
  if (role === 'answer') return { pc };
  for (const source of sources.all) if (wanted(source)) addTransceiver(pc, sources, source);
  return { pc, control: new ControlChannel(pc, sources), lanes: createLanes(pc) };
}

/**
 * Microphone and camera always have a transceiver; the screen only while one is shared. An idle
 * video transceiver still costs every receiver a video stream: in a six-visitor room on 2 cores,
 * frames shown per tile fell from 3.8 to 0.4 a second with one on every connection.
 */
function wanted(source: LocalSource): boolean {
  return source.name !== 'screen' || source.track !== undefined;
}

function addTransceiver(pc: RTCPeerConnection, sources: LocalSources, source: LocalSource): void {
  const transceiver = pc.addTransceiver(source.kind, { direction: 'sendrecv', streams: [sources.stream] });
  preferCommonCodecs(transceiver, source.kind);
  void source.bind(transceiver.sender);
}

/**
 * Gives a connection a transceiver for a source that now wants one (a screen share begun): the
 * browser then asks to renegotiate. A connection that already has one (the peer shared first)
 * sends on it as it is.
 */
export function addWantedTransceivers(connection: PeerConnection, sources: LocalSources): void {
  const { pc } = connection;
  if (pc.signalingState === 'closed') return;
  for (const source of sources.all) if (wanted(source) && !transceiverOf(pc, source.name)) addTransceiver(pc, sources, source);
}

/**
 * The answering side's senders and control channel, on the transceivers the remote offer created
 * (once per connection; later offers find them in place).
 */
export function completeAnswer(connection: PeerConnection, sources: LocalSources): ControlChannel {
  const { pc } = connection;
  // Our own transceivers from an offer we withdrew for theirs (both offered at once) would only
  // carry a second copy of our media where their offer made one for the same source.
  for (const transceiver of pc.getTransceivers()) {
    if (transceiver.mid !== null || transceiver.currentDirection !== null || transceiver.direction === 'stopped') continue;
    const source = sources.all.find((s) => s.feeds(transceiver.sender));
    const carrier = source && transceiverOf(pc, source.name);
    if (!source || !carrier || carrier === transceiver) continue;
    source.unbind(transceiver.sender);
    transceiver.stop();
  }
  for (const source of sources.all) {
    const transceiver = transceiverOf(pc, source.name);
    if (!transceiver || transceiver.currentDirection === 'stopped' || transceiver.direction === 'sendrecv') continue;
    transceiver.direction = 'sendrecv';
    transceiver.sender.setStreams(sources.stream);
    void source.bind(transceiver.sender);
  }
  connection.control ??= new ControlChannel(connection.pc, sources);
  connection.lanes ??= createLanes(connection.pc);
  return connection.control;
}

/** Closes a connection and what rides on it; the slots stop feeding its senders. */
export function closePeerConnection(connection: PeerConnection, sources: LocalSources): void {
  for (const sender of connection.pc.getSenders()) for (const source of sources.all) source.unbind(sender);
  connection.control?.close();
  connection.pc.close();
}

const PREFERRED_CODEC = { audio: 'audio/opus', video: 'video/vp8' } as const;

/**
 * Offers only the codecs every WebRTC browser must support (Opus, VP8, with VP8 retransmission).
 * The default list (VP9, AV1 and a dozen H.264 variants, FEC) triples the size of an offer and
 * what both sides parse and set up before media flows; a mesh encodes in software per peer, where
 * VP8 is the cheapest.
 */
function preferCommonCodecs(transceiver: RTCRtpTransceiver, kind: 'audio' | 'video'): void {
  if (typeof transceiver.setCodecPreferences !== 'function' || typeof RTCRtpReceiver.getCapabilities !== 'function') return;
  const codecs = RTCRtpReceiver.getCapabilities(kind)?.codecs ?? [];
  const wanted = codecs.filter((c) => c.mimeType.toLowerCase() === PREFERRED_CODEC[kind]);
  if (wanted.length === 0) return;
  const helpers = kind === 'video' ? codecs.filter((c) => c.mimeType.toLowerCase() === 'video/rtx') : [];
  try {
    transceiver.setCodecPreferences([...wanted, ...helpers]);
  } catch {
    // A browser that rejects the list keeps offering its defaults.
  }
}
