/**
 * Who is speaking, from the audio level each remote voice arrives with: every RTP audio packet
 * carries its sender's measure of its level (RFC 6464), which the browser hands out per receiver
 * as it plays the voice (`getSynchronizationSources()`), with no audio processing of ours. A voice
 * that is not played (no element plays the participant's microphone) is not measured, and never
 * speaks. Sampled ten times a second, with a hold so that a tile does not flicker between words.
 */
import type { RemoteParticipant } from './participant.js';

const SAMPLE_MS = 100;
/** A level (0–1, linear; 1 is full scale) above this is a voice rather than room noise. */
const SPEAKING_LEVEL = 0.03;
/** Speaking ends this long after the last loud sample. */
const HOLD_MS = 800;

export interface HeardParticipant {
  participant: RemoteParticipant;
  connection?: RTCPeerConnection;
}

/** The level of the last packet of the participant's voice played, 0 if none. */
function audioLevel({ participant, connection }: HeardParticipant): number {
  const track = participant.track('microphone');
  const receiver = track && connection?.getReceivers().find((r) => r.track === track);
  return receiver?.getSynchronizationSources()[0]?.audioLevel ?? 0;
}

export class SpeakingWatch {
  private timer?: ReturnType<typeof setInterval>;
  private readonly lastLoud = new WeakMap<RemoteParticipant, number>();

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
      if (participant.microphoneOn && audioLevel(heard) >= SPEAKING_LEVEL) this.lastLoud.set(participant, now);
      const loudAt = this.lastLoud.get(participant);
      participant.setSpeaking(participant.microphoneOn && loudAt !== undefined && now - loudAt < HOLD_MS);
    }
  }
}
