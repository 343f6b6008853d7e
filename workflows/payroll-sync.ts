// The payroll sync of one company and period. Deterministic orchestration only: every read and write
// happens in activities; inputs, results and history carry ids and counts, never entries or secrets.
import {
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { SyncCounts, SyncProgress, SyncStatus, SyncTrigger } from '../db/payroll-collections.js';
import { PUSH_CONCURRENCY } from '../payroll/chunking.js';
import { COMPANY_ID, PAYROLL_PERIOD, SYNC_STATUS } from './search-attributes.js';

export interface PayrollSyncInput {
  syncId: string;
  companyId: string;
  period: string;
  trigger: SyncTrigger;
  dryRun: boolean;
  retryOf?: string;
}

export interface PayrollSyncResult {
  syncId: string;
  status: SyncStatus;
  counts: SyncCounts;
}

export const progressQuery = defineQuery<SyncProgress>('progress');

const NON_RETRYABLE = ['CompanyNotFound', 'SyncNotFound', 'NoEntries', 'NoPersonioCredentials'];

const steps = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 30, nonRetryableErrorTypes: NON_RETRYABLE },
});

// Every activity heartbeats (or is short), so a worker that dies mid-activity costs seconds, not the start-to-close timeout.
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: NON_RETRYABLE },
});

// The activity retries the send itself and records a failure instead of throwing: a mail problem never fails a sync.
const mail = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '5 seconds', maximumAttempts: 3 },
});

export async function payrollSync(input: PayrollSyncInput): Promise<PayrollSyncResult> {
  const progress: SyncProgress = { phase: 'starting', chunksTotal: 0, chunksDone: 0, itemsTotal: 0, itemsDone: 0 };
  setHandler(progressQuery, () => progress);
  upsertSearchAttributes([
    { key: COMPANY_ID, value: input.companyId },
    { key: PAYROLL_PERIOD, value: input.period },
    { key: SYNC_STATUS, value: 'running' },
  ]);
  const info = workflowInfo();

  try {
    const begun = await bookkeeping.beginSync({ ...input, workflowId: info.workflowId, runId: info.runId });
    if (begun.entryCount > 0) {
      progress.phase = 'resolving_employees';
      await steps.resolveEmployees({ syncId: input.syncId });
      progress.phase = 'ensuring_types';
      const types = await steps.ensureCompensationTypes({ syncId: input.syncId });
      progress.phase = 'planning';
      const plan = await steps.planSync({ syncId: input.syncId, benefits: types.benefits });
      progress.phase = 'pushing';
      progress.chunksTotal = plan.chunksTotal;
      progress.itemsTotal = plan.itemsTotal;
      let nextChunk = 0;
      const pushers = Array.from({ length: Math.min(PUSH_CONCURRENCY, plan.chunksTotal) }, async () => {
        while (nextChunk < plan.chunksTotal) {
          const chunkNo = nextChunk++;
          const pushed = await steps.pushChunk({ syncId: input.syncId, chunkNo });
          progress.chunksDone++;
          progress.itemsDone += pushed.items;
        }
      });
      await Promise.all(pushers);
    }
    progress.phase = 'finishing';
    const finished = await bookkeeping.finishSync({ syncId: input.syncId });
    progress.phase = 'done';
    upsertSearchAttributes([{ key: SYNC_STATUS, value: finished.status }]);
    if (!input.dryRun) await mail.sendSyncSummary({ syncId: input.syncId });
    return { syncId: input.syncId, ...finished };
  } catch (error) {
    const message = isCancellation(error) ? 'The sync was cancelled.' : error instanceof Error ? error.message : String(error);
    const type = rootApplicationFailureType(error);
    // Recorded even when cancelled, so the export log never shows a dead run as running.
    await CancellationScope.nonCancellable(() =>
      bookkeeping.finishSync({ syncId: input.syncId, failure: { message: rootMessage(error) ?? message, ...(type ? { type } : {}) } }),
    );
    progress.phase = 'done';
    upsertSearchAttributes([{ key: SYNC_STATUS, value: 'failed' }]);
    if (!input.dryRun) await CancellationScope.nonCancellable(() => mail.sendSyncSummary({ syncId: input.syncId }));
    throw error;
  }
}

/** The type of the innermost ApplicationFailure (activity failures arrive wrapped in an ActivityFailure). */
function rootApplicationFailureType(error: unknown): string | undefined {
  let current: unknown = error;
  let type: string | undefined;
  while (current instanceof Error) {
    if (current instanceof ApplicationFailure && current.type) type = current.type;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return type;
}

/** The innermost failure message (an activity's own words rather than "Activity task failed"). */
function rootMessage(error: unknown): string | undefined {
  let current: unknown = error;
  let message: string | undefined;
  while (current instanceof Error) {
    message = current.message;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return message;
}
