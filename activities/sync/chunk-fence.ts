// At most one live attempt of a chunk posts, and only for the sync that owns the period (db/push-fences.ts).
//
// An attempt takes the chunk's next fence generation; a newer attempt takes the one after and so fences it off.
// Before every POST (429 re-sends included) the attempt checks, at most once per `checkEveryMs`, that no newer
// generation of its chunk or of its sync's period exists, and stops otherwise. A POST that passed the check may
// still be on the wire for up to twice the request timeout: whoever takes over from an attempt (or a sync) that did
// not release must not trust Personio's listing of what that one may have posted before then (`settledAt`).
// A newer sync waits for it before it reads anything; a newer attempt of the same chunk goes on at once with the
// items its predecessor never touched (`recordsCompleteAt`: by then the predecessor can write no new pending record
// that it would still post) and leaves the rest until `settledAt`.
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from 'mongodb';
import { FailureType } from '../../contracts/failures.js';
import { chunkScope, holdsFence, periodScope, releaseFence, takeFence, type FenceTaken } from '../../db/push-fences.js';
import { abortableSleep } from '../../personio/abort.js';

export interface FenceTiming {
  /** The Personio request timeout: a POST that passed the fence lands within twice this. */
  requestTimeoutMs: number;
  /** How old the last check may be before a POST. Default 1,000 ms. */
  checkEveryMs?: number;
}

export interface ChunkFence {
  /** Whether an attempt had the chunk before this one (it may have recorded posts). */
  hadPredecessor: boolean;
  /**
   * When the chunk's earlier attempts' ledger records are complete (epoch ms; 0: now): a predecessor that did not
   * release may write pending records until its fence check notices this attempt, and it posts nothing it has not
   * recorded as pending first.
   */
  recordsCompleteAt: number;
  /** When every POST of an unreleased predecessor has landed (epoch ms; 0: none): list its items after this. */
  settledAt: number;
  /**
   * Whether the sync took the period over from one that had not finished: its last records may postdate this
   * sync's plan, so the period's ledger is read again (after the grace) instead of trusting the plan's copy.
   */
  periodTakenOver: boolean;
  /** Throws (PushFenceLost, retryable: the newest attempt goes on) when this attempt may no longer post. */
  beforePost(): Promise<void>;
  /** None of this attempt's POSTs can still be on the wire: a successor need not wait. */
  release(): Promise<void>;
}

export const fenceGraceMs = (timing: FenceTiming) => 2 * timing.requestTimeoutMs + (timing.checkEveryMs ?? 1_000) + 1_000;

function lost(what: string): ApplicationFailure {
  return ApplicationFailure.retryable(`This push attempt stopped before posting: ${what}.`, FailureType.PushFenceLost);
}

/**
 * Takes the chunk for this attempt (`holder`: its workflow run and attempt), waits out the grace of a predecessor
 * sync that did not finish, and answers the fence its POSTs pass, with the times a predecessor attempt of the chunk
 * imposes. `periodFence` is the sync's period fence (taken by beginSync). Call before the chunk's first listing of
 * Personio.
 */
export async function enterChunkFence(
  db: Db,
  chunk: { companyId: string; period: string; syncId: string; chunkNo: number; holder: string; periodFence: FenceTaken },
  timing: FenceTiming,
  signal?: AbortSignal,
): Promise<ChunkFence> {
  const checkEveryMs = timing.checkEveryMs ?? 1_000;
  const [chunkScopeId, periodScopeId] = [chunkScope(chunk.syncId, chunk.chunkNo), periodScope(chunk.companyId, chunk.period)];
  const taken = await takeFence(db, chunkScopeId, chunk.holder);
  // A sync that took the period over waits for its predecessor sync's POSTs before it reads anything: its plan may
  // predate that sync's last records.
  const periodUnreleasedSince = chunk.periodFence.previousUnreleasedAt?.getTime() ?? 0;
  if (periodUnreleasedSince > 0) await abortableSleep(periodUnreleasedSince + fenceGraceMs(timing) - Date.now(), signal);
  const chunkUnreleasedSince = taken.previousUnreleasedAt?.getTime() ?? 0;

  let checkedAt = Date.now();
  return {
    hadPredecessor: taken.hadPredecessor,
    recordsCompleteAt: chunkUnreleasedSince > 0 ? chunkUnreleasedSince + checkEveryMs + 1_000 : 0,
    settledAt: chunkUnreleasedSince > 0 ? chunkUnreleasedSince + fenceGraceMs(timing) : 0,
    periodTakenOver: chunk.periodFence.previousUnreleasedAt !== undefined,
    async beforePost() {
      if (Date.now() - checkedAt < checkEveryMs) return;
      const startedAt = Date.now();
      const [holdsChunk, holdsPeriod] = await Promise.all([holdsFence(db, chunkScopeId, taken.generation), holdsFence(db, periodScopeId, chunk.periodFence.generation)]);
      if (!holdsChunk) throw lost(`a newer attempt took over chunk ${chunk.chunkNo} of sync ${chunk.syncId}`);
      if (!holdsPeriod) throw lost(`a newer sync took over the period ${chunk.period}`);
      checkedAt = startedAt;
    },
    release: () => releaseFence(db, chunkScopeId, taken.generation),
  };
}
