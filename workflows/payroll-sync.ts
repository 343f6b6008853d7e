// The payroll sync of one company and period. Deterministic orchestration only: every read and write
// happens in activities; inputs, results and history carry ids and counts, never entries or secrets.
import {
  ActivityCancellationType,
  type ActivityOptions,
  CancellationScope,
  defineQuery,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NON_RETRYABLE_SYNC_FAILURES, rootApplicationFailure, rootMessage } from '../contracts/failures.js';
import { COMPANY_ID, PAYROLL_PERIOD, SYNC_STATUS } from '../contracts/search-attributes.js';
import { PROGRESS_QUERY, type PayrollSyncInput, type PayrollSyncResult, type SyncProgress, type SyncTuning } from '../contracts/sync.js';
import { PUSH_CONCURRENCY } from '../payroll/chunking.js';

export const progressQuery = defineQuery<SyncProgress>(PROGRESS_QUERY);

const NON_RETRYABLE = [...NON_RETRYABLE_SYNC_FAILURES];

const steps = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 30, nonRetryableErrorTypes: NON_RETRYABLE },
});

// Pushes: a chunk's attempt may take long under a low rate limit (chunks are sized to stay well inside this), and a
// cancelled push is awaited until its activity has really stopped posting.
const PUSH_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 30, nonRetryableErrorTypes: NON_RETRYABLE },
};
const pushes = proxyActivities<Activities>(PUSH_OPTIONS);

/** The push proxy of a sync: production's, or a drill's harsher one (PayrollSyncInput.tuning). */
function pushesFor(tuning: SyncTuning | undefined): typeof pushes {
  const seconds = tuning?.pushStartToCloseSeconds;
  return seconds ? proxyActivities<Activities>({ ...PUSH_OPTIONS, startToCloseTimeout: `${seconds} seconds` }) : pushes;
}

/** Patches of this workflow's commands: histories begun before a patch replay its old branch. */
const PATCH_STOP_SIBLING_PUSHES = 'stop-sibling-pushes-on-failure';

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
      if (patched(PATCH_STOP_SIBLING_PUSHES)) await pushAllChunks(pushesFor(input.tuning), input.syncId, plan.chunksTotal, progress);
      else await pushAllChunksUnguarded(input.syncId, plan.chunksTotal, progress);
    }
    progress.phase = 'finishing';
    const finished = await bookkeeping.finishSync({ syncId: input.syncId });
    progress.phase = 'done';
    upsertSearchAttributes([{ key: SYNC_STATUS, value: finished.status }]);
    if (!input.dryRun) await mail.sendSyncSummary({ syncId: input.syncId });
    return { syncId: input.syncId, ...finished };
  } catch (error) {
    // A cancellation's innermost failure has no words of its own: say what happened.
    const message = isCancellation(error) ? 'The sync was cancelled.' : rootMessage(error) || (error instanceof Error ? error.message : String(error));
    const root = rootApplicationFailure(error);
    const type = root?.type ?? undefined;
    const missingScope = (root?.details?.[0] as { missingScope?: unknown } | undefined)?.missingScope;
    const failure = { message, ...(type ? { type } : {}), ...(typeof missingScope === 'string' ? { missingScope } : {}) };
    // Recorded even when cancelled, so the export log never shows a dead run as running.
    await CancellationScope.nonCancellable(() => bookkeeping.finishSync({ syncId: input.syncId, failure }));
    progress.phase = 'done';
    upsertSearchAttributes([{ key: SYNC_STATUS, value: 'failed' }]);
    if (!input.dryRun) await CancellationScope.nonCancellable(() => mail.sendSyncSummary({ syncId: input.syncId }));
    throw error;
  }
}

/**
 * Pushes every chunk, PUSH_CONCURRENCY at a time. On the first chunk that fails for good, the others are cancelled
 * and awaited until their activities have stopped: the sync (and its workflow id, the period's lock) ends only
 * when nothing of it can still post.
 */
async function pushAllChunks(push: typeof pushes, syncId: string, chunksTotal: number, progress: SyncProgress): Promise<void> {
  let nextChunk = 0;
  let failure: { error: unknown } | undefined;
  const scope = new CancellationScope();
  const pusher = async () => {
    while (!failure && nextChunk < chunksTotal) {
      const chunkNo = nextChunk++;
      try {
        const pushed = await push.pushChunk({ syncId, chunkNo });
        progress.chunksDone++;
        progress.itemsDone += pushed.items;
      } catch (error) {
        if (!failure) {
          failure = { error };
          scope.cancel();
        }
      }
    }
  };
  await scope.run(() => Promise.all(Array.from({ length: Math.min(PUSH_CONCURRENCY, chunksTotal) }, pusher)));
  if (failure) throw failure.error;
}

/** Before PATCH_STOP_SIBLING_PUSHES: kept for histories begun before it. */
async function pushAllChunksUnguarded(syncId: string, chunksTotal: number, progress: SyncProgress): Promise<void> {
  let nextChunk = 0;
  const pushers = Array.from({ length: Math.min(PUSH_CONCURRENCY, chunksTotal) }, async () => {
    while (nextChunk < chunksTotal) {
      const chunkNo = nextChunk++;
      const pushed = await steps.pushChunk({ syncId, chunkNo });
      progress.chunksDone++;
      progress.itemsDone += pushed.items;
    }
  });
  await Promise.all(pushers);
}
