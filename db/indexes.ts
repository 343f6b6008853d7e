// Every index the service relies on, from each aggregate's own module. Idempotent: safe on every start.
import type { Db } from 'mongodb';
import { ensureEntrySetIndexes } from './entry-sets.js';
import { ensureLedgerIndexes } from './ledger.js';
import { ensureRequestBudgetIndexes } from './request-budgets.js';
import { ensureSyncRunIndexes } from './sync-runs.js';
import { ensureSyncWorkIndexes } from './sync-work.js';
import { ensureWebhookIndexes } from './webhooks.js';

export async function ensureIndexes(db: Db): Promise<void> {
  await Promise.all([ensureEntrySetIndexes(db), ensureSyncRunIndexes(db), ensureSyncWorkIndexes(db), ensureLedgerIndexes(db), ensureRequestBudgetIndexes(db), ensureWebhookIndexes(db)]);
}
