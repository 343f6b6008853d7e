// The approval record of a sync awaiting four eyes, on its export-log entry (db/sync-runs.ts `approval`).
// Every write is keyed by the sync id and sets absolute values, so a retried activity writes the same again.
import type { Db } from 'mongodb';
import { companyCollections } from './companies.js';
import { readActiveEntrySet } from './entry-sets.js';
import { syncRunCollections, type ApprovalRecord, type SyncRunDoc } from './sync-runs.js';

/** What a preview was computed from: the period's active entry set and the company's mapping version. */
export async function currentInputs(db: Db, companyId: string, period: string): Promise<{ entrySetId: string | null; mappingVersion: number }> {
  const [set, mappings] = await Promise.all([readActiveEntrySet(db, companyId, period), companyCollections(db).benefitMappings.findOne({ _id: companyId }, { projection: { version: 1 } })]);
  return { entrySetId: set?.setId ?? null, mappingVersion: mappings?.version ?? 0 };
}

export async function saveAwaitingApproval(db: Db, syncId: string, approval: ApprovalRecord): Promise<void> {
  await syncRunCollections(db).syncRuns.updateOne({ _id: syncId }, { $set: { status: 'awaiting_approval', approval } });
}

export async function saveApprovalReminder(db: Db, syncId: string, at: Date): Promise<void> {
  await syncRunCollections(db).syncRuns.updateOne({ _id: syncId, 'approval.remindedAt': { $exists: false } }, { $set: { 'approval.remindedAt': at } });
}

/** Approved: the sync runs again, on exactly the entry set its preview showed. */
export async function saveApproved(db: Db, run: SyncRunDoc, preview: SyncRunDoc, decision: { actor: string; comment?: string; at: Date }): Promise<void> {
  await syncRunCollections(db).syncRuns.updateOne(
    { _id: run._id },
    {
      $set: {
        status: 'running',
        'approval.state': 'approved',
        'approval.decidedBy': decision.actor,
        'approval.decidedAt': decision.at,
        ...(decision.comment ? { 'approval.comment': decision.comment } : {}),
        ...(preview.entrySetId
          ? { entrySetId: preview.entrySetId, entryCount: preview.entryCount ?? 0, entryChunkCount: preview.entryChunkCount ?? 0, ...(preview.currency ? { currency: preview.currency } : {}) }
          : {}),
      },
    },
  );
}

/** Rejected or expired: closed, nothing was written. */
export async function saveUnapproved(db: Db, syncId: string, outcome: 'rejected' | 'expired', decision: { actor?: string; comment?: string; at: Date }): Promise<void> {
  await syncRunCollections(db).syncRuns.updateOne(
    { _id: syncId },
    {
      $set: {
        status: outcome,
        finishedAt: decision.at,
        'approval.state': outcome,
        'approval.decidedAt': decision.at,
        ...(decision.actor ? { 'approval.decidedBy': decision.actor } : {}),
        ...(decision.comment ? { 'approval.comment': decision.comment } : {}),
      },
      $unset: { progress: '' },
    },
  );
}
