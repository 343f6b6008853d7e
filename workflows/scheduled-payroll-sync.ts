// Started by a company's monthly Temporal Schedule. It derives the period from the scheduled time and
// runs the canonical `payroll-sync:<companyId>:<period>` workflow as a child, so a scheduled and a manual
// run can never push the same period at once. A failed run is retried once after a pause, if configured.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { CancelledFailure, TerminatedFailure } from '@temporalio/common';
import {
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  executeChild,
  patched,
  setHandler,
  sleep,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { payrollSyncWorkflowId } from '../contracts/ids.js';
import { cancelAutomaticRetrySignal, type AutomaticRetryNotRun, type ScheduledPayrollSyncInput, type ScheduledPayrollSyncResult, type ScheduledRunOutcome } from '../contracts/schedule.js';
import { COMPANY_ID, DRY_RUN, PAYROLL_PERIOD, SYNC_STATUS, TEMPORAL_SCHEDULED_START_TIME } from '../contracts/search-attributes.js';
import { syncWorkflowSummary } from '../contracts/temporal-ui.js';
import type { SyncTrigger } from '../contracts/sync.js';
import { periodForScheduledTime } from '../payroll/schedule-period.js';
import { payrollSync } from './payroll-sync.js';

async function runSync(companyId: string, period: string, trigger: SyncTrigger, retryOf?: string): Promise<ScheduledRunOutcome> {
  const syncId = uuid4();
  const workflowId = payrollSyncWorkflowId(companyId, period);
  try {
    const result = await executeChild(payrollSync, {
      workflowId,
      args: [{ syncId, companyId, period, trigger, dryRun: false, ...(retryOf ? { retryOf } : {}) }],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      parentClosePolicy: ParentClosePolicy.ABANDON,
      memo: { syncId },
      typedSearchAttributes: [
        { key: COMPANY_ID, value: companyId },
        { key: PAYROLL_PERIOD, value: period },
        { key: SYNC_STATUS, value: 'running' },
        { key: DRY_RUN, value: false },
      ],
      // The entry count is not known here; the sync's current details show it once it has begun.
      staticSummary: syncWorkflowSummary({ companyId, period, dryRun: false, trigger }),
    });
    return { outcome: 'ran', syncId, status: result.status, trigger };
  } catch (error) {
    // A manual (or earlier scheduled) sync of this period is running: it pushes, this run does not.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { outcome: 'skipped', reason: 'already_running', workflowId };
    if (error instanceof ChildWorkflowFailure) {
      // Terminated or cancelled: an operator stopped it on purpose, and it must not come back by itself.
      const stoppedBy = error.cause instanceof TerminatedFailure ? 'terminated' : error.cause instanceof CancelledFailure ? 'cancelled' : undefined;
      return { outcome: 'ran', syncId, status: 'failed', trigger, ...(stoppedBy ? { stoppedBy } : {}) };
    }
    throw error;
  }
}

/** Patches of this workflow's commands: histories begun before a patch replay its old branch. */
const PATCH_RETRY_ONLY_FAILURES = 'retry-only-failures-and-cancellable-retry';

export async function scheduledPayrollSync(input: ScheduledPayrollSyncInput): Promise<ScheduledPayrollSyncResult> {
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(TEMPORAL_SCHEDULED_START_TIME) ?? info.startTime;
  const period = periodForScheduledTime(scheduledAt, input.timezone, input.period);
  let retryCancelledBy: AutomaticRetryNotRun | undefined;
  setHandler(cancelAutomaticRetrySignal, ({ reason }) => {
    retryCancelledBy ??= reason;
  });
  const runs: ScheduledRunOutcome[] = [await runSync(input.companyId, period, 'schedule')];
  const first = runs[0];
  const result = { period, scheduledAt: scheduledAt.toISOString(), runs };
  // Only a failed or partially failed run is retried: a rejected or expired one was a person's decision (or none).
  if (first?.outcome !== 'ran' || (first.status !== 'failed' && first.status !== 'partially_failed') || input.autoRetryAfterMinutes === null) return result;
  const pause = input.autoRetryAfterMinutes * 60_000;
  if (!patched(PATCH_RETRY_ONLY_FAILURES)) {
    await sleep(pause);
  } else {
    if (first.stoppedBy) return { ...result, automaticRetry: 'sync_stopped' };
    // The schedule being paused or deleted meanwhile ends the wait (api/payroll-schedules.ts sends the signal).
    if (await condition(() => retryCancelledBy !== undefined, pause)) return { ...result, automaticRetry: retryCancelledBy ?? 'schedule_deleted' };
  }
  runs.push(await runSync(input.companyId, period, 'retry', first.syncId));
  return result;
}
