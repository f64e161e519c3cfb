/**
 * One recording of the whole call: every tile drawn on a canvas with its name, every voice mixed
 * with Web Audio, recorded by MediaRecorder as WebM. Frames are drawn on a clock that a background
 * tab does not slow down (background-interval.ts). The recorder hands its data over every second;
 * the browser keeps those blobs out of the page's heap (and on disk when they grow).
 * MediaRecorder's WebM has no duration, so players show none and cannot seek: it is written in
 * when the recording stops (webm-duration.ts).
 */
import { everyInterval } from '../background-interval.js';
import { withDuration } from './webm-duration.js';

/** What is drawn: a tile's tracks and the name written on it. */
export interface RecordedTile {
  key: string;
  name: string;
  video?: MediaStreamTrack;
  audio?: MediaStreamTrack;
}

const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 24;
const TIMESLICE_MS = 1000;
/**
 * How long the voices' mix may take to start. A recorder given the sound of an audio context that
 * never runs (a page the browser will not let play sound) records nothing at all in Firefox, or
 * stops after its first second: past this, the recording is made without sound.
 */
const SOUND_START_MS = 1000;

/** A recording under way, and what it hears. */
export interface RecorderOptions {
  /** Called once if the recording is made without sound: the browser would not run the voices' mix. */
  onSilent?: () => void;
}

export class CallRecorder {
  private readonly canvas = document.createElement('canvas');
  private readonly context = this.canvas.getContext('2d')!;
  private readonly audio = new AudioContext();
  private readonly mix = this.audio.createMediaStreamDestination();
  private readonly players = new Map<string, HTMLVideoElement>();
  private readonly voices = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();
  private readonly chunks: Blob[] = [];
  private readonly video: MediaStreamTrack;
  /** The recorder for the picture alone: made at once, so that a browser that cannot record says so at once. */
  private readonly silentRecorder: MediaRecorder;
  private recorder?: MediaRecorder;
  private readonly started: Promise<void>;
  private readonly stopClock: () => void;
  private startedAt = performance.now();
  private tiles: RecordedTile[] = [];

  /** Starts recording; throws if the browser cannot record. */
  constructor(tiles: RecordedTile[], private readonly options: RecorderOptions = {}) {
    this.canvas.width = WIDTH;
    this.canvas.height = HEIGHT;
    this.update(tiles);
    [this.video] = this.canvas.captureStream(FPS).getVideoTracks();
    this.silentRecorder = this.makeRecorder([this.video]);
    this.stopClock = everyInterval(Math.round(1000 / FPS), () => this.draw());
    this.started = this.audio.state === 'running' ? Promise.resolve(this.begin(true)) : this.soundStarted().then((running) => this.begin(running));
  }

  /** A recorder of these tracks, in a WebM whose codecs are theirs: one that names Opus for a picture alone stops at once in Firefox. */
  private makeRecorder(tracks: MediaStreamTrack[]): MediaRecorder {
    const withSound = tracks.some((track) => track.kind === 'audio');
    const mimeType = [withSound ? 'video/webm;codecs=vp8,opus' : 'video/webm;codecs=vp8', 'video/webm'].find((type) => MediaRecorder.isTypeSupported(type));
    return new MediaRecorder(new MediaStream(tracks), { mimeType, videoBitsPerSecond: 2_500_000 });
  }

  /** Whether the voices' mix runs within `SOUND_START_MS` (at once where the page may play sound). */
  private soundStarted(): Promise<boolean> {
    return new Promise((resolve) => {
      const settle = () => {
        clearTimeout(timer);
        this.audio.removeEventListener('statechange', onChange);
        resolve(this.audio.state === 'running');
      };
      const onChange = () => this.audio.state === 'running' && settle();
      const timer = setTimeout(settle, SOUND_START_MS);
      this.audio.addEventListener('statechange', onChange);
      void this.audio.resume().then(onChange, () => undefined);
    });
  }

  private begin(withSound: boolean): void {
    let recorder = this.silentRecorder;
    if (withSound) {
      try {
        recorder = this.makeRecorder([this.video, ...this.mix.stream.getAudioTracks()]);
      } catch {
        withSound = false;
      }
    }
    recorder.addEventListener('dataavailable', ({ data }) => data.size > 0 && this.chunks.push(data));
    recorder.start(TIMESLICE_MS);
    this.recorder = recorder;
    this.startedAt = performance.now();
    if (!withSound) this.options.onSilent?.();
  }

  /** Follows the call: tiles that came or went, tracks that changed. */
  update(tiles: RecordedTile[]): void {
    this.tiles = tiles;
    const keys = new Set(tiles.map((tile) => tile.key));
    for (const [key, player] of this.players) {
      if (keys.has(key)) continue;
      player.srcObject = null;
      this.players.delete(key);
    }
    for (const tile of tiles) {
      if (!tile.video) continue;
      let player = this.players.get(tile.key);
      if (!player) {
        player = Object.assign(document.createElement('video'), { muted: true, playsInline: true });
        this.players.set(tile.key, player);
      }
      const current = (player.srcObject as MediaStream | null)?.getVideoTracks()[0];
      if (current !== tile.video) {
        player.srcObject = new MediaStream([tile.video]);
        void player.play().catch(() => undefined);
      }
    }
    const voices = new Set(tiles.map((tile) => tile.audio).filter((t): t is MediaStreamTrack => t?.readyState === 'live'));
    for (const [track, node] of this.voices) {
      if (voices.has(track)) continue;
      node.disconnect();
      this.voices.delete(track);
    }
    for (const track of voices) {
      if (this.voices.has(track)) continue;
      const node = this.audio.createMediaStreamSource(new MediaStream([track]));
      node.connect(this.mix);
      this.voices.set(track, node);
    }
  }

  /** Stops and returns the recording: WebM with its duration written in. */
  async stop(): Promise<Blob> {
    await this.started;
    this.stopClock();
    const recorder = this.recorder!;
    const duration = performance.now() - this.startedAt;
    // A recorder the browser stopped by itself (an error) fires no second `stop`.
    if (recorder.state !== 'inactive') {
      const stopped = new Promise((resolve) => recorder.addEventListener('stop', resolve, { once: true }));
      recorder.stop();
      await stopped;
    }
    for (const player of this.players.values()) player.srcObject = null;
    for (const node of this.voices.values()) node.disconnect();
    void this.audio.close().catch(() => undefined);
    const recording = new Blob(this.chunks, { type: 'video/webm' });
    this.chunks.length = 0;
    return withDuration(recording, duration);
  }

  /** Draws every tile in a grid, each with its name; a tile without video shows its name large. */
  private draw(): void {
    const { context: ctx, tiles } = this;
    ctx.fillStyle = '#111418';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    const count = Math.max(1, tiles.length);
    const columns = Math.ceil(Math.sqrt(count));
    const rows = Math.ceil(count / columns);
    const gap = 8;
    const width = (WIDTH - gap * (columns + 1)) / columns;
    const height = (HEIGHT - gap * (rows + 1)) / rows;
    tiles.forEach((tile, index) => {
      const x = gap + (index % columns) * (width + gap);
      const y = gap + Math.floor(index / columns) * (height + gap);
      ctx.fillStyle = '#1f2937';
      ctx.fillRect(x, y, width, height);
      const player = this.players.get(tile.key);
      if (player && tile.video?.enabled !== false && player.videoWidth > 0) {
        // Fit the frame inside the tile, keeping its shape.
        const scale = Math.min(width / player.videoWidth, height / player.videoHeight);
        const w = player.videoWidth * scale;
        const h = player.videoHeight * scale;
        ctx.drawImage(player, x + (width - w) / 2, y + (height - h) / 2, w, h);
      }
      ctx.font = '600 20px system-ui, sans-serif';
      const label = tile.name;
      const labelWidth = ctx.measureText(label).width + 16;
      ctx.fillStyle = 'rgb(0 0 0 / 0.6)';
      ctx.fillRect(x + 8, y + height - 38, labelWidth, 30);
      ctx.fillStyle = '#fff';
      ctx.fillText(label, x + 16, y + height - 16);
    });
    // The canvas stream takes a frame whenever the canvas changes; this one changed.
  }
}
