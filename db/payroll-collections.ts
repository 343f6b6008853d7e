// Collections of period entries, sync runs (the export log), the push ledger and their results.
import type { Collection, Db } from 'mongodb';
import type { SyncCounts, SyncFailure, SyncProgress, SyncStatus, SyncTrigger } from '../contracts/sync.js';

/** One row of a period's entry set, money in cents. `index` is the row's position in the PUT request. */
export interface PeriodEntry {
  index: number;
  /** Trimmed and lower-cased. */
  employeeEmail: string;
  benefitKey: string;
  amountCents: number;
  currency: string;
}

/**
 * The active entry set of a period. Entries live in chunks of an immutable set; a PUT writes a new set,
 * then switches `activeSetId` in one single-document write, so readers never see half a set.
 */
export interface PeriodEntrySetDoc {
  _id: string; // `${companyId}:${period}`
  companyId: string;
  period: string;
  activeSetId: string;
  entryCount: number;
  chunkCount: number;
  currency: string;
  updatedAt: Date;
}

export interface PeriodEntryChunkDoc {
  _id: string; // `${setId}:${chunkNo}`
  setId: string;
  companyId: string;
  period: string;
  chunkNo: number;
  entries: PeriodEntry[];
  createdAt: Date;
}

export const ENTRY_CHUNK_SIZE = 1000;


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
  plan?: { itemsTotal: number; chunksTotal: number };
  failure?: SyncFailure;
  email?: { status: 'sent' | 'failed' | 'skipped'; at: Date; recipients?: string[]; error?: string; attempts?: number };
  startedAt: Date;
  finishedAt?: Date;
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
  personId?: string;
  compensationTypeId?: string;
  itemKey?: string;
  personioCompensationIds?: string[];
}

/** Employee lookups of one sync, keyed by normalized email. */
export interface SyncPersonMatchDoc {
  _id: string; // `${syncId}:${email}`
  syncId: string;
  email: string;
  outcome: 'matched' | 'unmatched' | 'ambiguous' | 'inactive';
  personId?: string;
  personIds?: string[];
  name?: string;
}

/** One compensation to be in Personio: the aggregate of entries per (person, type, period). */
export interface SyncItem {
  itemKey: string;
  personId: string;
  compensationTypeId: string;
  amountCents: number;
  currency: string;
  effectiveFrom: string;
  benefitKeys: string[];
  benefitNames: string[];
  /** Positions of the entries summed into this item. */
  entryIndexes: number[];
  /** Dry run only: the type does not exist yet and would be created. */
  typeWouldBeCreated?: boolean;
}

export type ItemStatus = 'created' | 'already_present' | 'correction_created' | 'needs_manual_correction' | 'failed' | 'would_create' | 'would_correct';

export interface ItemOutcome {
  itemKey: string;
  status: ItemStatus;
  reason?: string;
  /** For `failed`: the kind of Personio's refusal, and the scope it probably lacks. */
  errorKind?: string;
  missingScope?: string;
  pushedBeforeCents?: number;
  personioCompensationIds?: string[];
}

/*
 * Hot-path documents are written once and read by _id only: FerretDB (the local and CI MongoDB) scans a
 * collection for any other query or update, so "insert, never update" keeps a 10,000-item sync fast there.
 * Production MongoDB is just as happy with it.
 */

/** The items of one push chunk, written by the planner. */
export interface SyncChunkPlanDoc {
  _id: string; // `${syncId}:${chunkNo}`
  syncId: string;
  chunkNo: number;
  items: SyncItem[];
}

/** The outcome of one push chunk, written once when the chunk is done. */
export interface SyncChunkResultDoc {
  _id: string; // `${syncId}:${chunkNo}`
  syncId: string;
  chunkNo: number;
  outcomes: ItemOutcome[];
  completedAt: Date;
}

/**
 * The push ledger, append-only. `${itemKey}:${seq}:pending` is inserted before a POST, `${itemKey}:${seq}`
 * (the pushed fact, with Personio's id) after it; seq 0 is the original, 1.. are corrections. A key not
 * known as pushed is reconciled against Personio before anything is posted.
 */
export interface LedgerDoc {
  _id: string;
  kind: 'pending' | 'pushed';
  itemKey: string;
  seq: number;
  companyId: string;
  period: string;
  personId: string;
  compensationTypeId: string;
  amountCents: number;
  currency: string;
  effectiveFrom: string;
  marker: string;
  syncId: string;
  personioCompensationId?: string;
  /** Pushed facts found in Personio by reconciliation rather than seen in a POST answer. */
  reconciled?: boolean;
  createdAt: Date;
}

export interface PayrollCollections {
  entrySets: Collection<PeriodEntrySetDoc>;
  entryChunks: Collection<PeriodEntryChunkDoc>;
  syncRuns: Collection<SyncRunDoc>;
  entryResults: Collection<SyncEntryResultDoc>;
  personMatches: Collection<SyncPersonMatchDoc>;
  chunkPlans: Collection<SyncChunkPlanDoc>;
  chunkResults: Collection<SyncChunkResultDoc>;
  ledger: Collection<LedgerDoc>;
}

export function payrollCollections(db: Db): PayrollCollections {
  return {
    entrySets: db.collection<PeriodEntrySetDoc>('period_entry_sets'),
    entryChunks: db.collection<PeriodEntryChunkDoc>('period_entry_chunks'),
    syncRuns: db.collection<SyncRunDoc>('sync_runs'),
    entryResults: db.collection<SyncEntryResultDoc>('sync_entry_results'),
    personMatches: db.collection<SyncPersonMatchDoc>('sync_person_matches'),
    chunkPlans: db.collection<SyncChunkPlanDoc>('sync_chunk_plans'),
    chunkResults: db.collection<SyncChunkResultDoc>('sync_chunk_results'),
    ledger: db.collection<LedgerDoc>('push_ledger'),
  };
}
