/**
 * How each remote visitor is reached and how well: the path (`direct`, or through a TURN `relay`)
 * and a quality people understand (good, fair, poor) from what the browser measures of the link,
 * read from `getStats()` every two seconds: packets lost on the way in, the round trip of the
 * path in use, and the frames per second the visitor's camera arrives with. A quality changes
 * only when two samples in a row agree, so that one bad moment does not flash a warning.
 */
import type { RemoteParticipant } from './participant.js';

/** How a visitor is reached: straight between the two browsers, or through a TURN server. */
export type LinkPath = 'direct' | 'relay';
/** How well media arrives from a visitor. */
export type LinkQuality = 'good' | 'fair' | 'poor';

/** What one reading of the statistics says about a link. */
export interface LinkSample {
  path?: LinkPath;
  /** Round trip of the candidate pair in use, in milliseconds. */
  roundTripMs?: number;
  /** Share of the incoming packets lost since the last reading (0–1). */
  loss?: number;
  /** Frames a second the camera arrived with since the last reading (only while it is on). */
  framesPerSecond?: number;
}

/** Counters carried from one reading to the next, to turn totals into rates. */
export interface LinkCounters {
  at: number;
  packetsReceived: number;
  packetsLost: number;
  framesDecoded: number;
}

/** Where a quality ends, for each measure: at or past `fair`, the link is fair; at or past `poor`, poor. */
export const QUALITY_LIMITS = {
  loss: { fair: 0.03, poor: 0.1 },
  roundTripMs: { fair: 300, poor: 600 },
  /** A camera arriving slower than this is fair or poor (it is sent at up to 30). */
  framesPerSecond: { fair: 12, poor: 5 },
} as const;

const SAMPLE_MS = 2000;

type Report = Record<string, unknown> & { type: string; id: string };

/** Reads one sample from `stats`; `camera` is the track the visitor's camera arrives on, if it is on. */
export function readLinkSample(stats: RTCStatsReport, camera: MediaStreamTrack | undefined, previous: LinkCounters | undefined, now: number): { sample: LinkSample; counters: LinkCounters } {
  const reports = new Map<string, Report>();
  stats.forEach((report: Report) => reports.set(report.id, report));
  const all = [...reports.values()];
  // The pair in use: the transport names it (Chromium); Firefox marks it `selected`.
  const transport = all.find((r) => r.type === 'transport' && typeof r.selectedCandidatePairId === 'string');
  const pair = (transport && reports.get(transport.selectedCandidatePairId as string))
    ?? all.find((r) => r.type === 'candidate-pair' && r.selected === true)
    ?? all.find((r) => r.type === 'candidate-pair' && r.nominated === true && r.state === 'succeeded');
  const sample: LinkSample = {};
  if (pair) {
    const ends = [reports.get(pair.localCandidateId as string), reports.get(pair.remoteCandidateId as string)];
    if (ends.every(Boolean)) sample.path = ends.some((end) => end!.candidateType === 'relay') ? 'relay' : 'direct';
    if (typeof pair.currentRoundTripTime === 'number') sample.roundTripMs = pair.currentRoundTripTime * 1000;
  }
  const counters: LinkCounters = { at: now, packetsReceived: 0, packetsLost: 0, framesDecoded: 0 };
  for (const report of all) {
    if (report.type !== 'inbound-rtp') continue;
    counters.packetsReceived += Number(report.packetsReceived ?? 0);
    counters.packetsLost += Math.max(0, Number(report.packetsLost ?? 0));
    if (camera && report.kind === 'video' && report.trackIdentifier === camera.id) counters.framesDecoded += Number(report.framesDecoded ?? 0);
  }
  if (previous) {
    const received = counters.packetsReceived - previous.packetsReceived;
    const lost = counters.packetsLost - previous.packetsLost;
    if (received + lost > 0 && lost >= 0) sample.loss = lost / (received + lost);
    const seconds = (now - previous.at) / 1000;
    const frames = counters.framesDecoded - previous.framesDecoded;
    if (camera && seconds > 0 && frames >= 0 && previous.framesDecoded > 0) sample.framesPerSecond = frames / seconds;
  }
  return { sample, counters };
}

/** The quality a sample shows: the worst of its measures. */
export function judgeQuality(sample: LinkSample): LinkQuality {
  const { loss, roundTripMs, framesPerSecond } = sample;
  const limits = QUALITY_LIMITS;
  const poor = (loss ?? 0) >= limits.loss.poor || (roundTripMs ?? 0) >= limits.roundTripMs.poor
    || (framesPerSecond !== undefined && framesPerSecond < limits.framesPerSecond.poor);
  if (poor) return 'poor';
  const fair = (loss ?? 0) >= limits.loss.fair || (roundTripMs ?? 0) >= limits.roundTripMs.fair
    || (framesPerSecond !== undefined && framesPerSecond < limits.framesPerSecond.fair);
  return fair ? 'fair' : 'good';
}

export interface WatchedLink {
  participant: RemoteParticipant;
  connection?: RTCPeerConnection;
}

/** Samples every watched link every two seconds and tells each participant its path and quality. */
export class LinkQualityWatch {
  private timer?: ReturnType<typeof setInterval>;
  private readonly counters = new WeakMap<RemoteParticipant, LinkCounters>();
  /** The quality the last sample showed, not yet told: it is told once a second sample agrees. */
  private readonly pending = new WeakMap<RemoteParticipant, LinkQuality>();
  private sampling = false;

  constructor(private readonly links: () => WatchedLink[], private readonly intervalMs = SAMPLE_MS) {}

  start(): void {
    this.timer ??= setInterval(() => void this.sample(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sample(): Promise<void> {
    // A busy machine can take longer than a period to answer: never two readings at once.
    if (this.sampling) return;
    this.sampling = true;
    try {
      await Promise.all(this.links().map((link) => this.sampleOne(link)));
    } finally {
      this.sampling = false;
    }
  }

  private async sampleOne({ participant, connection }: WatchedLink): Promise<void> {
    if (!connection || connection.connectionState !== 'connected') return;
    let stats: RTCStatsReport;
    try {
      stats = await connection.getStats();
    } catch {
      return;
    }
    const camera = participant.cameraOn ? participant.track('camera') : undefined;
    const { sample, counters } = readLinkSample(stats, camera, this.counters.get(participant), performance.now());
    this.counters.set(participant, counters);
    const quality = judgeQuality(sample);
    const agreed = participant.quality === undefined || this.pending.get(participant) === quality;
    this.pending.set(participant, quality);
    participant.setLink({ path: sample.path ?? participant.path, quality: agreed ? quality : participant.quality, sample });
  }
}
