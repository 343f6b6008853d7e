/**
 * A token bucket (GCRA form): `ratePerMinute` requests per minute with bursts of up to `burst`.
 * Callers are served first come, first served. One limiter per credential is shared by every client
 * of that credential, so many short-lived clients in one process never exceed the credential's budget.
 *
 * After a 429, `pause()` holds back every caller that has not sent yet — also those already waiting for a
 * slot they reserved before the 429 — and re-paces them from the end of the pause, without a burst.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { abortableSleep, untilAborted } from './abort.js';
import type { RequestBudget } from './shared-budget.js';

export interface RateLimiterOptions {
  ratePerMinute: number;
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const defaultSleep = (ms: number): Promise<void> => sleep(Math.max(0, ms));

/**
 * A bucket that keeps within `limitPerMinute` requests in ANY sliding 60 s window, starting from idle.
 *
 * A GCRA bucket lets through at most `burst - 1 + ceil(60 s / interval)` requests in a window shorter than
 * 60 s, so the sustained rate is `limit - (burst - 1)`, less a safety margin (`marginShare` of the limit, at
 * least one request when the limit allows it) for the jitter between the moment a request is released here
 * and the moment the server counts it. The burst is capped at half the limit so that the rate stays useful.
 */
export function windowSafeBucket(
  limitPerMinute: number,
  burst: number,
  marginShare = 0.01,
): { ratePerMinute: number; burst: number } {
  if (!(limitPerMinute > 0)) throw new RangeError('limitPerMinute must be > 0');
  const b = Math.max(1, Math.min(Math.floor(burst), Math.floor(limitPerMinute / 2)));
  const margin = limitPerMinute >= 2 ? Math.max(1, Math.ceil(limitPerMinute * marginShare)) : 0;
  return { ratePerMinute: limitPerMinute - (b - 1) - margin, burst: b };
}

interface Ticket {
  /** When this caller may send. Moved later (never earlier) by pause(). */
  at: number;
}

export class RateLimiter implements RequestBudget {
  readonly intervalMs: number;
  readonly burst: number;
  private readonly now: () => number;
  /** A test's clock; undefined: real timers (cleared when a wait is cancelled). */
  private readonly sleep: ((ms: number) => Promise<void>) | undefined;
  /** Theoretical arrival time of the next request. */
  private tat = 0;
  /** Nobody starts before this instant (set after a 429 with Retry-After). */
  private blockedUntil = 0;
  /** Callers of acquire() that have not been released yet, in reservation (FIFO) order. */
  private readonly waiting = new Set<Ticket>();

  constructor(opts: RateLimiterOptions) {
    if (!(opts.ratePerMinute > 0)) throw new RangeError('ratePerMinute must be > 0');
    this.intervalMs = 60_000 / opts.ratePerMinute;
    this.burst = Math.max(1, Math.floor(opts.burst ?? 1));
    this.now = opts.now ?? (() => performance.now());
    this.sleep = opts.sleep;
  }

  private get tolerance(): number {
    return (this.burst - 1) * this.intervalMs;
  }

  /** Reserves the next slot at once (FIFO) and returns its start time. */
  private reserveAt(t: number): number {
    const startAt = Math.max(t, this.tat - this.tolerance, this.blockedUntil);
    this.tat = Math.max(this.tat, startAt) + this.intervalMs;
    return startAt;
  }

  /**
   * Milliseconds the caller has to wait; reserves its slot at once (FIFO). The slot is not tracked: a later
   * pause() does not move it. Use acquire() to send requests.
   */
  reserve(): number {
    const t = this.now();
    return this.reserveAt(t) - t;
  }

  /**
   * Resolves when the caller may send its request; re-checks after sleeping, since a pause() may have moved its
   * slot. Rejects with the signal's reason when it aborts first (the slot is then simply not used).
   */
  async acquire(signal?: AbortSignal): Promise<void> {
    const ticket: Ticket = { at: this.reserveAt(this.now()) };
    this.waiting.add(ticket);
    try {
      for (;;) {
        signal?.throwIfAborted();
        const wait = Math.max(ticket.at, this.blockedUntil) - this.now();
        if (wait <= 0) return;
        await (this.sleep ? untilAborted(this.sleep(wait), signal) : abortableSleep(wait, signal));
      }
    } finally {
      this.waiting.delete(ticket);
    }
  }

  /**
   * Holds every caller that has not sent yet back for `ms` (the server said so with Retry-After): those already
   * waiting keep their order and are released one interval apart from the end of the pause, and later callers
   * queue behind them. No burst right after a pause: the server's window is full.
   */
  pause(ms: number): void {
    const t = this.now();
    const until = t + Math.max(0, ms);
    if (until <= this.blockedUntil) return;
    this.blockedUntil = until;
    let next = until;
    for (const ticket of this.waiting) {
      next = Math.max(next, ticket.at);
      ticket.at = next;
      next += this.intervalMs;
    }
    // The next reservation starts at `next` at the earliest, and the bucket is empty there (no burst).
    this.tat = Math.max(this.tat, next + this.tolerance);
  }
}
