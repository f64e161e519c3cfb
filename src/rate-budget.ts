/**
 * A token bucket: a burst at once, then a steady rate. Used wherever something a stranger can
 * trigger must stay bounded (new senders, each sender's messages, "room full" replies).
 */
export class RateBudget {
  private tokens: number;
  private refilledAt?: number;

  constructor(private readonly burst: number, private readonly perSecond: number) {
    this.tokens = burst;
  }

  /** Spends one token if there is one; `now` in milliseconds, from any clock that only moves on. */
  take(now: number): boolean {
    // A clock corrected backwards refills nothing rather than a negative amount, which would
    // silence the sender for as long as the correction.
    const elapsedMs = this.refilledAt === undefined ? 0 : Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
