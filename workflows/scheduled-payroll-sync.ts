// Started by a company's monthly Temporal Schedule. It derives the period from the scheduled time and
// runs the canonical `payroll-sync:<companyId>:<period>` workflow as a child, so a scheduled and a manual
// run can never push the same period at once. A failed run is retried once after a pause, if configured.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ChildWorkflowFailure,
  ParentClosePolicy,
  executeChild,
  sleep,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { payrollSyncWorkflowId } from '../contracts/ids.js';
import type { ScheduledPayrollSyncInput, ScheduledPayrollSyncResult, ScheduledRunOutcome } from '../contracts/schedule.js';
import { COMPANY_ID, PAYROLL_PERIOD, SYNC_STATUS, TEMPORAL_SCHEDULED_START_TIME } from '../contracts/search-attributes.js';
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
      ],
    });
    return { outcome: 'ran', syncId, status: result.status, trigger };
  } catch (error) {
    // A manual (or earlier scheduled) sync of this period is running: it pushes, this run does not.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { outcome: 'skipped', reason: 'already_running', workflowId };
    if (error instanceof ChildWorkflowFailure) return { outcome: 'ran', syncId, status: 'failed', trigger };
    throw error;
  }
}

export async function scheduledPayrollSync(input: ScheduledPayrollSyncInput): Promise<ScheduledPayrollSyncResult> {
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(TEMPORAL_SCHEDULED_START_TIME) ?? info.startTime;
  const period = periodForScheduledTime(scheduledAt, input.timezone, input.period);
  const runs: ScheduledRunOutcome[] = [await runSync(input.companyId, period, 'schedule')];
  const first = runs[0];
  if (first?.outcome === 'ran' && first.status !== 'succeeded' && input.autoRetryAfterMinutes !== null) {
    await sleep(input.autoRetryAfterMinutes * 60_000);
    runs.push(await runSync(input.companyId, period, 'retry', first.syncId));
  }
  return { period, scheduledAt: scheduledAt.toISOString(), runs };
}
