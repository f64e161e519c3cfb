/**
 * Short-lived TURN credentials from the site (`turn-credentials-url`): TURN servers cost their
 * owner bandwidth, so a site hands visitors credentials that expire (coturn's `use-auth-secret`,
 * the "TURN REST API"), from an endpoint it can put behind its own login. The endpoint answers
 * `{"iceServers": [...], "ttl": seconds}`; the credentials are fetched as soon as the URL is known
 * (so a join seldom waits for them) and again before they expire, and fresh ones reach every
 * connection for its next ICE restart.
 */
import type { CallProblem } from '../problems.js';
import { TypedEventTarget } from '../typed-event-target.js';
import { isIceServer } from './config.js';

/** A join waits at most this long for credentials; it goes on without TURN after that. */
const FETCH_TIMEOUT_MS = 5000;
/** Credentials are renewed when this share of their lifetime has passed. */
const RENEW_AT = 0.8;
/** Renewals are at least this far apart, whatever `ttl` says; failures are retried after it too. */
const MIN_RENEW_MS = 1000;
/** A longer `ttl` is taken as this: a timer cannot wait longer. */
const MAX_TTL_SECONDS = 24 * 60 * 60;

export interface TurnCredentialsEventMap {
  /** Fresh servers arrived (see `iceServers`). */
  change: Event;
  /** The endpoint could not be reached or answered something else than credentials. */
  error: CustomEvent<CallProblem>;
}

/** Reads an endpoint's answer: `{iceServers: RTCIceServer[], ttl: seconds}`. */
export function parseTurnCredentials(body: unknown): { iceServers: RTCIceServer[]; ttl: number } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { iceServers, ttl } = body as Record<string, unknown>;
  if (!Array.isArray(iceServers) || iceServers.length === 0 || !iceServers.every(isIceServer)) return undefined;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) return undefined;
  return { iceServers: iceServers.map(({ urls, username, credential }) => ({ urls, username, credential })), ttl: Math.min(ttl, MAX_TTL_SECONDS) };
}

export class TurnCredentials extends TypedEventTarget<TurnCredentialsEventMap> {
  private servers?: RTCIceServer[];
  private expiresAt = 0;
  private inFlight?: Promise<RTCIceServer[] | undefined>;
  private renewTimer?: ReturnType<typeof setTimeout>;
  private stopped = false;
  /** Whether the current run of failures was reported: one error per run, not one per retry. */
  private failureReported = false;

  constructor(readonly url: string) {
    super();
  }

  /** The servers last fetched, while they are valid. */
  get iceServers(): RTCIceServer[] | undefined {
    return this.servers && performance.now() < this.expiresAt ? this.servers : undefined;
  }

  /** Valid servers: the ones in hand, or freshly fetched (undefined if the endpoint failed or took too long). */
  ready(): Promise<RTCIceServer[] | undefined> {
    const current = this.iceServers;
    if (current) return Promise.resolve(current);
    return this.fetchOnce();
  }

  /** Stops renewing. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.renewTimer);
  }

  private fetchOnce(): Promise<RTCIceServer[] | undefined> {
    this.inFlight ??= this.fetchCredentials().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchCredentials(): Promise<RTCIceServer[] | undefined> {
    let parsed: ReturnType<typeof parseTurnCredentials>;
    try {
      const response = await fetch(this.url, { credentials: 'same-origin', cache: 'no-store', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      parsed = parseTurnCredentials(await response.json());
      if (!parsed) {
        this.fail('turn-credentials-shape');
        return undefined;
      }
    } catch (error) {
      this.fail('turn-credentials-fetch', error instanceof Error ? error.message : String(error));
      return undefined;
    }
    if (this.stopped) return parsed.iceServers;
    this.failureReported = false;
    this.servers = parsed.iceServers;
    this.expiresAt = performance.now() + parsed.ttl * 1000;
    this.scheduleRenewal(Math.max(MIN_RENEW_MS, parsed.ttl * 1000 * RENEW_AT));
    this.dispatchEvent(new Event('change'));
    return parsed.iceServers;
  }

  private scheduleRenewal(delayMs: number): void {
    clearTimeout(this.renewTimer);
    if (!this.stopped) this.renewTimer = setTimeout(() => void this.fetchOnce(), delayMs);
  }

  private fail(reason: 'turn-credentials-fetch' | 'turn-credentials-shape', detail?: string): void {
    // Credentials still valid keep serving; the next try comes before they expire.
    const left = this.expiresAt - performance.now();
    this.scheduleRenewal(Math.max(MIN_RENEW_MS * 5, left > 0 ? left / 2 : 30_000));
    if (this.failureReported) return;
    this.failureReported = true;
    this.dispatchEvent(new CustomEvent('error', { detail: { code: 'turn-unavailable', reason, params: { value: this.url.slice(0, 200), ...(detail ? { detail } : {}) } } }));
  }
}
