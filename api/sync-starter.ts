// Starts a payroll sync: the export-log entry first, then the workflow under the per-period lock.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { dryRunWorkflowId, payrollSyncWorkflowId, WORKFLOW_TYPES } from '../contracts/ids.js';
import { COMPANY_ID, DRY_RUN, PAYROLL_PERIOD, SYNC_STATUS } from '../contracts/search-attributes.js';
import type { PayrollSyncInput, PayrollSyncResult, SyncTrigger, SyncTuning } from '../contracts/sync.js';
import { syncWorkflowSummary } from '../contracts/temporal-ui.js';
import { readActiveEntrySet } from '../db/entry-sets.js';
import { deleteStartingRun, findRunningRun, insertStartingRun, setRunId } from '../db/sync-runs.js';

export interface StartSyncRequest {
  companyId: string;
  period: string;
  dryRun: boolean;
  trigger: SyncTrigger;
  retryOf?: string;
  pastCutoff?: boolean;
  actor?: string;
}

export type StartSyncOutcome =
  | { started: true; syncId: string; workflowId: string; runId: string }
  | { started: false; workflowId: string; runningSyncId?: string };

export async function startPayrollSync(deps: { db: Db; temporal: Client; taskQueue: string; syncTuning?: SyncTuning }, request: StartSyncRequest): Promise<StartSyncOutcome> {
  const syncId = randomUUID();
  const workflowId = request.dryRun ? dryRunWorkflowId(request.companyId, request.period) : payrollSyncWorkflowId(request.companyId, request.period);
  await insertStartingRun(deps.db, {
    _id: syncId,
    companyId: request.companyId,
    period: request.period,
    trigger: request.trigger,
    dryRun: request.dryRun,
    workflowId,
    ...(request.retryOf ? { retryOf: request.retryOf } : {}),
    ...(request.pastCutoff ? { pastCutoff: true } : {}),
    ...(request.actor ? { startedBy: request.actor } : {}),
  });
  const entrySet = await readActiveEntrySet(deps.db, request.companyId, request.period);
  try {
    const handle = await deps.temporal.workflow.start<(input: PayrollSyncInput) => Promise<PayrollSyncResult>>(WORKFLOW_TYPES.payrollSync, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [
        {
          syncId,
          companyId: request.companyId,
          period: request.period,
          trigger: request.trigger,
          dryRun: request.dryRun,
          ...(request.retryOf ? { retryOf: request.retryOf } : {}),
          ...(request.actor ? { actor: request.actor } : {}),
          ...(deps.syncTuning ? { tuning: deps.syncTuning } : {}),
        },
      ],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      memo: { syncId },
      typedSearchAttributes: [
        { key: COMPANY_ID, value: request.companyId },
        { key: PAYROLL_PERIOD, value: request.period },
        { key: SYNC_STATUS, value: 'running' },
        { key: DRY_RUN, value: request.dryRun },
      ],
      staticSummary: syncWorkflowSummary({ ...request, entryCount: entrySet?.entryCount ?? 0 }),
    });
    await setRunId(deps.db, syncId, handle.firstExecutionRunId);
    return { started: true, syncId, workflowId, runId: handle.firstExecutionRunId };
  } catch (error) {
    await deleteStartingRun(deps.db, syncId);
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    // The workflow's memo names the sync holding the id; the export log may also hold other starts that lost the
    // same race and have not cleaned up yet, so it is only the fallback.
    const runningSyncId = (await runningSyncIdFromMemo(deps.temporal, workflowId)) ?? (await findRunningRun(deps.db, workflowId, syncId))?._id;
    return { started: false, workflowId, ...(runningSyncId ? { runningSyncId } : {}) };
  }
}

async function runningSyncIdFromMemo(temporal: Client, workflowId: string): Promise<string | undefined> {
  try {
    const description = await temporal.workflow.getHandle(workflowId).describe();
    const syncId = description.memo?.syncId;
    return typeof syncId === 'string' ? syncId : undefined;
  } catch {
    return undefined;
  }
}
