import type { Db } from 'mongodb';
import { payrollCollections } from './payroll-collections.js';

/** Creates every index the service relies on. Idempotent: safe on every start. */
export async function ensureIndexes(db: Db): Promise<void> {
  const p = payrollCollections(db);
  await Promise.all([
    p.entryChunks.createIndex({ setId: 1, chunkNo: 1 }),
    p.syncRuns.createIndex({ companyId: 1, startedAt: -1 }),
    p.syncRuns.createIndex({ status: 1, startedAt: -1 }),
    p.entryResults.createIndex({ syncId: 1, index: 1 }),
    p.entryResults.createIndex({ syncId: 1, itemKey: 1 }),
    p.personMatches.createIndex({ syncId: 1 }),
    p.ledger.createIndex({ companyId: 1, period: 1 }),
  ]);
}
