/**
 * Intervals that keep time in a background tab. Browsers slow a hidden page's own timers to once a
 * second, and after five hidden minutes to once a minute; a worker's timers are left alone. The
 * recorder's frame clock and the broker keepalive tick here: one small worker serves every
 * interval of the page. Where the page's Content-Security-Policy forbids blob: workers, the page's
 * own timers stand in.
 */
const WORKER_SOURCE =
  'const t=new Map;onmessage=({data:[id,ms]})=>{clearInterval(t.get(id));t.delete(id);if(ms)t.set(id,setInterval(()=>postMessage(id),ms))}';

let worker: Worker | null | undefined;
const ticks = new Map<number, () => void>();
let lastId = 0;

function sharedWorker(): Worker | null {
  if (worker === undefined) {
    try {
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      worker = new Worker(url);
      URL.revokeObjectURL(url);
      worker.onmessage = ({ data }: MessageEvent<number>) => ticks.get(data)?.();
    } catch {
      worker = null;
    }
  }
  return worker;
}

/** Calls `tick` every `ms` milliseconds until the returned function is called. */
export function everyInterval(ms: number, tick: () => void): () => void {
  const clock = sharedWorker();
  if (!clock) {
    const timer = setInterval(tick, ms);
    return () => clearInterval(timer);
  }
  const id = ++lastId;
  ticks.set(id, tick);
  clock.postMessage([id, ms]);
  return () => {
    if (ticks.delete(id)) clock.postMessage([id, 0]);
  };
}
