// The push ledger: what was posted to Personio, append-only, read and written by _id only, with the markers that
// tell whether a chunk's items can have a ledger at all.
import type { Collection, Db } from 'mongodb';
import { markerOf } from '../payroll/item-key.js';
import type { ItemLedger } from '../payroll/reconcile.js';
import { insertOnce } from './insert-once.js';
import type { SyncItem } from './sync-work.js';

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

export const ledgerCollection = (db: Db): Collection<LedgerDoc> => db.collection<LedgerDoc>('push_ledger');

export const pushedId = (itemKey: string, seq: number) => `${itemKey}:${seq}`;
export const pendingId = (itemKey: string, seq: number) => `${itemKey}:${seq}:pending`;

export interface LedgerContext {
  syncId: string;
  companyId: string;
  period: string;
  /** Set once the period marker is known to exist, so an activity writes it at most once. */
  periodMarked?: boolean;
}

/** Sequence numbers asked for per round: the original and up to two corrections are one query. */
const SEQS_PER_ROUND = 3;

/** Which sync first wrote to the ledger of a company's period (write-once). */
interface LedgerPeriodDoc {
  _id: string; // `${companyId}:${period}`
  firstSyncId: string;
  createdAt: Date;
}

/** A push chunk that has begun posting (write-once, before its first pending record). */
interface ChunkStartDoc {
  _id: string; // `${syncId}:${chunkNo}`
  createdAt: Date;
}

const periodMarkers = (db: Db) => db.collection<LedgerPeriodDoc>('push_ledger_periods');
const chunkStarts = (db: Db) => db.collection<ChunkStartDoc>('push_chunk_starts');

async function markPeriod(db: Db, ctx: LedgerContext): Promise<void> {
  if (ctx.periodMarked) return;
  await insertOnce(periodMarkers(db), [{ _id: `${ctx.companyId}:${ctx.period}`, firstSyncId: ctx.syncId, createdAt: new Date() }]);
  ctx.periodMarked = true;
}

/**
 * Whether the chunk's items can have no ledger at all: nothing was ever posted for the period by an
 * earlier sync, and this chunk has not begun posting before (a retried or reset attempt has).
 */
async function ledgerCertainlyEmpty(db: Db, ctx: LedgerContext, chunkId: string): Promise<boolean> {
  const marker = await periodMarkers(db).findOne({ _id: `${ctx.companyId}:${ctx.period}` });
  if (!marker) return true;
  ctx.periodMarked = true;
  if (marker.firstSyncId !== ctx.syncId) return false;
  return !(await chunkStarts(db).findOne({ _id: chunkId }));
}

/** Called once before a chunk's first pending record. */
export async function markChunkStarted(db: Db, chunkId: string): Promise<void> {
  await insertOnce(chunkStarts(db), [{ _id: chunkId, createdAt: new Date() }]);
}

/**
 * The ledgers of a chunk's items, in one query per round instead of one per document: on FerretDB a
 * lookup that finds nothing scans the collection, so per-document probing of new items would be slow.
 * Items that cannot have a ledger yet (see ledgerCertainlyEmpty) skip the query.
 */
export async function readChunkLedgers(db: Db, ctx: LedgerContext, chunkId: string, items: SyncItem[]): Promise<ItemLedger[]> {
  const ledgers: ItemLedger[] = items.map(() => ({ pushed: [] }));
  if (await ledgerCertainlyEmpty(db, ctx, chunkId)) return ledgers;
  const ledger = ledgerCollection(db);
  let open = items.map((_, index) => index);
  for (let first = 0; open.length > 0; first += SEQS_PER_ROUND) {
    const ids = open.flatMap((index) =>
      Array.from({ length: SEQS_PER_ROUND }, (_, k) => [pushedId((items[index] as SyncItem).itemKey, first + k), pendingId((items[index] as SyncItem).itemKey, first + k)]).flat(),
    );
    const found = new Map((await ledger.find({ _id: { $in: ids } }).toArray()).map((doc) => [doc._id, doc]));
    const stillOpen: number[] = [];
    for (const index of open) {
      const item = items[index] as SyncItem;
      const itemLedger = ledgers[index] as ItemLedger;
      let seq = first;
      for (; seq < first + SEQS_PER_ROUND; seq++) {
        const fact = found.get(pushedId(item.itemKey, seq));
        if (!fact) break;
        itemLedger.pushed.push({ seq, amountCents: fact.amountCents, personioCompensationId: fact.personioCompensationId ?? '', syncId: fact.syncId });
      }
      if (seq === first + SEQS_PER_ROUND) {
        stillOpen.push(index);
        continue;
      }
      const pending = found.get(pendingId(item.itemKey, seq));
      if (pending) itemLedger.pending = { seq, amountCents: pending.amountCents, syncId: pending.syncId };
    }
    open = stillOpen;
  }
  return ledgers;
}

function ledgerDoc(ctx: LedgerContext, item: SyncItem, kind: LedgerDoc['kind'], seq: number, amountCents: number, extra: Partial<LedgerDoc> = {}): LedgerDoc {
  return {
    _id: kind === 'pushed' ? pushedId(item.itemKey, seq) : pendingId(item.itemKey, seq),
    kind,
    itemKey: item.itemKey,
    seq,
    companyId: ctx.companyId,
    period: ctx.period,
    personId: item.personId,
    compensationTypeId: item.compensationTypeId,
    amountCents,
    currency: item.currency,
    effectiveFrom: item.effectiveFrom,
    marker: markerOf(item.itemKey, seq),
    syncId: ctx.syncId,
    createdAt: new Date(),
    ...extra,
  };
}

export interface PendingPost {
  item: SyncItem;
  seq: number;
  amountCents: number;
}

export interface PushedFact {
  item: SyncItem;
  seq: number;
  amountCents: number;
  personioCompensationId: string;
  reconciled?: boolean;
}

/**
 * Written before the POSTs: proof that a post of this seq may exist in Personio without an answer here.
 * Must be durable before the first POST of the batch.
 */
export async function recordPending(db: Db, ctx: LedgerContext, posts: PendingPost[]): Promise<void> {
  if (posts.length === 0) return;
  await markPeriod(db, ctx);
  await insertOnce(ledgerCollection(db), posts.map((post) => ledgerDoc(ctx, post.item, 'pending', post.seq, post.amountCents)));
}

/**
 * Pushed facts may be written late (in one batch): until they are, the pending record makes the next
 * attempt reconcile against Personio, so a crash in between costs a listing, never a second payment.
 */
export async function recordPushed(db: Db, ctx: LedgerContext, facts: PushedFact[]): Promise<void> {
  if (facts.length === 0) return;
  await markPeriod(db, ctx);
  await insertOnce(
    ledgerCollection(db),
    facts.map((fact) =>
      ledgerDoc(ctx, fact.item, 'pushed', fact.seq, fact.amountCents, { personioCompensationId: fact.personioCompensationId, ...(fact.reconciled ? { reconciled: true } : {}) }),
    ),
  );
}

export async function ensureLedgerIndexes(db: Db): Promise<void> {
  await ledgerCollection(db).createIndex({ companyId: 1, period: 1 });
}

/** Every ledger document of a company's period (tests and drills compare it with Personio). */
export async function readPeriodLedger(db: Db, companyId: string, period: string): Promise<LedgerDoc[]> {
  return ledgerCollection(db).find({ companyId, period }).toArray();
}
