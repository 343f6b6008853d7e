import { FailureType } from '../../contracts/failures.js';
import { ApplicationFailure } from '@temporalio/activity';
import { companyCollections } from '../../db/companies.js';
import { findRun, recordRunBegun, savePeriodFence } from '../../db/sync-runs.js';
import type { PayrollSyncInput } from '../../contracts/sync.js';
import { readActiveEntrySet } from '../../db/entry-sets.js';
import { periodScope, takeFence } from '../../db/push-fences.js';
import type { ActivityDeps } from '../deps.js';

export type BeginSyncInput = PayrollSyncInput & { workflowId: string; runId: string };

export interface BeginSyncResult {
  entryCount: number;
}

export function createBeginSyncActivity(deps: ActivityDeps) {
  return {
    /** Records the run in the export log and pins the entry set it works on. Idempotent. */
    beginSync: (input: BeginSyncInput): Promise<BeginSyncResult> => beginSync(input),
  };

  async function claimPeriodFor(input: BeginSyncInput): Promise<void> {
    await savePeriodFence(deps.db, input.syncId, await takeFence(deps.db, periodScope(input.companyId, input.period), input.syncId));
  }

  async function beginSync(input: BeginSyncInput): Promise<BeginSyncResult> {
    const company = await companyCollections(deps.db).companies.findOne({ _id: input.companyId }, { projection: { _id: 1 } });
    if (!company) throw ApplicationFailure.nonRetryable(`Company ${input.companyId} does not exist`, FailureType.CompanyNotFound);
    const existing = await findRun(deps.db, input.syncId);
    let entryCount = existing?.entryCount ?? 0;
    if (!existing?.entrySetId) {
      // The set is pinned at the start: entries replaced while the sync runs belong to the next run.
      const set = await readActiveEntrySet(deps.db, input.companyId, input.period);
      await recordRunBegun(deps.db, input, set);
      entryCount = set?.entryCount ?? 0;
    }
    // The period is this sync's from now on: an older sync of it (stopped without finishing) may post no more.
    if (!input.dryRun && !existing?.periodFence) await claimPeriodFor(input);
    return { entryCount };
  }
}
