// A running sync seen from outside: where its pushes run, what is pending, and how it ended.
import type { WorkflowHandle } from '@temporalio/client';

const clock = (t: { seconds?: unknown } | null | undefined) => (t?.seconds ? new Date(Number(String(t.seconds)) * 1000).toISOString().slice(11, 19) : '-');

/** How many push activities each worker process (by pid) is running now. */
export async function pushesByWorkerPid(handle: WorkflowHandle): Promise<Map<number, number>> {
  const pending = (await handle.describe()).raw.pendingActivities ?? [];
  const byPid = new Map<number, number>();
  for (const a of pending) {
    if (a.activityType?.name !== 'pushChunk' || !a.lastStartedTime || !a.lastWorkerIdentity) continue;
    const pid = Number(a.lastWorkerIdentity.split('@')[0]);
    if (Number.isInteger(pid)) byPid.set(pid, (byPid.get(pid) ?? 0) + 1);
  }
  return byPid;
}

/** One line on the pending activities (for a sync that seems stalled). */
export async function describePending(handle: WorkflowHandle): Promise<string> {
  const pending = (await handle.describe()).raw.pendingActivities ?? [];
  return (
    pending
      .map(
        (a) =>
          `${a.activityType?.name ?? '?'}#${a.activityId} attempt ${a.attempt} state ${a.state} started ${clock(a.lastStartedTime)} heartbeat ${clock(a.lastHeartbeatTime)} worker ${a.lastWorkerIdentity ?? '-'}${a.lastFailure?.message ? ` last failure: ${a.lastFailure.message.slice(0, 160)}` : ''}`,
      )
      .join(' | ') || 'none'
  );
}

export type SyncOutcome = { status: string; counts?: Record<string, unknown>; error?: string };

/** The workflow's result, never rejecting: a failed sync is an outcome too. */
export function outcomeOf(handle: WorkflowHandle): Promise<SyncOutcome> {
  return handle.result().then(
    (r: { status: string; counts: Record<string, unknown> }) => ({ status: r.status, counts: r.counts }),
    (error: unknown) => ({ status: 'failed', error: error instanceof Error ? error.message : String(error) }),
  );
}
