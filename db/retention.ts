// Data retention: what a sync leaves behind beyond its export-log summary (per-entry results, person matches, chunk
// plans and results) and entry sets that a newer upload replaced, once older than the retention period. The run
// documents themselves (status, counts, totals, who approved) stay: they are the export log. The push ledger stays
// too: it is what keeps a late re-run of an old period from paying twice.
import type { Db } from 'mongodb';
import { entrySetCollections } from './entry-sets.js';
import { FINAL_SYNC_STATUSES } from '../contracts/sync.js';
import { syncRunCollections } from './sync-runs.js';
import { syncWorkCollections } from './sync-work.js';

export interface RetentionReport {
  syncsPruned: number;
  entryResults: number;
  workDocuments: number;
  entrySetsDeleted: number;
  entryChunks: number;
}

export const emptyRetentionReport = (): RetentionReport => ({ syncsPruned: 0, entryResults: 0, workDocuments: 0, entrySetsDeleted: 0, entryChunks: 0 });

/** Prunes the artefacts of up to `batch` finished syncs begun before `cutoff`; answers how many it pruned (0: done). */
export async function pruneSyncArtefacts(db: Db, cutoff: Date, batch: number, report: RetentionReport): Promise<number> {
  const { syncRuns, entryResults } = syncRunCollections(db);
  const { personMatches, chunkPlans, chunkResults } = syncWorkCollections(db);
  const runs = await syncRuns
    .find({ startedAt: { $lt: cutoff }, status: { $in: [...FINAL_SYNC_STATUSES] }, artefactsPrunedAt: { $exists: false } }, { projection: { _id: 1 } })
    .limit(batch)
    .toArray();
  for (const run of runs) {
    report.entryResults += (await entryResults.deleteMany({ syncId: run._id })).deletedCount;
    for (const work of [personMatches, chunkPlans, chunkResults] as const) report.workDocuments += (await work.deleteMany({ syncId: run._id })).deletedCount;
    await syncRuns.updateOne({ _id: run._id }, { $set: { artefactsPrunedAt: new Date() } });
    report.syncsPruned++;
  }
  return runs.length;
}

/**
 * Deletes entry sets replaced before `cutoff`: not any period's active set, uploaded before the cutoff, and pinned by
 * no sync begun after it (such a sync may still be read or retried).
 */
export async function pruneSupersededEntrySets(db: Db, cutoff: Date, report: RetentionReport): Promise<void> {
  const { entrySets, entryChunks } = entrySetCollections(db);
  const { syncRuns } = syncRunCollections(db);
  const active = new Set((await entrySets.find({}, { projection: { activeSetId: 1 } }).toArray()).map((doc) => doc.activeSetId));
  const pinnedRecently = new Set(
    (await syncRuns.find({ startedAt: { $gte: cutoff }, entrySetId: { $exists: true } }, { projection: { entrySetId: 1 } }).toArray()).map((run) => run.entrySetId),
  );
  const candidates = await entryChunks.distinct('setId', { chunkNo: 0, createdAt: { $lt: cutoff } });
  for (const setId of candidates) {
    if (active.has(setId) || pinnedRecently.has(setId)) continue;
    report.entryChunks += (await entryChunks.deleteMany({ setId })).deletedCount;
    report.entrySetsDeleted++;
  }
}
