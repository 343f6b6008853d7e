// The payroll sync of one company and period. Deterministic orchestration only: every read and write
// happens in activities; inputs, results and history carry ids and counts, never entries or secrets.
import {
  ActivityCancellationType,
  ApplicationFailure,
  type ActivityOptions,
  CancellationScope,
  defineQuery,
  isCancellation,
  metricMeter,
  patched,
  setCurrentDetails,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { FailureType, NON_RETRYABLE_SYNC_FAILURES, rootApplicationFailure, rootMessage } from '../contracts/failures.js';
import { COMPANY_ID, PAYROLL_PERIOD, SYNC_STATUS } from '../contracts/search-attributes.js';
import {
  LEGACY_PUSH_CONCURRENCY,
  PROGRESS_QUERY,
  type PayrollSyncInput,
  type PayrollSyncResult,
  type SyncCounts,
  type SyncProgress,
  type SyncStatus,
  type SyncTuning,
  startedByOf,
} from '../contracts/sync.js';
import { awaitApproval, type ApprovalOutcome } from './approval.js';
import { announceConnectionTransition } from './connection-announcements.js';
import { syncOutcomeEvent } from './sync-events.js';
import { emitWebhookEvent } from './webhook-event.js';

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
const PATCH_CONNECTION_GUARD = 'guard-broken-personio-connection';
const PATCH_WEBHOOK_EVENTS = 'emit-sync-webhook-events';
const PATCH_APPROVAL = 'four-eyes-approval';

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

// Emitted once per sync, never during replay (the SDK's workflow meter). No company or person in the labels.
const syncsFinished = metricMeter.createCounter('payroll_syncs_total', 'syncs', 'Payroll syncs finished, by status');
const syncDuration = metricMeter.createHistogram('payroll_sync_duration_seconds', 'float', 's', 'Duration of payroll syncs, from start to outcome');

export async function payrollSync(input: PayrollSyncInput): Promise<PayrollSyncResult> {
  const progress: SyncProgress = { phase: 'starting', chunksTotal: 0, chunksDone: 0, itemsTotal: 0, itemsDone: 0 };
  setHandler(progressQuery, () => progress);
  const dryRun = input.dryRun ? 'true' : 'false';
  const recordOutcome = (status: SyncStatus, counts?: SyncCounts) => {
    setCurrentDetails(outcomeDetails(status, input.dryRun, counts));
    syncsFinished.add(1, { status, dry_run: dryRun });
    syncDuration.record((Date.now() - workflowInfo().startTime.getTime()) / 1000, { status, dry_run: dryRun });
  };
  upsertSearchAttributes([
    { key: COMPANY_ID, value: input.companyId },
    { key: PAYROLL_PERIOD, value: input.period },
    { key: SYNC_STATUS, value: 'running' },
  ]);
  const info = workflowInfo();

  try {
    setCurrentDetails('Starting.');
    const begun = await bookkeeping.beginSync.executeWithOptions({ summary: 'begin: record the sync, read the entry set' }, [{ ...input, workflowId: info.workflowId, runId: info.runId }]);
    let entryCount = begun.entryCount;
    if (begun.approval && begun.entryCount > 0 && patched(PATCH_APPROVAL)) {
      upsertSearchAttributes([{ key: SYNC_STATUS, value: 'awaiting_approval' }]);
      setCurrentDetails(`${begun.entryCount} entries: previewing, then awaiting approval by a second person.`);
      const decision = await awaitApproval(input, begun.approval, progress, startedByOf(input));
      if (decision.kind !== 'approved') return await closeUnapproved(input, decision, progress, recordOutcome);
      upsertSearchAttributes([{ key: SYNC_STATUS, value: 'running' }]);
      entryCount = (await bookkeeping.applyApproval.executeWithOptions({ summary: `approved by ${decision.actor}` }, [{ syncId: input.syncId, actor: decision.actor, ...(decision.comment ? { comment: decision.comment } : {}) }])).entryCount;
    }
    if (entryCount > 0) {
      if (patched(PATCH_CONNECTION_GUARD)) await guardConnection(input.companyId);
      setCurrentDetails(`${entryCount} entries: resolving employees.`);
      progress.phase = 'resolving_employees';
      const resolved = await steps.resolveEmployees.executeWithOptions({ summary: `resolve the employees of ${entryCount} entries` }, [{ syncId: input.syncId }]);
      progress.phase = 'ensuring_types';
      const types = await steps.ensureCompensationTypes.executeWithOptions({ summary: `compensation types: ${resolved.matched} of ${resolved.employees} employees matched` }, [{ syncId: input.syncId }]);
      progress.phase = 'planning';
      const plan = await steps.planSync.executeWithOptions({ summary: 'plan: items and chunks' }, [{ syncId: input.syncId, benefits: types.benefits }]);
      progress.phase = 'pushing';
      progress.chunksTotal = plan.chunksTotal;
      progress.itemsTotal = plan.itemsTotal;
      setCurrentDetails(`${entryCount} entries: pushing ${plan.itemsTotal} compensations in ${plan.chunksTotal} chunks.`);
      // The concurrency comes from planSync's recorded result, so a deploy that changes it does not change this sync's commands.
      const concurrency = plan.pushConcurrency ?? LEGACY_PUSH_CONCURRENCY;
      if (patched(PATCH_STOP_SIBLING_PUSHES)) await pushAllChunks(pushesFor(input.tuning), input.syncId, plan.chunksTotal, concurrency, progress);
      else await pushAllChunksUnguarded(input.syncId, plan.chunksTotal, concurrency, progress);
    }
    progress.phase = 'finishing';
    const finished = await bookkeeping.finishSync.executeWithOptions({ summary: 'finish: count the outcome' }, [{ syncId: input.syncId }]);
    progress.phase = 'done';
    upsertSearchAttributes([{ key: SYNC_STATUS, value: finished.status }]);
    recordOutcome(finished.status, finished.counts);
    if (!input.dryRun) await mail.sendSyncSummary({ syncId: input.syncId });
    if (!input.dryRun && patched(PATCH_WEBHOOK_EVENTS)) await emitWebhookEvent(syncOutcomeEvent(input, finished, new Date()));
    return { syncId: input.syncId, ...finished };
  } catch (error) {
    // A cancellation's innermost failure has no words of its own: say what happened.
    const message = isCancellation(error) ? 'The sync was cancelled.' : rootMessage(error) || (error instanceof Error ? error.message : String(error));
    const root = rootApplicationFailure(error);
    // The failure's type is an activity input, not a command: setting it for cancellations needs no patch.
    const type = isCancellation(error) ? FailureType.SyncCancelled : (root?.type ?? undefined);
    const missingScope = (root?.details?.[0] as { missingScope?: unknown } | undefined)?.missingScope;
    const failure = { message, ...(type ? { type } : {}), ...(typeof missingScope === 'string' ? { missingScope } : {}) };
    // Recorded even when cancelled, so the export log never shows a dead run as running.
    const recorded = await CancellationScope.nonCancellable(() => bookkeeping.finishSync({ syncId: input.syncId, failure }));
    progress.phase = 'done';
    upsertSearchAttributes([{ key: SYNC_STATUS, value: 'failed' }]);
    recordOutcome('failed', recorded.counts);
    if (!input.dryRun) await CancellationScope.nonCancellable(() => mail.sendSyncSummary({ syncId: input.syncId }));
    if (!input.dryRun && patched(PATCH_WEBHOOK_EVENTS)) {
      await CancellationScope.nonCancellable(() => emitWebhookEvent(syncOutcomeEvent(input, { status: 'failed', counts: recorded.counts, ...(type ? { failureType: type } : {}) }, new Date())));
    }
    throw error;
  }
}

/** Rejected or expired: nothing was written; the export log, the managers and the platform learn it. */
async function closeUnapproved(
  input: PayrollSyncInput,
  decision: Exclude<ApprovalOutcome, { kind: 'approved' }>,
  progress: SyncProgress,
  recordOutcome: (status: SyncStatus) => void,
): Promise<PayrollSyncResult> {
  const status = decision.kind;
  await bookkeeping.closeUnapproved.executeWithOptions({ summary: status }, [
    { syncId: input.syncId, outcome: status, ...(decision.kind === 'rejected' ? { actor: decision.actor, ...(decision.comment ? { comment: decision.comment } : {}) } : {}) },
  ]);
  progress.phase = 'done';
  upsertSearchAttributes([{ key: SYNC_STATUS, value: status }]);
  recordOutcome(status);
  await mail.sendSyncSummary({ syncId: input.syncId });
  await emitWebhookEvent(syncOutcomeEvent(input, { status }, new Date()));
  return { syncId: input.syncId, status, counts: NOTHING_WRITTEN };
}

const NOTHING_WRITTEN: SyncCounts = {
  entries: 0,
  employees: 0,
  employeesMatched: 0,
  employeesUnmatched: 0,
  employeesInactive: 0,
  compensationsCreated: 0,
  alreadyPresent: 0,
  corrections: 0,
  needsManualCorrection: 0,
  failed: 0,
  entriesNotMatched: 0,
  entriesPending: 0,
  wouldCreate: 0,
  wouldCorrect: 0,
};

/**
 * A connection known to be broken is tested again first: still broken → the sync fails now with the failing checks
 * (instead of retrying Personio's refusals for minutes); working again → the change is announced and the sync goes on.
 */
async function guardConnection(companyId: string): Promise<void> {
  const guard = await bookkeeping.guardPersonioConnection.executeWithOptions({ summary: 'check the Personio connection is not known broken' }, [{ companyId }]);
  if (guard.transition) await announceConnectionTransition(guard.transition);
  if (!guard.usable) throw ApplicationFailure.nonRetryable(guard.reason ?? 'The Personio connection is broken.', FailureType.PersonioConnectionBroken, { failingChecks: guard.failingChecks ?? [] });
}

/** What the Temporal UI shows as the sync's current details once it has an outcome. */
function outcomeDetails(status: SyncStatus, dryRun: boolean, counts: SyncCounts | undefined): string {
  const headline = { running: 'Running', awaiting_approval: 'Awaiting approval', succeeded: 'Succeeded', partially_failed: 'PARTIALLY FAILED', failed: 'FAILED', rejected: 'REJECTED', expired: 'EXPIRED' }[status];
  if (!counts) return `**${headline}**`;
  const written = dryRun
    ? `${counts.wouldCreate} would be created, ${counts.wouldCorrect} corrected`
    : `${counts.compensationsCreated} created, ${counts.corrections} corrections`;
  return [
    `**${headline}**${dryRun ? ' (dry run)' : ''}: ${counts.entries} entries; ${written}, ${counts.alreadyPresent} already present.`,
    `Failed ${counts.failed}, pending ${counts.entriesPending}, need manual correction ${counts.needsManualCorrection}, not matched ${counts.entriesNotMatched}.`,
  ].join('\n');
}

/**
 * Pushes every chunk, `concurrency` at a time. On the first chunk that fails for good, the others are cancelled
 * and awaited until their activities have stopped: the sync (and its workflow id, the period's lock) ends only
 * when nothing of it can still post.
 */
async function pushAllChunks(push: typeof pushes, syncId: string, chunksTotal: number, concurrency: number, progress: SyncProgress): Promise<void> {
  let nextChunk = 0;
  let failure: { error: unknown } | undefined;
  const scope = new CancellationScope();
  const pusher = async () => {
    while (!failure && nextChunk < chunksTotal) {
      const chunkNo = nextChunk++;
      try {
        const pushed = await push.pushChunk.executeWithOptions({ summary: `chunk ${chunkNo + 1}/${chunksTotal}` }, [{ syncId, chunkNo }]);
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
  await scope.run(() => Promise.all(Array.from({ length: Math.min(concurrency, chunksTotal) }, pusher)));
  if (failure) throw failure.error;
}

/** Before PATCH_STOP_SIBLING_PUSHES: kept for histories begun before it. */
async function pushAllChunksUnguarded(syncId: string, chunksTotal: number, concurrency: number, progress: SyncProgress): Promise<void> {
  let nextChunk = 0;
  const pushers = Array.from({ length: Math.min(concurrency, chunksTotal) }, async () => {
    while (nextChunk < chunksTotal) {
      const chunkNo = nextChunk++;
      const pushed = await steps.pushChunk({ syncId, chunkNo });
      progress.chunksDone++;
      progress.itemsDone += pushed.items;
    }
  });
  await Promise.all(pushers);
}
