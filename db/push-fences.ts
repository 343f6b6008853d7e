// Who may post to Personio: for a company's period the sync that claimed it last, for a chunk of a sync its newest
// attempt. Fences are generations — `${scope}:${generation}` documents taken by unique insert, never updated
// (FerretDB's conditional updates are not atomic; unique inserts are, there and on MongoDB). A holder of
// generation n is fenced off as soon as generation n + 1 exists; it marks n released (another insert) when none
// of its POSTs can still be on the wire.
import type { Db } from 'mongodb';
import { insertOnce, isDuplicateKey } from './insert-once.js';

interface FenceDoc {
  _id: string; // `${scope}:${generation}` or `${scope}:${generation}:released`
  scope: string;
  generation: number;
  /** Who took it (a sync id, or a workflow run and activity attempt); absent on a released marker. */
  holder?: string;
  released?: true;
  at: Date;
}

const fences = (db: Db) => db.collection<FenceDoc>('push_fences');

export const periodScope = (companyId: string, period: string) => `period:${companyId}:${period}`;
export const chunkScope = (syncId: string, chunkNo: number) => `chunk:${syncId}:${chunkNo}`;

export interface FenceTaken {
  generation: number;
  /** When a holder before this one had not released: its last POST may still land (the caller waits a grace). */
  previousUnreleasedAt?: Date;
  /** Whether any holder came before this one. */
  hadPredecessor: boolean;
}

/**
 * Takes the next generation of `scope` for `holder`, or answers the one it holds already (a retried step).
 * One `_id` range read and one insert: a racer that takes the same generation first pushes this one to the next.
 */
export async function takeFence(db: Db, scope: string, holder: string): Promise<FenceTaken> {
  for (;;) {
    const docs = await fences(db)
      .find({ _id: { $gt: `${scope}:`, $lt: `${scope};` } })
      .toArray();
    const taken = docs.filter((d) => !d.released).sort((a, b) => a.generation - b.generation);
    const released = new Set(docs.filter((d) => d.released).map((d) => d.generation));
    const last = taken.at(-1);
    if (last?.holder === holder) {
      const before = taken.at(-2);
      return { generation: last.generation, hadPredecessor: before !== undefined, ...(before && !released.has(before.generation) ? { previousUnreleasedAt: last.at } : {}) };
    }
    const generation = (last?.generation ?? 0) + 1;
    const at = new Date();
    try {
      await fences(db).insertOne({ _id: `${scope}:${generation}`, scope, generation, holder, at });
    } catch (error) {
      if (isDuplicateKey(error)) continue;
      throw error;
    }
    return { generation, hadPredecessor: last !== undefined, ...(last && !released.has(last.generation) ? { previousUnreleasedAt: at } : {}) };
  }
}

/** Whether generation `generation` of `scope` still holds it (no newer one was taken). */
export async function holdsFence(db: Db, scope: string, generation: number): Promise<boolean> {
  return (await fences(db).findOne({ _id: `${scope}:${generation + 1}` }, { projection: { _id: 1 } })) === null;
}

export async function releaseFence(db: Db, scope: string, generation: number): Promise<void> {
  await insertOnce(fences(db), [{ _id: `${scope}:${generation}:released`, scope, generation, released: true, at: new Date() }]);
}

/**
 * Whether the newest attempt of every chunk of a sync released its fence, so that none of the sync's POSTs can still
 * be on the wire (an older attempt's POSTs landed before its successor, which waited the grace, went on).
 */
export async function chunkFencesReleased(db: Db, syncId: string): Promise<boolean> {
  const docs = await fences(db)
    .find({ _id: { $gt: `chunk:${syncId}:`, $lt: `chunk:${syncId};` } })
    .toArray();
  const newest = new Map<string, number>();
  for (const d of docs) if (!d.released) newest.set(d.scope, Math.max(newest.get(d.scope) ?? 0, d.generation));
  const released = new Set(docs.filter((d) => d.released).map((d) => `${d.scope}:${d.generation}`));
  return [...newest].every(([scope, generation]) => released.has(`${scope}:${generation}`));
}

/** Drops the fences of a finished sync's chunks (housekeeping: nothing reads them any more). */
export async function forgetChunkFences(db: Db, syncId: string): Promise<void> {
  await fences(db).deleteMany({ _id: { $gt: `chunk:${syncId}:`, $lt: `chunk:${syncId};` } });
}
