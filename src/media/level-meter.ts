/**
 * How loud a microphone is right now, for the pre-join meter: a Web Audio AnalyserNode on the
 * track, read at most once per animation frame (so not at all in a background tab), reported
 * only when the shown level changes. One AudioContext per meter, closed by `stop()`.
 */

/** Levels are reported in steps of this size: the meter redraws only when a step changes. */
const LEVEL_STEP = 0.05;

/** How far the shown level may fall per frame: a meter that decays reads as voice, not flicker. */
const FALL_PER_FRAME = 0.04;

/**
 * RMS of speech at a normal distance is around 0.02–0.2 of full scale; this maps it onto the meter
 * so that ordinary speech fills most of it (a square-root curve, as level meters in calls do).
 */
const FULL_SCALE_RMS = 0.3;

export class LevelMeter {
  private readonly context: AudioContext;
  private readonly analyser: AnalyserNode;
  private readonly source: MediaStreamAudioSourceNode;
  private readonly samples: Float32Array<ArrayBuffer>;
  private frame = 0;
  private shown = -1;
  /** The level before rounding, falling slowly after a peak. */
  private held = 0;
  private stopped = false;
  /** A context the page's autoplay policy held suspended starts on the visitor's first gesture. */
  private readonly resume = () => void this.context.resume().catch(() => undefined);

  /**
   * Starts metering `track` (an audio track; a disabled track reads as silence). `onLevel` gets
   * a number from 0 to 1 whenever the shown level changes. Throws if the browser has no Web Audio.
   */
  constructor(track: MediaStreamTrack, private readonly onLevel: (level: number) => void) {
    this.context = new AudioContext();
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 512;
    this.samples = new Float32Array(this.analyser.fftSize);
    this.source = this.context.createMediaStreamSource(new MediaStream([track]));
    // Not connected to the destination: nothing is played back.
    this.source.connect(this.analyser);
    if (this.context.state === 'suspended') {
      for (const type of ['pointerdown', 'keydown'] as const) document.addEventListener(type, this.resume, { capture: true, passive: true });
    }
    this.frame = requestAnimationFrame(this.tick);
  }

  /** Stops reading and releases the audio context (the track itself is not stopped). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    cancelAnimationFrame(this.frame);
    for (const type of ['pointerdown', 'keydown'] as const) document.removeEventListener(type, this.resume, { capture: true });
    this.source.disconnect();
    void this.context.close().catch(() => undefined);
  }

  private readonly tick = () => {
    if (this.stopped) return;
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const sample of this.samples) sum += sample * sample;
    const rms = Math.sqrt(sum / this.samples.length);
    const loudness = Math.max(Math.min(1, Math.sqrt(rms / FULL_SCALE_RMS)), this.held - FALL_PER_FRAME);
    this.held = loudness;
    const level = Number((Math.round(loudness / LEVEL_STEP) * LEVEL_STEP).toFixed(2));
    if (level !== this.shown) {
      this.shown = level;
      this.onLevel(level);
    }
    this.frame = requestAnimationFrame(this.tick);
  };
}
