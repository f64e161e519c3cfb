/**
 * Intervals that keep time in a background tab. Browsers slow a hidden page's own timers to once a
 * second, and after five hidden minutes to once a minute; a worker's timers are left alone. The
 * recorder's frame clock and the broker keepalive tick here: one small worker serves every
 * interval of the page. Where the worker cannot run (a Content-Security-Policy without blob:
 * workers refuses it at once, or it fails to load later), the page's own timers stand in.
 */
const WORKER_SOURCE =
  'const t=new Map;onmessage=({data:[id,ms]})=>{clearInterval(t.get(id));t.delete(id);if(ms)t.set(id,setInterval(()=>postMessage(id),ms))}';

function blobWorker(): Worker {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  try {
    return new Worker(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

interface Interval {
  ms: number;
  tick: () => void;
  /** The page's timer, once the worker is out. */
  timer?: ReturnType<typeof setInterval>;
}

export class BackgroundClock {
  /** The worker once started; `null` once it could not run. */
  private worker?: Worker | null;
  private readonly intervals = new Map<number, Interval>();
  private lastId = 0;

  constructor(private readonly startWorker: () => Worker = blobWorker) {}

  /** Calls `tick` every `ms` milliseconds until the returned function is called. */
  every(ms: number, tick: () => void): () => void {
    const id = ++this.lastId;
    const interval: Interval = { ms, tick };
    this.intervals.set(id, interval);
    const worker = this.usableWorker();
    if (worker) worker.postMessage([id, ms]);
    else interval.timer = setInterval(tick, ms);
    return () => {
      if (!this.intervals.delete(id)) return;
      if (interval.timer !== undefined) clearInterval(interval.timer);
      else this.worker?.postMessage([id, 0]);
    };
  }

  private usableWorker(): Worker | null {
    if (this.worker === undefined) {
      try {
        this.worker = this.startWorker();
        this.worker.onmessage = ({ data }: MessageEvent<number>) => this.intervals.get(data)?.tick();
        this.worker.onerror = (event) => {
          // Handled here: not passed on to the page as an uncaught error.
          event.preventDefault();
          this.fallBack();
        };
      } catch {
        this.worker = null;
      }
    }
    return this.worker;
  }

  /** The worker failed after it was made: its intervals move to the page's timers. */
  private fallBack(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const interval of this.intervals.values()) interval.timer ??= setInterval(interval.tick, interval.ms);
  }
}

const shared = new BackgroundClock();

/** Calls `tick` every `ms` milliseconds, on the page's one background clock, until the returned function is called. */
export function everyInterval(ms: number, tick: () => void): () => void {
  return shared.every(ms, tick);
}
