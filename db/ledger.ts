// The push ledger: what this service posted to Personio, append-only and write-once. One document per chunk attempt
// and kind — the posts about to be made (`pending`, durable before the first POST), the posts Personio answered
// (`pushed`), the posts found in Personio although no answer was recorded (`reconciled`) — so a chunk costs a few
// documents, not two per item. A sync reads what earlier syncs recorded for its period once, when it plans; a
// chunk attempt reads what earlier attempts of the same chunk recorded only when there were any.
import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { markerOf } from '../payroll/item-key.js';
import type { ItemLedger } from '../payroll/reconcile.js';
import { insertOnce } from './insert-once.js';
import type { SyncItem } from './sync-work.js';

export interface LedgerEntry {
  itemKey: string;
  /** 0 the original, 1.. corrections. */
  seq: number;
  amountCents: number;
  /** The marker in the compensation's comment. */
  marker: string;
  personId: string;
  compensationTypeId: string;
  /** Personio's id (pushed and reconciled entries). */
  personioCompensationId?: string;
}

export interface LedgerBatchDoc {
  _id: string; // `${syncId}:${chunkNo}:${kind}:${writeId}`
  kind: 'pending' | 'pushed' | 'reconciled';
  companyId: string;
  period: string;
  syncId: string;
  chunkNo: number;
  entries: LedgerEntry[];
  createdAt: Date;
}

/** The per-item documents of earlier versions (`${itemKey}:${seq}` pushed, `…:pending`): still read, never written. */
interface LegacyLedgerDoc {
  _id: string;
  kind: 'pending' | 'pushed';
  itemKey: string;
  seq: number;
  companyId: string;
  period: string;
  amountCents: number;
  syncId: string;
  personioCompensationId?: string;
}

type LedgerDoc = LedgerBatchDoc | LegacyLedgerDoc;

export const ledgerCollection = (db: Db): Collection<LedgerDoc> => db.collection<LedgerDoc>('push_ledger');

export async function ensureLedgerIndexes(db: Db): Promise<void> {
  await ledgerCollection(db).createIndex({ companyId: 1, period: 1 });
}

/** What the ledger documents say about each item: pushed facts, and the newest post that may lack an answer. */
export function ledgersOf(docs: readonly LedgerDoc[]): Map<string, ItemLedger> {
  const facts = new Map<string, { pushed: Map<number, ItemLedger['pushed'][number]>; pending: NonNullable<ItemLedger['pending']>[] }>();
  const of = (itemKey: string) => {
    let f = facts.get(itemKey);
    if (!f) facts.set(itemKey, (f = { pushed: new Map(), pending: [] }));
    return f;
  };
  for (const doc of docs) {
    const entries = 'entries' in doc ? doc.entries.map((e) => ({ ...e, kind: doc.kind })) : [{ ...doc, kind: doc.kind }];
    for (const entry of entries) {
      const f = of(entry.itemKey);
      if (entry.kind === 'pending') f.pending.push({ seq: entry.seq, amountCents: entry.amountCents, syncId: doc.syncId });
      else if (entry.personioCompensationId !== undefined && !f.pushed.has(entry.seq)) {
        f.pushed.set(entry.seq, { seq: entry.seq, amountCents: entry.amountCents, personioCompensationId: entry.personioCompensationId, syncId: doc.syncId });
      }
    }
  }
  const ledgers = new Map<string, ItemLedger>();
  for (const [itemKey, f] of facts) {
    const pushed = [...f.pushed.values()].sort((a, b) => a.seq - b.seq);
    const unanswered = f.pending.filter((p) => !f.pushed.has(p.seq)).sort((a, b) => b.seq - a.seq)[0];
    ledgers.set(itemKey, { pushed, ...(unanswered ? { pending: unanswered } : {}) });
  }
  return ledgers;
}

/** Everything recorded for a company's period, by item: one query, made once per sync when it plans. */
export async function readPeriodLedgers(db: Db, companyId: string, period: string): Promise<Map<string, ItemLedger>> {
  return ledgersOf(await ledgerCollection(db).find({ companyId, period }).toArray());
}

/** What earlier attempts of a chunk of this sync recorded (one `_id` range read). */
export async function readChunkRecords(db: Db, syncId: string, chunkNo: number): Promise<LedgerDoc[]> {
  return ledgerCollection(db)
    .find({ _id: { $gt: `${syncId}:${chunkNo}:`, $lt: `${syncId}:${chunkNo};` } })
    .toArray();
}

/** An item's ledger: what the plan knew of earlier syncs, plus what earlier attempts of this chunk recorded. */
export function itemLedger(planned: ItemLedger | undefined, ownRecords: Map<string, ItemLedger>, itemKey: string): ItemLedger {
  const own = ownRecords.get(itemKey);
  if (!own) return planned ?? { pushed: [] };
  if (!planned) return own;
  const pushed = new Map([...planned.pushed, ...own.pushed].map((p) => [p.seq, p]));
  const pending = [planned.pending, own.pending].filter((p): p is NonNullable<ItemLedger['pending']> => p !== undefined && !pushed.has(p.seq)).sort((a, b) => b.seq - a.seq)[0];
  return { pushed: [...pushed.values()].sort((a, b) => a.seq - b.seq), ...(pending ? { pending } : {}) };
}

export interface LedgerContext {
  syncId: string;
  companyId: string;
  period: string;
  chunkNo: number;
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

async function writeBatch(db: Db, ctx: LedgerContext, kind: LedgerBatchDoc['kind'], entries: LedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const doc: LedgerBatchDoc = {
    // A fresh id per write: a redone attempt (a reset workflow) never collides with what an earlier one wrote.
    _id: `${ctx.syncId}:${ctx.chunkNo}:${kind}:${randomUUID()}`,
    kind,
    companyId: ctx.companyId,
    period: ctx.period,
    syncId: ctx.syncId,
    chunkNo: ctx.chunkNo,
    entries,
    createdAt: new Date(),
  };
  await insertOnce(ledgerCollection(db), [doc]);
}

const entryOf = (item: SyncItem, seq: number, amountCents: number, personioCompensationId?: string): LedgerEntry => ({
  itemKey: item.itemKey,
  seq,
  amountCents,
  marker: markerOf(item.itemKey, seq),
  personId: item.personId,
  compensationTypeId: item.compensationTypeId,
  ...(personioCompensationId !== undefined ? { personioCompensationId } : {}),
});

/**
 * Written before the POSTs: proof that a post of this seq may exist in Personio without an answer here.
 * Must be durable before the first POST of the batch.
 */
export async function recordPending(db: Db, ctx: LedgerContext, posts: PendingPost[]): Promise<void> {
  await writeBatch(db, ctx, 'pending', posts.map((post) => entryOf(post.item, post.seq, post.amountCents)));
}

/**
 * Pushed facts may be written late (in one batch): until they are, the pending record makes the next
 * attempt reconcile against Personio, so a crash in between costs a listing, never a second payment.
 */
export async function recordPushed(db: Db, ctx: LedgerContext, facts: PushedFact[]): Promise<void> {
  const [answered, found] = [facts.filter((f) => !f.reconciled), facts.filter((f) => f.reconciled)];
  await writeBatch(db, ctx, 'pushed', answered.map((f) => entryOf(f.item, f.seq, f.amountCents, f.personioCompensationId)));
  await writeBatch(db, ctx, 'reconciled', found.map((f) => entryOf(f.item, f.seq, f.amountCents, f.personioCompensationId)));
}
