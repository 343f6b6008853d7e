// A period's entries, stored atomically without transactions.
//
// Each PUT writes a NEW, immutable entry set: its entries go into chunk documents of ENTRY_CHUNK_SIZE
// (`period_entry_chunks`, `_id: ${setId}:${chunkNo}`, setId a fresh UUID). Only after every chunk is written
// is the period's pointer document (`period_entry_sets`, `_id: ${companyId}:${period}`) switched to the new
// set, in one single-document upsert. Readers only ever follow `activeSetId`, so:
// - a crash or failure while chunks are written leaves the old set active and intact (the new chunks are
//   orphans nobody reads);
// - two concurrent PUTs each write a complete set; the later pointer switch wins.
// Superseded sets are kept, never deleted: a running sync holds the setId it started with and keeps reading
// that set's chunks. (Nothing cleans them up yet; a cleanup must spare sets referenced by sync runs.)
// Chunk N holds the entries at positions N*ENTRY_CHUNK_SIZE … N*ENTRY_CHUNK_SIZE+ENTRY_CHUNK_SIZE-1, and an
// entry's `index` is its position, so the page reader can go straight to the right chunks.
import type { Collection, Db } from 'mongodb';
import { randomUUID } from 'node:crypto';
import type { PeriodEntry } from '../payroll/entries.js';

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

export function entrySetCollections(db: Db): { entrySets: Collection<PeriodEntrySetDoc>; entryChunks: Collection<PeriodEntryChunkDoc> } {
  return {
    entrySets: db.collection<PeriodEntrySetDoc>('period_entry_sets'),
    entryChunks: db.collection<PeriodEntryChunkDoc>('period_entry_chunks'),
  };
}

export async function ensureEntrySetIndexes(db: Db): Promise<void> {
  await entrySetCollections(db).entryChunks.createIndex({ setId: 1, chunkNo: 1 });
}

export interface ActiveEntrySet {
  setId: string;
  entryCount: number;
  chunkCount: number;
  currency: string;
}

export interface StoredEntrySet extends ActiveEntrySet {
  updatedAt: Date;
}

export const entrySetDocId = (companyId: string, period: string): string => `${companyId}:${period}`;
export const entryChunkDocId = (setId: string, chunkNo: number): string => `${setId}:${chunkNo}`;

/** Chunks written per insertMany call (ENTRY_CHUNK_SIZE entries each), to keep each write small. */
const CHUNKS_PER_WRITE = 10;

/**
 * Writes the chunks of a new entry set and returns its id; does NOT make it active (see activateEntrySet).
 * On its own this is the first half of storeEntrySet: chunks written here are invisible until the switch.
 */
export async function writeEntryChunks(
  db: Db,
  companyId: string,
  period: string,
  entries: readonly PeriodEntry[],
  setId: string = randomUUID(),
): Promise<{ setId: string; chunkCount: number }> {
  const { entryChunks } = entrySetCollections(db);
  const chunkCount = Math.ceil(entries.length / ENTRY_CHUNK_SIZE);
  const createdAt = new Date();
  for (let first = 0; first < chunkCount; first += CHUNKS_PER_WRITE) {
    const docs: PeriodEntryChunkDoc[] = [];
    for (let chunkNo = first; chunkNo < Math.min(first + CHUNKS_PER_WRITE, chunkCount); chunkNo += 1) {
      docs.push({
        _id: entryChunkDocId(setId, chunkNo),
        setId,
        companyId,
        period,
        chunkNo,
        entries: entries.slice(chunkNo * ENTRY_CHUNK_SIZE, (chunkNo + 1) * ENTRY_CHUNK_SIZE),
        createdAt,
      });
    }
    await entryChunks.insertMany(docs, { ordered: true });
  }
  return { setId, chunkCount };
}

/** Points the period at a fully written set: one single-document upsert, the commit point of a PUT. */
export async function activateEntrySet(db: Db, companyId: string, period: string, set: ActiveEntrySet): Promise<StoredEntrySet> {
  const updatedAt = new Date();
  await entrySetCollections(db).entrySets.updateOne(
    { _id: entrySetDocId(companyId, period) },
    {
      $set: {
        companyId,
        period,
        activeSetId: set.setId,
        entryCount: set.entryCount,
        chunkCount: set.chunkCount,
        currency: set.currency,
        updatedAt,
      },
    },
    { upsert: true },
  );
  return { ...set, updatedAt };
}

/**
 * Replaces the period's entries with `entries` (already validated, `index` = position): writes the new
 * set's chunks, then switches the pointer. An empty list stores an empty active set, which clears the period.
 */
export async function storeEntrySet(
  db: Db,
  companyId: string,
  period: string,
  entries: readonly PeriodEntry[],
  currency: string,
): Promise<StoredEntrySet> {
  const { setId, chunkCount } = await writeEntryChunks(db, companyId, period, entries);
  return activateEntrySet(db, companyId, period, { setId, entryCount: entries.length, chunkCount, currency });
}

/** The set the period's readers must use, or undefined when no entries were ever stored for it. */
export async function readActiveEntrySet(db: Db, companyId: string, period: string): Promise<StoredEntrySet | undefined> {
  const doc = await entrySetCollections(db).entrySets.findOne({ _id: entrySetDocId(companyId, period) });
  if (!doc) return undefined;
  return { setId: doc.activeSetId, entryCount: doc.entryCount, chunkCount: doc.chunkCount, currency: doc.currency, updatedAt: doc.updatedAt };
}

/** The entries of one chunk of a set. Throws when the chunk does not exist (a chunkNo ≥ chunkCount, or lost data). */
export async function readEntryChunk(db: Db, setId: string, chunkNo: number): Promise<PeriodEntry[]> {
  const doc = await entrySetCollections(db).entryChunks.findOne({ _id: entryChunkDocId(setId, chunkNo) }, { projection: { entries: 1 } });
  if (!doc) throw new Error(`entry chunk ${chunkNo} of set ${setId} does not exist`);
  return doc.entries;
}

/** Every entry of a set in index order, one chunk in memory at a time. */
export async function* iterateEntries(db: Db, setId: string, chunkCount: number): AsyncGenerator<PeriodEntry, void, undefined> {
  for (let chunkNo = 0; chunkNo < chunkCount; chunkNo += 1) {
    yield* await readEntryChunk(db, setId, chunkNo);
  }
}

/** The entries at positions offset … offset+limit-1 of a set of `entryCount` entries (at most two chunks for limit ≤ 1000). */
export async function readEntryPage(db: Db, set: Pick<ActiveEntrySet, 'setId' | 'entryCount'>, offset: number, limit: number): Promise<PeriodEntry[]> {
  const end = Math.min(offset + limit, set.entryCount);
  if (limit <= 0 || offset >= end) return [];
  const firstChunk = Math.floor(offset / ENTRY_CHUNK_SIZE);
  const lastChunk = Math.floor((end - 1) / ENTRY_CHUNK_SIZE);
  const page: PeriodEntry[] = [];
  for (let chunkNo = firstChunk; chunkNo <= lastChunk; chunkNo += 1) {
    const chunk = await readEntryChunk(db, set.setId, chunkNo);
    const base = chunkNo * ENTRY_CHUNK_SIZE;
    page.push(...chunk.slice(Math.max(offset - base, 0), end - base));
  }
  return page;
}
