// The request budgets of Personio credentials, shared by every worker process (personio/shared-budget.ts): one
// document per claimed block of a credential's time grid, written by a unique insert and never updated (FerretDB's
// conditional updates are not atomic; unique inserts are, there and on MongoDB).
import type { Db } from 'mongodb';
import type { BudgetStore } from '../personio/shared-budget.js';
import { insertOnce, isDuplicateKey } from './insert-once.js';

interface BudgetBlockDoc {
  _id: string; // `${clientId}:${blockIndex}`
  key: string;
  index: number;
  /** false: claimed for nobody during a 429's pause. */
  used: boolean;
  at: Date;
}

const blocks = (db: Db) => db.collection<BudgetBlockDoc>('personio_request_blocks');
const blockId = (key: string, index: number) => `${key}:${index}`;

export function createMongoBudgetStore(db: Db): BudgetStore {
  return {
    async claimBlock(key, index) {
      try {
        await blocks(db).insertOne({ _id: blockId(key, index), key, index, used: true, at: new Date() });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async blockRange(key, from, to) {
      const docs = Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => ({ _id: blockId(key, from + k), key, index: from + k, used: false, at: new Date() }));
      await insertOnce(blocks(db), docs);
    },
    async forgetBefore(key, index) {
      await blocks(db).deleteMany({ key, index: { $lt: index } });
    },
  };
}

export async function ensureRequestBudgetIndexes(db: Db): Promise<void> {
  await blocks(db).createIndex({ key: 1, index: 1 });
}
