// Loads what every sync activity needs about its run; activity inputs carry only the sync id.
import { FailureType } from '../../contracts/failures.js';
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from 'mongodb';
import { findRun, type SyncRunDoc } from '../../db/sync-runs.js';

export async function loadRun(db: Db, syncId: string): Promise<SyncRunDoc> {
  const run = await findRun(db, syncId);
  if (!run) throw ApplicationFailure.nonRetryable(`Sync ${syncId} does not exist`, FailureType.SyncNotFound);
  return run;
}

export function requireEntrySet(run: SyncRunDoc): string {
  if (!run.entrySetId) throw ApplicationFailure.nonRetryable(`Sync ${run._id} has no entry set`, FailureType.NoEntries);
  return run.entrySetId;
}

/**
 * Runs `work` over `items` with at most `limit` in flight. After a failure no new item is started, and it
 * rethrows only once every item in flight has settled: a POST must never outlive the attempt that made it,
 * or a retried attempt could post the same compensation while the first is still on the wire.
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (!failure && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(runners);
  if (failure) throw failure.error;
}
