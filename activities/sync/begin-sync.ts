import { FailureType } from '../../contracts/failures.js';
import { ApplicationFailure } from '@temporalio/activity';
import { APPROVAL_DEFAULTS, companyCollections } from '../../db/companies.js';
import { cutoffPassesAt, isPastCutoff } from '../../payroll/cutoff.js';
import { findRun, recordRunBegun, savePeriodFence } from '../../db/sync-runs.js';
import type { ApprovalPolicy, PayrollSyncInput } from '../../contracts/sync.js';

const HOUR_MS = 3_600_000;
import { readActiveEntrySet } from '../../db/entry-sets.js';
import { periodScope, takeFence } from '../../db/push-fences.js';
import type { ActivityDeps } from '../deps.js';

export type BeginSyncInput = PayrollSyncInput & { workflowId: string; runId: string };

export interface BeginSyncResult {
  entryCount: number;
  /** The company requires approval (a real sync only): the sync previews and waits; nothing is fenced or written before. */
  approval?: ApprovalPolicy;
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
    const company = await companyCollections(deps.db).companies.findOne(
      { _id: input.companyId },
      { projection: { _id: 1, approval: 1, approvalReminderAfterHours: 1, approvalExpiresAfterHours: 1, payrollCutoffDay: 1, timezone: 1 } },
    );
    if (!company) throw ApplicationFailure.nonRetryable(`Company ${input.companyId} does not exist`, FailureType.CompanyNotFound);
    const existing = await findRun(deps.db, input.syncId);
    // The API checks the cut-off before it records a sync (and lets a person allow a late export); a sync that nothing
    // recorded before was started by a schedule (a late catch-up run, or its automatic retry): it may not export late.
    if (!existing && !input.dryRun && isPastCutoff(input.period, company.payrollCutoffDay, company.timezone, new Date())) {
      const closedAt = cutoffPassesAt(input.period, company.payrollCutoffDay as number, company.timezone);
      // Recorded first, so that the export log shows the refused run with its reason.
      await recordRunBegun(deps.db, input, await readActiveEntrySet(deps.db, input.companyId, input.period));
      throw ApplicationFailure.nonRetryable(
        `The payroll of ${input.period} closed on ${closedAt.toISOString()} (cut-off day ${company.payrollCutoffDay}): a scheduled run does not export it late; start it from the API with allowAfterCutoff to do so.`,
        FailureType.PayrollPeriodClosed,
      );
    }
    let entryCount = existing?.entryCount ?? 0;
    if (!existing?.entrySetId) {
      // The set is pinned at the start: entries replaced while the sync runs belong to the next run.
      const set = await readActiveEntrySet(deps.db, input.companyId, input.period);
      await recordRunBegun(deps.db, input, set);
      entryCount = set?.entryCount ?? 0;
    }
    const approval: ApprovalPolicy | undefined =
      company.approval === 'required' && !input.dryRun
        ? {
            reminderAfterMs: (company.approvalReminderAfterHours ?? APPROVAL_DEFAULTS.reminderAfterHours) * HOUR_MS,
            expiresAfterMs: (company.approvalExpiresAfterHours ?? APPROVAL_DEFAULTS.expiresAfterHours) * HOUR_MS,
          }
        : undefined;
    // The period is this sync's from now on: an older sync of it (stopped without finishing) may post no more.
    // A sync awaiting approval takes it when approved (applyApproval): until then it may never write.
    if (!input.dryRun && !approval && !existing?.periodFence) await claimPeriodFor(input);
    return { entryCount, ...(approval ? { approval } : {}) };
  }
}
