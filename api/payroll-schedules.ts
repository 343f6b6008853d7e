// One Temporal Schedule per company runs the monthly export. Temporal holds the schedule; this module
// turns the API's view of it into Temporal's and back.
import { ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowNotFoundError, type Client, type ScheduleDescription, type ScheduleHandle, type ScheduleOptions } from '@temporalio/client';
import type { z } from '@hono/zod-openapi';
import { setTimeout as sleep } from 'node:timers/promises';
import { payrollScheduleId, scheduledRunWorkflowId, WORKFLOW_TYPES } from '../contracts/ids.js';
import { cancelAutomaticRetrySignal, type ScheduledPayrollSyncInput, type ScheduledPayrollSyncResult } from '../contracts/schedule.js';
import { scheduleUiUrl } from '../contracts/temporal-ui.js';
import { findClockProblem, suggestSafeTime } from '../payroll/schedule-clock.js';
import { ApiProblem } from './problem.js';
import type { scheduleInputSchema, scheduleViewSchema } from './schemas/payroll-schedule.js';

export type ScheduleInput = z.infer<typeof scheduleInputSchema>;
export type ScheduleView = z.infer<typeof scheduleViewSchema>;


/** Runs missed while the service was down are caught up within this window only: once, not per missed month. */
export const CATCHUP_WINDOW = '3 days';
/** Spreads the companies scheduled for the same minute over a few minutes (the period comes from the nominal time). */
export const SCHEDULE_JITTER = '5 minutes';

const AUTOMATIC_RETRY_LABELS = {
  sync_stopped: 'not run: the sync was terminated or cancelled',
  schedule_paused: 'not run: the schedule was paused',
  schedule_deleted: 'not run: the schedule was deleted',
} as const;

export interface ScheduleContext {
  temporal: Client;
  taskQueue: string;
  temporalUiUrl: string;
  temporalNamespace: string;
}

function scheduleOptions(ctx: ScheduleContext, companyId: string, input: ScheduleInput & { timezone: string }): ScheduleOptions {
  const args: ScheduledPayrollSyncInput = {
    companyId,
    period: input.period,
    timezone: input.timezone,
    autoRetryAfterMinutes: input.autoRetryAfterMinutes,
  };
  return {
    scheduleId: payrollScheduleId(companyId),
    spec: { calendars: [{ dayOfMonth: input.dayOfMonth, hour: input.hour, minute: input.minute }], timezone: input.timezone, jitter: SCHEDULE_JITTER },
    action: {
      type: 'startWorkflow',
      workflowType: WORKFLOW_TYPES.scheduledPayrollSync,
      workflowId: scheduledRunWorkflowId(companyId),
      taskQueue: ctx.taskQueue,
      args: [args],
      staticSummary: `Scheduled payroll export · company ${companyId} · day ${input.dayOfMonth} ${String(input.hour).padStart(2, '0')}:${String(input.minute).padStart(2, '0')} ${input.timezone}`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW, pauseOnFailure: false },
    state: { paused: input.paused, ...(input.note ? { note: input.note } : {}) },
  };
}

/** Rejects a local run time that a daylight-saving change skips or repeats on the run's day in some year. */
export function assertSafeRunTime(input: ScheduleInput & { timezone: string }, now: Date): void {
  const run = { timezone: input.timezone, dayOfMonth: input.dayOfMonth, hour: input.hour, minute: input.minute };
  const problem = findClockProblem(run, now.getUTCFullYear());
  if (!problem) return;
  const time = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  const safe = suggestSafeTime(run, now.getUTCFullYear());
  const what =
    problem.kind === 'skipped'
      ? `does not exist on ${problem.date} (the clocks jump forward over it): that month would never be exported`
      : `exists twice on ${problem.date} (the clocks go back over it): that month would be exported twice`;
  throw new ApiProblem(422, 'Run time not safe in this time zone', {
    detail: `${time(input.hour, input.minute)} on day ${input.dayOfMonth} in ${input.timezone} ${what}.${safe ? ` ${time(safe.hour, safe.minute)} is safe every year.` : ''}`,
    errors: [{ field: 'hour', reason: problem.kind === 'skipped' ? `skipped by a daylight-saving change on ${problem.date}` : `repeated by a daylight-saving change on ${problem.date}` }],
    ...(safe ? { suggestedTime: { hour: safe.hour, minute: safe.minute } } : {}),
  });
}

/**
 * Tells the scheduled runs still open (a run waiting for its automatic retry, or one whose sync still runs) that
 * the schedule was paused or deleted: a retry they wait for does not run. A sync that is running is left alone.
 */
export async function cancelWaitingRetries(ctx: ScheduleContext, description: ScheduleDescription, reason: 'schedule_paused' | 'schedule_deleted'): Promise<number> {
  let signalled = 0;
  for (const running of description.info.runningActions) {
    try {
      await ctx.temporal.workflow.getHandle(running.workflow.workflowId, running.workflow.firstExecutionRunId).signal(cancelAutomaticRetrySignal, { reason });
      signalled++;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error; // it ended meanwhile
    }
  }
  return signalled;
}

/** The schedule's description, or undefined when the company has none. */
export async function describeIfExists(handle: ScheduleHandle): Promise<ScheduleDescription | undefined> {
  try {
    return await handle.describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  }
}

export async function upsertSchedule(ctx: ScheduleContext, companyId: string, input: ScheduleInput & { timezone: string }): Promise<void> {
  const options = scheduleOptions(ctx, companyId, input);
  const handle = ctx.temporal.schedule.getHandle(options.scheduleId);
  const existing = await describeIfExists(handle);
  if (!existing) {
    await ctx.temporal.schedule.create(options);
    return;
  }
  await handle.update((previous) => ({
    ...previous,
    spec: options.spec,
    action: options.action,
    policies: { ...previous.policies, ...options.policies },
    state: { ...previous.state, paused: input.paused, ...(input.note !== undefined ? { note: input.note } : {}) },
  }));
  if (input.paused) await cancelWaitingRetries(ctx, existing, 'schedule_paused');
}

function runOutcomes(result: ScheduledPayrollSyncResult | undefined): ScheduleView['recentRuns'][number]['syncs'] {
  return (result?.runs ?? []).map((run) =>
    run.outcome === 'ran'
      ? { syncId: run.syncId, outcome: run.stoppedBy ? `ran: ${run.stoppedBy}` : 'ran', status: run.status, trigger: run.trigger }
      : { syncId: null, outcome: `skipped: ${run.reason.replace('_', ' ')}`, status: null, trigger: null },
  );
}

/** The run time a payroll schedule was set to (company time). */
export function runTimeOf(description: ScheduleDescription): { dayOfMonth: number; hour: number; minute: number; timezone: string } {
  const calendar = description.spec.calendars?.[0];
  const first = <T>(value: T | T[] | undefined): T | undefined => (Array.isArray(value) ? value[0] : value);
  const rangeStart = (value: unknown): number => {
    const v = first(value as { start: number } | { start: number }[] | number | undefined);
    return typeof v === 'number' ? v : (v?.start ?? 0);
  };
  return { dayOfMonth: rangeStart(calendar?.dayOfMonth), hour: rangeStart(calendar?.hour), minute: rangeStart(calendar?.minute), timezone: description.spec.timezone ?? 'UTC' };
}

export async function describeSchedule(ctx: ScheduleContext, companyId: string): Promise<ScheduleView | undefined> {
  const description = await describeIfExists(ctx.temporal.schedule.getHandle(payrollScheduleId(companyId)));
  if (!description) return undefined;
  const action = description.action;
  const args = (action.type === 'startWorkflow' ? action.args?.[0] : undefined) as ScheduledPayrollSyncInput | undefined;
  const runTime = runTimeOf(description);
  const recentRuns = await Promise.all(
    description.info.recentActions.slice(-10).reverse().map(async (recent) => {
      const workflow = recent.action.workflow;
      const runHandle = ctx.temporal.workflow.getHandle<(input: ScheduledPayrollSyncInput) => Promise<ScheduledPayrollSyncResult>>(workflow.workflowId, workflow.firstExecutionRunId);
      const status = (await runHandle.describe().catch(() => undefined))?.status.name ?? 'UNKNOWN';
      const result = status === 'COMPLETED' ? await runHandle.result().catch(() => undefined) : undefined;
      return {
        scheduledAt: recent.scheduledAt.toISOString(),
        takenAt: recent.takenAt.toISOString(),
        workflowId: workflow.workflowId,
        runId: workflow.firstExecutionRunId,
        status,
        period: result?.period ?? null,
        syncs: runOutcomes(result),
        automaticRetry: result?.automaticRetry ? AUTOMATIC_RETRY_LABELS[result.automaticRetry] : null,
      };
    }),
  );
  return {
    scheduleId: description.scheduleId,
    companyId,
    ...runTime,
    period: args?.period ?? 'previous',
    autoRetryAfterMinutes: args?.autoRetryAfterMinutes ?? null,
    paused: description.state.paused,
    note: description.state.note ?? null,
    nextRunTimes: description.info.nextActionTimes.slice(0, 3).map((d) => d.toISOString()),
    recentRuns,
    temporalUiUrl: scheduleUiUrl(ctx, description.scheduleId),
  };
}

export type TriggerOutcome =
  | { triggered: true; outcome: 'started'; workflowId: string }
  | { triggered: false; outcome: 'skipped'; reason: string; workflowId?: string };

/** How long the trigger waits for Temporal to take (or skip) the action it asked for. */
const TRIGGER_WAIT_MS = 10_000;

/**
 * Runs the schedule now under its overlap policy (skip) and says what Temporal did: a run that is still open (its
 * sync runs, or it waits for its automatic retry) makes Temporal skip the new one. undefined: no such schedule.
 */
export async function triggerSchedule(ctx: ScheduleContext, companyId: string): Promise<TriggerOutcome | undefined> {
  const handle = ctx.temporal.schedule.getHandle(payrollScheduleId(companyId));
  const before = await describeIfExists(handle);
  if (!before) return undefined;
  const open = before.info.runningActions[0];
  if (open) {
    return { triggered: false, outcome: 'skipped', reason: 'a run of this schedule is still open: its sync is running, or it is waiting for its automatic retry', workflowId: open.workflow.workflowId };
  }
  await handle.trigger(ScheduleOverlapPolicy.SKIP);
  const deadline = Date.now() + TRIGGER_WAIT_MS;
  while (Date.now() < deadline) {
    const after = await handle.describe();
    if (after.info.numActionsTaken > before.info.numActionsTaken) {
      const taken = after.info.recentActions.at(-1);
      if (taken) return { triggered: true, outcome: 'started', workflowId: taken.action.workflow.workflowId };
    }
    if (after.info.numActionsSkippedOverlap > before.info.numActionsSkippedOverlap) {
      const running = after.info.runningActions[0];
      return { triggered: false, outcome: 'skipped', reason: 'a run of this schedule is still open', ...(running ? { workflowId: running.workflow.workflowId } : {}) };
    }
    await sleep(200);
  }
  return { triggered: false, outcome: 'skipped', reason: `Temporal did not take the action within ${TRIGGER_WAIT_MS / 1000} s; see the schedule's recent runs` };
}

/** Deletes the company's schedule and tells its open runs, so a retry one waits for does not run. false: none. */
export async function deleteSchedule(ctx: ScheduleContext, companyId: string): Promise<boolean> {
  const handle = ctx.temporal.schedule.getHandle(payrollScheduleId(companyId));
  const description = await describeIfExists(handle);
  if (!description) return false;
  try {
    await handle.delete();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return false; // deleted meanwhile
    throw error;
  }
  await cancelWaitingRetries(ctx, description, 'schedule_deleted');
  return true;
}
