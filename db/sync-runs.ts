// The export log: one sync run document per sync (its state, counts, totals, created types, email status)
// and its per-entry results. Every write to a run goes through this module, whoever starts or ends the sync.
import type { Collection, Db } from 'mongodb';
import { startedByOf, type PayrollSyncInput, type SyncCounts, type SyncFailure, type SyncProgress, type SyncStatus, type SyncTrigger } from '../contracts/sync.js';
import { insertOnce } from './insert-once.js';
import type { FenceTaken } from './push-fences.js';

export type EntryResultStatus =
  | 'pending'
  | 'created'
  | 'already_present'
  | 'correction_created'
  | 'needs_manual_correction'
  | 'failed'
  | 'unmatched'
  | 'ambiguous'
  | 'inactive'
  | 'type_missing'
  | 'type_not_allowed'
  | 'would_create'
  | 'would_correct';

export interface BenefitTotal {
  benefitKey: string;
  benefitName: string;
  compensationTypeId: string | null;
  entries: number;
  amountCents: number;
  /** In Personio after this run (created now, corrected now, or already there). */
  transferredCents: number;
}

export interface CreatedCompensationType {
  benefitKey: string;
  benefitName: string;
  compensationTypeId: string;
  /** `created`: made by this run; `found_by_name`: an existing ONE_TIME type with the benefit's name. */
  how: 'created' | 'found_by_name';
  /** The type's name in Personio: the benefit's name, or a distinct one when another category held that name. */
  name?: string;
  /** Types named like the benefit in another category (RECURRING, salary…): never used for benefit amounts. */
  sameNameOtherCategory?: { compensationTypeId: string; name: string; category: string | null }[];
}

export interface SyncRunDoc {
  _id: string; // syncId
  companyId: string;
  period: string;
  status: SyncStatus;
  trigger: SyncTrigger;
  dryRun: boolean;
  retryOf?: string;
  /** Who started it (`schedule` for a scheduled run); absent for syncs from before approvals. */
  startedBy?: string;
  /** This dry run is the preview of that sync (awaiting approval). */
  previewOf?: string;
  /** Four eyes: the preview a second person approves or rejects, and the decision. */
  approval?: ApprovalRecord;
  /** The sync was started after its period's payroll cut-off (a dry run says so; a real one was explicitly allowed). */
  pastCutoff?: boolean;
  workflowId: string;
  runId?: string;
  entrySetId?: string;
  entryCount?: number;
  entryChunkCount?: number;
  currency?: string;
  counts?: SyncCounts;
  totals?: BenefitTotal[];
  createdTypes?: CreatedCompensationType[];
  progress?: SyncProgress;
  plan?: { itemsTotal: number; chunksTotal: number; pushConcurrency?: number };
  /** The sync's generation of its period's fence (db/push-fences.ts), taken when it began. */
  periodFence?: FenceTaken;
  failure?: SyncFailure;
  email?: { status: 'sent' | 'failed' | 'skipped'; at: Date; recipients?: string[]; error?: string; attempts?: number };
  startedAt: Date;
  finishedAt?: Date;
  /** Its per-entry results and work documents were removed by data retention (db/retention.ts); the summary stays. */
  artefactsPrunedAt?: Date;
}

export interface ApprovalRecord {
  state: 'awaiting_approval' | 'approved' | 'rejected' | 'expired';
  /** The latest preview: a dry run of the same entries and mappings (its own export-log entry). */
  previewSyncId: string;
  previewedAt: Date;
  /** Previews computed so far (a new one after entries or mappings changed). */
  previews: number;
  /** What the preview was computed from: an approval is refused when either changed since. */
  entrySetId: string | null;
  mappingVersion: number;
  expiresAt: Date;
  remindedAt?: Date;
  decidedBy?: string;
  decidedAt?: Date;
  comment?: string;
}

export interface SyncEntryResultDoc {
  _id: string; // `${syncId}:${index}`
  syncId: string;
  companyId: string;
  index: number;
  employeeEmail: string;
  benefitKey: string;
  amountCents: number;
  currency: string;
  status: EntryResultStatus;
  reason?: string;
  /** For `failed`: the kind of Personio's refusal (e.g. `permission_missing`, `write_refused`, `validation`). */
  errorKind?: string;
  /** For `permission_missing`: the scope the credential probably lacks. */
  missingScope?: string;
  /** For `needs_manual_correction`: what Personio holds for the entry's compensation, and what is due now. */
  heldCents?: number;
  dueCents?: number;
  personId?: string;
  compensationTypeId?: string;
  itemKey?: string;
  personioCompensationIds?: string[];
}

export function syncRunCollections(db: Db): { syncRuns: Collection<SyncRunDoc>; entryResults: Collection<SyncEntryResultDoc> } {
  return {
    syncRuns: db.collection<SyncRunDoc>('sync_runs'),
    entryResults: db.collection<SyncEntryResultDoc>('sync_entry_results'),
  };
}

export async function ensureSyncRunIndexes(db: Db): Promise<void> {
  const { syncRuns, entryResults } = syncRunCollections(db);
  await Promise.all([
    syncRuns.createIndex({ companyId: 1, startedAt: -1 }),
    syncRuns.createIndex({ status: 1, startedAt: -1 }),
    entryResults.createIndex({ syncId: 1, index: 1 }),
    entryResults.createIndex({ syncId: 1, itemKey: 1 }),
  ]);
}

export async function findRun(db: Db, syncId: string): Promise<SyncRunDoc | null> {
  return syncRunCollections(db).syncRuns.findOne({ _id: syncId });
}

/** The API records a sync before it starts its workflow (so the export log shows it at once). */
export async function insertStartingRun(
  db: Db,
  run: Pick<SyncRunDoc, '_id' | 'companyId' | 'period' | 'trigger' | 'dryRun' | 'workflowId' | 'retryOf' | 'pastCutoff' | 'startedBy'>,
): Promise<void> {
  await syncRunCollections(db).syncRuns.insertOne({ ...run, status: 'running', startedAt: new Date() });
}

export async function setRunId(db: Db, syncId: string, runId: string): Promise<void> {
  await syncRunCollections(db).syncRuns.updateOne({ _id: syncId }, { $set: { runId } });
}

/** A start that did not happen (the period's lock was taken) leaves no run behind. */
export async function deleteStartingRun(db: Db, syncId: string): Promise<void> {
  await syncRunCollections(db).syncRuns.deleteOne({ _id: syncId });
}

/** The newest running sync of a workflow id other than `exceptSyncId`: the one holding the period's lock. */
export async function findRunningRun(db: Db, workflowId: string, exceptSyncId: string): Promise<SyncRunDoc | null> {
  return syncRunCollections(db).syncRuns.findOne({ workflowId, status: { $in: ['running', 'awaiting_approval'] }, _id: { $ne: exceptSyncId } }, { sort: { startedAt: -1 } });
}

/**
 * The workflow's first step: records the run as begun and pins its entry set. Creates the run when nothing
 * recorded it before (a schedule starts its sync without the API). Idempotent.
 */
export async function recordRunBegun(
  db: Db,
  input: PayrollSyncInput & { workflowId: string; runId: string },
  set: { setId: string; entryCount: number; chunkCount: number; currency: string } | undefined,
): Promise<void> {
  await syncRunCollections(db).syncRuns.updateOne(
    { _id: input.syncId },
    {
      $set: {
        workflowId: input.workflowId,
        runId: input.runId,
        status: 'running',
        progress: { phase: 'starting', chunksTotal: 0, chunksDone: 0, itemsTotal: 0, itemsDone: 0 },
        ...(set ? { entrySetId: set.setId, entryCount: set.entryCount, entryChunkCount: set.chunkCount, currency: set.currency } : { entryCount: 0 }),
      },
      $setOnInsert: {
        companyId: input.companyId,
        period: input.period,
        trigger: input.trigger,
        dryRun: input.dryRun,
        startedAt: new Date(),
        ...(input.retryOf ? { retryOf: input.retryOf } : {}),
        ...(input.previewOf ? { previewOf: input.previewOf } : {}),
        ...(startedByOf(input) ? { startedBy: startedByOf(input) } : {}),
      },
    },
    { upsert: true },
  );
}

export async function savePeriodFence(db: Db, syncId: string, periodFence: FenceTaken): Promise<void> {
  await syncRunCollections(db).syncRuns.updateOne({ _id: syncId }, { $set: { periodFence } });
}

export async function saveCreatedTypes(db: Db, syncId: string, createdTypes: CreatedCompensationType[]): Promise<void> {
  await syncRunCollections(db).syncRuns.updateOne({ _id: syncId }, { $set: { createdTypes } });
}

export async function savePlan(db: Db, syncId: string, plan: NonNullable<SyncRunDoc['plan']>): Promise<void> {
  await syncRunCollections(db).syncRuns.updateOne({ _id: syncId }, { $set: { plan } });
}

export async function saveRunOutcome(
  db: Db,
  syncId: string,
  outcome: { status: SyncStatus; counts: SyncCounts; totals: BenefitTotal[]; failure?: SyncFailure },
): Promise<void> {
  await syncRunCollections(db).syncRuns.updateOne(
    { _id: syncId },
    { $set: { ...outcome, finishedAt: new Date(), 'progress.phase': 'done' } },
  );
}

export async function saveEmailStatus(db: Db, syncId: string, email: NonNullable<SyncRunDoc['email']>): Promise<void> {
  await syncRunCollections(db).syncRuns.updateOne({ _id: syncId }, { $set: { email } });
}

/** Records an unexpected failure of the summary email, never over a recorded success (a rare path). */
export async function saveEmailFailureUnlessSent(db: Db, syncId: string, error: string): Promise<void> {
  await syncRunCollections(db).syncRuns.updateOne({ _id: syncId, 'email.status': { $ne: 'sent' } }, { $set: { email: { status: 'failed', at: new Date(), error } } });
}

/** Per-entry results are written once (deterministic ids): a retried step keeps the first ones. */
export async function saveEntryResults(db: Db, results: SyncEntryResultDoc[]): Promise<void> {
  await insertOnce(syncRunCollections(db).entryResults, results);
}

/** The documents of one sync in a collection keyed `${syncId}:${n}`: one `_id` range scan, not a lookup per document. */
export const idsOfSync = (syncId: string) => ({ _id: { $gt: `${syncId}:`, $lt: `${syncId};` } });
