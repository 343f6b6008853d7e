/**
 * A token bucket (GCRA form): `ratePerMinute` requests per minute with bursts of up to `burst`.
 * Callers are served first come, first served. One limiter per credential is shared by every client
 * of that credential, so many short-lived clients in one process never exceed the credential's budget.
 */

export interface RateLimiterOptions {
  ratePerMinute: number;
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const defaultSleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));

export class RateLimiter {
  readonly intervalMs: number;
  readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Theoretical arrival time of the next request. */
  private tat = 0;
  /** Nobody starts before this instant (set after a 429 with Retry-After). */
  private blockedUntil = 0;

  constructor(opts: RateLimiterOptions) {
    if (!(opts.ratePerMinute > 0)) throw new RangeError('ratePerMinute must be > 0');
    this.intervalMs = 60_000 / opts.ratePerMinute;
    this.burst = Math.max(1, Math.floor(opts.burst ?? 1));
    this.now = opts.now ?? (() => performance.now());
    this.sleep = opts.sleep ?? defaultSleep;
  }

  /** Milliseconds the caller has to wait; reserves its slot at once (FIFO). */
  reserve(): number {
    const t = this.now();
    const tolerance = (this.burst - 1) * this.intervalMs;
    const startAt = Math.max(t, this.tat - tolerance, this.blockedUntil);
    this.tat = Math.max(this.tat, startAt) + this.intervalMs;
    return startAt - t;
  }

  /** Resolves when the caller may send its request. */
  async acquire(): Promise<void> {
    await this.sleep(this.reserve());
  }

  /** Holds every later caller back for `ms` (the server said so with Retry-After). */
  pause(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + ms);
  }
}
