// One credential's request budget shared by several worker processes through one store: together they keep
// the bucket's pace, a 429 answered to one holds every process back, and a cancelled caller stops waiting.
import { describe, expect, it } from 'vitest';
import { createMemoryBudgetStore, SharedRequestBudget, type BucketShape } from '../../personio/shared-budget.js';

const bucket: BucketShape = { intervalMs: 10, blockSlots: 4 };

/** `callers` loops per budget acquiring until `total` releases happened across all budgets; the release times. */
async function run(budgets: SharedRequestBudget[], callers: number, total: number): Promise<number[]> {
  const released: number[] = [];
  await Promise.all(
    budgets.flatMap((budget) =>
      Array.from({ length: callers }, async () => {
        while (released.length < total) {
          await budget.acquire();
          released.push(Date.now());
        }
      }),
    ),
  );
  return released.sort((a, b) => a - b);
}

/** The most releases in any window of `ms`. */
function busiest(times: number[], ms: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] as number) - (times[j] as number) >= ms) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

describe('shared request budget', () => {
  it('gives each block of the credential’s time grid to one process only', async () => {
    const store = createMemoryBudgetStore();
    const [a, b] = [0, 1].map(() => new SharedRequestBudget({ store, key: 'acme', bucket })) as [SharedRequestBudget, SharedRequestBudget];
    await Promise.all([...Array.from({ length: 6 }, () => a.acquire()), ...Array.from({ length: 6 }, () => b.acquire())]);
    // 12 requests in blocks of 4: three blocks, each claimed once, none shared.
    const claimed = store.claimed('acme');
    expect(claimed.length).toBeGreaterThanOrEqual(3);
    expect(new Set(claimed).size).toBe(claimed.length);
  });

  it('keeps three processes together within one credential’s pace', async () => {
    const store = createMemoryBudgetStore();
    const budgets = Array.from({ length: 3 }, () => new SharedRequestBudget({ store, key: 'acme', bucket }));
    const times = await run(budgets, 4, 60);
    // 10 ms apart: any 200 ms hold 20 slots (+1 for the window's edges); a timer that fires late on a busy machine may
    // bunch the rest of one claimed block into the next ones. Three processes pacing alone would release ~60.
    expect(busiest(times, 200)).toBeLessThanOrEqual(21 + bucket.blockSlots);
    expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThanOrEqual(55 * bucket.intervalMs);
  });

  it('holds every process back after a 429 answered to one of them', async () => {
    const store = createMemoryBudgetStore();
    const [a, b] = [0, 1].map(() => new SharedRequestBudget({ store, key: 'acme', bucket })) as [SharedRequestBudget, SharedRequestBudget];
    await Promise.all([a.acquire(), b.acquire()]);
    const pausedAt = Date.now();
    a.pause(300);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const releases: number[] = [];
    await Promise.all(
      [a, b, b].map(async (budget) => {
        for (let i = 0; i < 4; i++) {
          await budget.acquire();
          releases.push(Date.now() - pausedAt);
        }
      }),
    );
    // The pause took every free block for nobody: only the rest of the block b already held may fire in it.
    expect(releases.filter((t) => t < 290).length).toBeLessThanOrEqual(bucket.blockSlots);
    expect(releases.filter((t) => t >= 290).length).toBeGreaterThanOrEqual(12 - bucket.blockSlots);
  });

  it('stops waiting for a slot when its caller is cancelled', async () => {
    const store = createMemoryBudgetStore();
    const budget = new SharedRequestBudget({ store, key: 'acme', bucket: { intervalMs: 10_000, blockSlots: 1 } });
    await budget.acquire();
    const controller = new AbortController();
    const waiting = budget.acquire(controller.signal).then(
      () => 'acquired',
      (error: unknown) => (error as Error).message,
    );
    controller.abort(new Error('activity cancelled'));
    expect(await waiting).toBe('activity cancelled');
  });
});
