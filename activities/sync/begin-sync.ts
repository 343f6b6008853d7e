import { FailureType } from '../../contracts/failures.js';
import { ApplicationFailure } from '@temporalio/activity';
import { collections } from '../../db/collections.js';
import { payrollCollections } from '../../db/payroll-collections.js';
import type { PayrollSyncInput } from '../../contracts/sync.js';
import { readActiveEntrySet } from '../../payroll/entry-sets.js';
import type { ActivityDeps } from '../deps.js';
import { withHeartbeat } from './sync-context.js';

export type BeginSyncInput = PayrollSyncInput & { workflowId: string; runId: string };

export interface BeginSyncResult {
  entryCount: number;
}

export function createBeginSyncActivity(deps: ActivityDeps) {
  return {
    /** Records the run in the export log and pins the entry set it works on. Idempotent. */
    beginSync: (input: BeginSyncInput): Promise<BeginSyncResult> => withHeartbeat(() => beginSync(input)),
  };

  async function beginSync(input: BeginSyncInput): Promise<BeginSyncResult> {
    const company = await collections(deps.db).companies.findOne({ _id: input.companyId }, { projection: { _id: 1 } });
    if (!company) throw ApplicationFailure.nonRetryable(`Company ${input.companyId} does not exist`, FailureType.CompanyNotFound);
    const { syncRuns } = payrollCollections(deps.db);
    const existing = await syncRuns.findOne({ _id: input.syncId });
    if (existing?.entrySetId) return { entryCount: existing.entryCount ?? 0 };
    // The set is pinned at the start: entries replaced while the sync runs belong to the next run.
    const set = await readActiveEntrySet(deps.db, input.companyId, input.period);
    await syncRuns.updateOne(
      { _id: input.syncId },
      {
        $set: {
          workflowId: input.workflowId,
          runId: input.runId,
          status: 'running',
          progress: { phase: 'starting', chunksTotal: 0, chunksDone: 0, itemsTotal: 0, itemsDone: 0 },
          ...(set ? { entrySetId: set.setId, entryCount: set.entryCount, entryChunkCount: set.chunkCount, currency: set.currency } : { entryCount: 0 }),
        },
        $setOnInsert: {
          companyId: input.companyId,
          period: input.period,
          trigger: input.trigger,
          dryRun: input.dryRun,
          startedAt: new Date(),
          ...(input.retryOf ? { retryOf: input.retryOf } : {}),
        },
      },
      { upsert: true },
    );
    return { entryCount: set?.entryCount ?? 0 };
  }
}
