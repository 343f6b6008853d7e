// A sync's working documents: its employee lookups, the planned push chunks and their outcomes.
//
// Hot-path documents are written once and read by _id only: FerretDB (the local and CI MongoDB) scans a
// collection for any other query or update, so "insert, never update" keeps a 10,000-item sync fast there.
// Production MongoDB is just as happy with it.
import type { Collection, Db } from 'mongodb';
import type { ItemLedger, PushStatus } from '../payroll/reconcile.js';
import { insertOnce } from './insert-once.js';

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
  /** What earlier syncs recorded in the ledger for this item, read once when the sync planned (absent: nothing). */
  ledger?: ItemLedger;
}

export type ItemStatus = PushStatus;

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

export function syncWorkCollections(db: Db): {
  personMatches: Collection<SyncPersonMatchDoc>;
  chunkPlans: Collection<SyncChunkPlanDoc>;
  chunkResults: Collection<SyncChunkResultDoc>;
} {
  return {
    personMatches: db.collection<SyncPersonMatchDoc>('sync_person_matches'),
    chunkPlans: db.collection<SyncChunkPlanDoc>('sync_chunk_plans'),
    chunkResults: db.collection<SyncChunkResultDoc>('sync_chunk_results'),
  };
}

export async function ensureSyncWorkIndexes(db: Db): Promise<void> {
  await syncWorkCollections(db).personMatches.createIndex({ syncId: 1 });
}

export const chunkDocId = (syncId: string, chunkNo: number) => `${syncId}:${chunkNo}`;

export async function savePersonMatches(db: Db, matches: SyncPersonMatchDoc[]): Promise<void> {
  await insertOnce(syncWorkCollections(db).personMatches, matches);
}

export async function saveChunkPlans(db: Db, plans: SyncChunkPlanDoc[]): Promise<void> {
  await insertOnce(syncWorkCollections(db).chunkPlans, plans, 100);
}

/** Written once, when the chunk is done: a redone chunk keeps the first result. */
export async function saveChunkResult(db: Db, result: SyncChunkResultDoc): Promise<void> {
  await insertOnce(syncWorkCollections(db).chunkResults, [result]);
}
