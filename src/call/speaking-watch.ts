/**
 * Who is speaking, from the audio level each remote voice arrives with: every RTP audio packet
 * carries its sender's measure of its level (RFC 6464), which the browser hands out per receiver
 * as it plays the voice (`getSynchronizationSources()`), with no audio processing of ours. A voice
 * that is not played (no element plays the participant's microphone) is not measured, and never
 * speaks. Sampled ten times a second, with a hold so that a tile does not flicker between words.
 * A visitor that says it is muted and is heard all the same is shown as heard.
 */
import type { RemoteParticipant } from './participant.js';

const SAMPLE_MS = 100;
/** A level (0–1, linear; 1 is full scale) above this is a voice rather than room noise. */
const SPEAKING_LEVEL = 0.03;
/** Speaking ends this long after the last loud sample. */
const HOLD_MS = 800;
/**
 * A voice still loud this long after its visitor said it muted is heard despite the word: packets
 * sent just before the mute can arrive just after it.
 */
const MUTE_GRACE_MS = 1500;
/** Such a visitor is shown muted again after this much silence: longer than a pause between words. */
const HEARD_WHILE_MUTED_HOLD_MS = 5000;

export interface HeardParticipant {
  participant: RemoteParticipant;
  connection?: RTCPeerConnection;
}

/** The participant's voice as it last arrived: its packets' RTP timestamp and level. */
function lastPacket({ participant, connection }: HeardParticipant): RTCRtpSynchronizationSource | undefined {
  const track = participant.track('microphone');
  const receiver = track && connection?.getReceivers().find((r) => r.track === track);
  return receiver?.getSynchronizationSources()[0];
}

export class SpeakingWatch {
  private timer?: ReturnType<typeof setInterval>;
  private readonly lastLoud = new WeakMap<RemoteParticipant, number>();
  /** The RTP timestamp of each voice at the last sample: a sender that stops sending leaves its last level behind. */
  private readonly lastRtpTime = new WeakMap<RemoteParticipant, number>();

  constructor(private readonly heard: () => HeardParticipant[]) {}

  start(): void {
    this.timer ??= setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sample(): void {
    const now = performance.now();
    for (const heard of this.heard()) {
      const { participant } = heard;
      const packet = lastPacket(heard);
      const moved = packet !== undefined && packet.rtpTimestamp !== this.lastRtpTime.get(participant);
      if (packet) this.lastRtpTime.set(participant, packet.rtpTimestamp);
      const loud = moved && (packet.audioLevel ?? 0) >= SPEAKING_LEVEL;
      if (loud) this.lastLoud.set(participant, now);
      const loudAt = this.lastLoud.get(participant) ?? -Infinity;
      // What is heard counts, not what the visitor's client says: see `RemoteParticipant.microphoneOn`.
      const mutedSince = participant.saysMutedSince;
      participant.setHeardWhileMuted(mutedSince !== undefined && loudAt - mutedSince >= MUTE_GRACE_MS && now - loudAt < HEARD_WHILE_MUTED_HOLD_MS);
      participant.setSpeaking(participant.microphoneOn && now - loudAt < HOLD_MS);
    }
  }
}
