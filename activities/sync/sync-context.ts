// Loads what every sync activity needs about its run; activity inputs carry only the sync id.
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from 'mongodb';
import { payrollCollections, type SyncRunDoc } from '../../db/payroll-collections.js';

export async function loadRun(db: Db, syncId: string): Promise<SyncRunDoc> {
  const run = await payrollCollections(db).syncRuns.findOne({ _id: syncId });
  if (!run) throw ApplicationFailure.nonRetryable(`Sync ${syncId} does not exist`, 'SyncNotFound');
  return run;
}

export function requireEntrySet(run: SyncRunDoc): string {
  if (!run.entrySetId) throw ApplicationFailure.nonRetryable(`Sync ${run._id} has no entry set`, 'NoEntries');
  return run.entrySetId;
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(runners);
}
