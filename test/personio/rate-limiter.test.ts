// The per-credential request bucket against a sliding 60 s window, on a virtual clock (no real waiting).
import { describe, expect, it } from 'vitest';
import { createPersonioCredentialRegistry } from '../../personio/index.js';
import { RateLimiter, windowSafeBucket } from '../../personio/rate-limiter.js';

/** A virtual clock: sleep() registers a timer, run() advances time from timer to timer. */
function virtualClock(start = 0) {
  let t = start;
  let seq = 0;
  const timers: { at: number; seq: number; resolve: () => void }[] = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => t,
    sleep: (ms: number): Promise<void> =>
      ms <= 0 ? Promise.resolve() : new Promise<void>((resolve) => timers.push({ at: t + ms, seq: seq++, resolve })),
    /** Fires every timer due up to `until` (all of them when omitted), in time order, settling in between. */
    async run(until = Infinity): Promise<void> {
      for (;;) {
        await settle();
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        t = Math.max(t, next.at);
        next.resolve();
      }
      if (until !== Infinity) t = Math.max(t, until);
      await settle();
    },
  };
}

/** Most release times in any window (t - 60 s, t], the way the sandbox (and Personio) count. */
function maxInAnyWindow(times: number[], windowMs = 60_000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    max = Math.max(max, j - i + 1);
  }
  return max;
}

/** The bucket the registry builds for a credential, rebuilt on a virtual clock. */
function registryLimiter(clock: ReturnType<typeof virtualClock>, opts: { requestsPerMinute: number; burst?: number }) {
  const registry = createPersonioCredentialRegistry(opts);
  return new RateLimiter({ ratePerMinute: registry.sustainedPerMinute, burst: registry.burst, now: clock.now, sleep: clock.sleep });
}

/** `callers` loops that acquire, "send" (recorded) and acquire again, until `total` requests are released. */
async function saturate(limiter: RateLimiter, clock: ReturnType<typeof virtualClock>, callers: number, total: number) {
  const released: number[] = [];
  let started = 0;
  const loop = async () => {
    while (started < total) {
      started++;
      await limiter.acquire();
      released.push(clock.now());
    }
  };
  const loops = Array.from({ length: callers }, loop);
  await clock.run();
  await Promise.all(loops);
  return released;
}

describe('the request bucket against a sliding 60 s window', () => {
  for (const requestsPerMinute of [60, 300, 600, 3000]) {
    it(`releases at most ${requestsPerMinute} in any 60 s window from idle, and uses ≥ 90 % of it (registry default burst)`, async () => {
      const clock = virtualClock(1_000_000);
      const limiter = registryLimiter(clock, { requestsPerMinute });
      const released = await saturate(limiter, clock, 32, requestsPerMinute * 3);
      expect(released).toHaveLength(requestsPerMinute * 3);
      expect(maxInAnyWindow(released)).toBeLessThanOrEqual(requestsPerMinute);
      const spanMinutes = (Math.max(...released) - Math.min(...released)) / 60_000;
      expect(released.length / spanMinutes / requestsPerMinute).toBeGreaterThanOrEqual(0.9);
    });
  }

  it('stays within the window with an explicit burst (the old default of ⌈600/20⌉ = 30), and after an idle gap', async () => {
    const clock = virtualClock();
    const limiter = registryLimiter(clock, { requestsPerMinute: 600, burst: 30 });
    expect(limiter.burst).toBe(30);
    const first = await saturate(limiter, clock, 32, 900);
    await clock.run(clock.now() + 10_000); // idle: the burst refills
    const second = await saturate(limiter, clock, 32, 900);
    expect(maxInAnyWindow([...first, ...second])).toBeLessThanOrEqual(600);
  });

  it('tolerates up to 500 ms between release and arrival at the server (1 % margin at 600/min)', async () => {
    const clock = virtualClock();
    const limiter = registryLimiter(clock, { requestsPerMinute: 600 });
    const released = await saturate(limiter, clock, 32, 1500);
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    // worst case: alternate on-time and late arrivals
    const arrivals = released.map((t, i) => t + (i % 2 === 0 ? 500 : 0) * random());
    expect(maxInAnyWindow(arrivals)).toBeLessThanOrEqual(600);
  });

  it('windowSafeBucket: burst − 1 + rate ≤ limit, the burst capped at half the limit', () => {
    expect(windowSafeBucket(600, 10)).toEqual({ ratePerMinute: 585, burst: 10 });
    expect(windowSafeBucket(60, 1)).toEqual({ ratePerMinute: 59, burst: 1 });
    expect(windowSafeBucket(10, 50)).toEqual({ ratePerMinute: 5, burst: 5 });
    expect(windowSafeBucket(1, 1)).toEqual({ ratePerMinute: 1, burst: 1 });
    const registry = createPersonioCredentialRegistry({ requestsPerMinute: 600 });
    expect(registry.burst - 1 + registry.sustainedPerMinute).toBeLessThanOrEqual(600);
    expect(registry.sustainedPerMinute / 600).toBeGreaterThanOrEqual(0.95);
  });
});

describe('pause() after a 429', () => {
  /** 40 callers queue at t = 0 (600/min, burst 1: one every 100 ms); a 429 at t = 1000 says "retry after 5 s". */
  async function scenario() {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerMinute: 600, burst: 1, now: clock.now, sleep: clock.sleep });
    const released: { id: string; at: number }[] = [];
    const caller = (id: string) => limiter.acquire().then(() => released.push({ id, at: clock.now() }));
    const early = Array.from({ length: 40 }, (_, i) => caller(`early-${i}`));
    await clock.run(1000);
    limiter.pause(5000);
    await clock.run(2000);
    const late = Array.from({ length: 10 }, (_, i) => caller(`late-${i}`)); // arrive during the pause
    await clock.run();
    await Promise.all([...early, ...late]);
    return released;
  }

  it('holds back callers that were already waiting for a slot reserved before the pause', async () => {
    const released = await scenario();
    expect(released).toHaveLength(50);
    const beforePause = released.filter((r) => r.at <= 1000);
    expect(beforePause.map((r) => r.id)).toEqual(Array.from({ length: 11 }, (_, i) => `early-${i}`)); // 0, 100, …, 1000 ms
    expect(released.filter((r) => r.at > 1000 && r.at < 6000)).toEqual([]);
  });

  it('paces the requests after the pause (no burst when the block ends), first come first served', async () => {
    const released = await scenario();
    const after = released.filter((r) => r.at >= 6000);
    expect(after).toHaveLength(39);
    expect(after[0]!.at).toBe(6000);
    for (let i = 1; i < after.length; i++) expect(after[i]!.at - after[i - 1]!.at).toBeCloseTo(100, 6);
    // the 29 still waiting keep their order; the 10 that came during the pause queue behind them
    expect(after.map((r) => r.id)).toEqual([
      ...Array.from({ length: 29 }, (_, i) => `early-${i + 11}`),
      ...Array.from({ length: 10 }, (_, i) => `late-${i}`),
    ]);
  });

  it('no burst after a pause even when the bucket was full, and repeated 429s for the same block do not stack', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerMinute: 600, burst: 10, now: clock.now, sleep: clock.sleep });
    limiter.pause(5000);
    await clock.run(10);
    limiter.pause(4990); // a second 429 answered for the same window: same end
    const released: number[] = [];
    const callers = Array.from({ length: 5 }, () => limiter.acquire().then(() => released.push(clock.now())));
    await clock.run();
    await Promise.all(callers);
    expect(released).toEqual([5000, 5100, 5200, 5300, 5400]);
  });

  it('a shorter pause never shortens a block', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerMinute: 600, burst: 1, now: clock.now, sleep: clock.sleep });
    limiter.pause(5000);
    limiter.pause(1000);
    const done = limiter.acquire().then(() => clock.now());
    await clock.run();
    expect(await done).toBe(5000);
  });
});
