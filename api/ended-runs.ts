// A sync that was terminated (or timed out) in Temporal ends without running finishSync, so the export log would
// show it `running` for ever. The API settles such runs when it reads them: closed workflow, still running here →
// failed, with why. Its entries keep no result; a retry reconciles with Personio before it posts (the period fence).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { FailureType } from '../contracts/failures.js';
import { syncRunCollections, type SyncRunDoc } from '../db/sync-runs.js';

const ENDED: Record<string, string> = {
  TERMINATED: 'The sync was terminated in Temporal before it finished',
  TIMED_OUT: 'The sync timed out in Temporal before it finished',
  CANCELLED: 'The sync was cancelled before it could record its outcome',
  FAILED: 'The sync failed before it could record its outcome',
  COMPLETED: 'The sync ended without recording its outcome',
  CONTINUED_AS_NEW: 'The sync ended without recording its outcome',
};
const CONSEQUENCE = ': what it posted is in Personio, the rest is not. Retry the sync: it checks Personio first and posts only what is missing.';

/** The runs as they are, with every running one whose workflow has closed recorded (and returned) as failed. */
export async function settleEndedRuns(deps: { db: Db; temporal: Client }, runs: SyncRunDoc[]): Promise<SyncRunDoc[]> {
  return Promise.all(runs.map((run) => ((run.status === 'running' || run.status === 'awaiting_approval') && run.runId ? settleIfEnded(deps, run) : run)));
}

async function settleIfEnded(deps: { db: Db; temporal: Client }, run: SyncRunDoc): Promise<SyncRunDoc> {
  let status: string;
  let closedAt: Date | undefined;
  try {
    const described = await deps.temporal.workflow.getHandle(run.workflowId, run.runId).describe();
    status = described.status.name;
    closedAt = described.closeTime;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return run; // retention passed, or another namespace: nothing to tell
    throw error;
  }
  const reason = ENDED[status];
  if (!reason) return run;
  const failure = { message: `${reason}${CONSEQUENCE}`, type: FailureType.SyncWorkflowEnded };
  const finishedAt = closedAt ?? new Date();
  // Only while it still says running: a finishSync that got there first keeps its outcome.
  const settled = await syncRunCollections(deps.db).syncRuns.findOneAndUpdate(
    { _id: run._id, status: run.status },
    { $set: { status: 'failed', failure, finishedAt } },
    { returnDocument: 'after' },
  );
  return settled ?? (await syncRunCollections(deps.db).syncRuns.findOne({ _id: run._id })) ?? run;
}
