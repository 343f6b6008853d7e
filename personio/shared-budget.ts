/**
 * A credential's request budget shared by every worker process. The credential's requests live on one time grid
 * (one slot every `intervalMs`, the same pace as rate-limiter.ts), cut into blocks of `blockSlots` slots. A
 * process claims a whole block at a time — a unique insert in a store every process reaches (MongoDB in the
 * product, see db/request-budgets.ts) — and sends its requests at that block's slot times; a block another process
 * holds is skipped. No conditional update is needed (FerretDB's are not atomic; unique inserts are), and one
 * round trip serves a block's worth of requests.
 *
 * A 429 claims every free block of the pause for nobody, so no process can send inside it; blocks other processes
 * held already (at most about one each) may still fire. The clock is each host's wall clock: hosts are assumed
 * NTP-synced; the bucket's margin (windowSafeBucket) absorbs small skews.
 */
import { abortableSleep } from './abort.js';

export interface BucketShape {
  intervalMs: number;
  /** Slots per block: about a second's worth at the bucket's pace (its burst). */
  blockSlots: number;
}

/** Where the blocks are claimed. Every operation is a unique insert, atomic on MongoDB and on FerretDB. */
export interface BudgetStore {
  /** True when this caller got block `index` of bucket `key`, false when another caller has it. */
  claimBlock(key: string, index: number): Promise<boolean>;
  /** Claims every free block in [from, to] for nobody (a pause). */
  blockRange(key: string, from: number, to: number): Promise<void>;
  /** Forgets blocks before `index` (housekeeping; may be a no-op). */
  forgetBefore(key: string, index: number): Promise<void>;
}

/** What sendWithRetry needs of a budget: the in-process RateLimiter and SharedRequestBudget both are one. */
export interface RequestBudget {
  /** Resolves when the caller may send; rejects when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Personio answered 429: hold back every caller of the credential for `ms`. */
  pause(ms: number): void;
}

export interface SharedBudgetOptions {
  store: BudgetStore;
  key: string;
  bucket: BucketShape;
  now?: () => number;
  /** Told when the store could not record a pause (the pause still holds in this process). */
  onStoreError?: (error: unknown) => void;
}

/** Blocks kept before the current one (housekeeping runs every this many claims). */
const KEEP_BLOCKS = 200;

export class SharedRequestBudget implements RequestBudget {
  private readonly blockMs: number;
  private readonly now: () => number;
  /** The block this process holds and the next unused slot in it. */
  private block: { index: number; nextSlot: number } | undefined;
  /** Blocks below this index are known to be taken or past. */
  private nextCandidate = 0;
  private blockedUntil = 0;
  private claims = 0;
  /** Slot assignment, one caller at a time (a claim may be in flight). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: SharedBudgetOptions) {
    this.blockMs = opts.bucket.intervalMs * Math.max(1, opts.bucket.blockSlots);
    this.now = opts.now ?? Date.now;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const next = this.queue.then(() => this.nextSlot());
      this.queue = next.catch(() => undefined);
      const slot = await next;
      await abortableSleep(slot - this.now(), signal);
      // A pause made while waiting (a 429 answered to another caller here) voids the slot: ask again.
      if (this.now() >= this.blockedUntil || slot >= this.blockedUntil) return;
    }
  }

  pause(ms: number): void {
    const now = this.now();
    const until = now + Math.max(0, ms);
    if (until <= this.blockedUntil) return;
    this.blockedUntil = until;
    // Blocks wholly inside the pause go to nobody, so that no process sends in them; the block holding its end
    // stays free to claim (its slots after the pause are usable). This process skips its own slots before it.
    const [from, to] = [Math.floor(now / this.blockMs) + 1, Math.floor(until / this.blockMs) - 1];
    this.nextCandidate = Math.max(this.nextCandidate, to + 1);
    if (to >= from) this.opts.store.blockRange(this.opts.key, from, to).catch((error: unknown) => this.opts.onStoreError?.(error));
  }

  /** The next slot time of a block this process holds, claiming the next free block when needed. */
  private async nextSlot(): Promise<number> {
    const { intervalMs, blockSlots } = this.opts.bucket;
    for (;;) {
      const now = this.now();
      if (this.block) {
        const start = this.block.index * this.blockMs;
        // Slots already in the past are skipped (sending them late would bunch requests into the next window), and so
        // are slots inside a pause.
        const earliest = Math.max(now - intervalMs, this.blockedUntil);
        while (this.block.nextSlot < blockSlots && start + this.block.nextSlot * intervalMs < earliest) this.block.nextSlot++;
        if (this.block.nextSlot < blockSlots) return start + this.block.nextSlot++ * intervalMs;
        this.block = undefined;
      }
      let index = Math.max(Math.floor(Math.max(now, this.blockedUntil) / this.blockMs), this.nextCandidate);
      while (!(await this.opts.store.claimBlock(this.opts.key, index))) index++;
      this.nextCandidate = index + 1;
      this.block = { index, nextSlot: 0 };
      if (++this.claims % KEEP_BLOCKS === 0) this.opts.store.forgetBefore(this.opts.key, index - KEEP_BLOCKS).catch(() => undefined);
    }
  }
}

/** A store in memory (one process; tests). */
export function createMemoryBudgetStore(): BudgetStore & { claimed(key: string): number[] } {
  const blocks = new Map<string, Set<number>>();
  const of = (key: string) => {
    let set = blocks.get(key);
    if (!set) blocks.set(key, (set = new Set()));
    return set;
  };
  return {
    async claimBlock(key, index) {
      const set = of(key);
      if (set.has(index)) return false;
      set.add(index);
      return true;
    },
    async blockRange(key, from, to) {
      for (let i = from; i <= to; i++) of(key).add(i);
    },
    async forgetBefore(key, index) {
      for (const i of of(key)) if (i < index) of(key).delete(i);
    },
    claimed: (key) => [...of(key)].sort((a, b) => a - b),
  };
}
