// One Temporal Schedule per company runs the monthly export. Temporal holds the schedule; this module
// turns the API's view of it into Temporal's and back.
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleDescription, type ScheduleOptions } from '@temporalio/client';
import type { z } from '@hono/zod-openapi';
import { payrollScheduleId, scheduledRunWorkflowId, WORKFLOW_TYPES } from '../contracts/ids.js';
import type { ScheduledPayrollSyncInput, ScheduledPayrollSyncResult } from '../contracts/schedule.js';
import { scheduleUiUrl } from '../contracts/temporal-ui.js';
import type { scheduleInputSchema, scheduleViewSchema } from './schemas/payroll-schedule.js';

export type ScheduleInput = z.infer<typeof scheduleInputSchema>;
export type ScheduleView = z.infer<typeof scheduleViewSchema>;


/** Runs missed while the service was down are caught up within this window only: once, not per missed month. */
export const CATCHUP_WINDOW = '3 days';

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
    spec: { calendars: [{ dayOfMonth: input.dayOfMonth, hour: input.hour, minute: input.minute }], timezone: input.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: WORKFLOW_TYPES.scheduledPayrollSync,
      workflowId: scheduledRunWorkflowId(companyId),
      taskQueue: ctx.taskQueue,
      args: [args],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW, pauseOnFailure: false },
    state: { paused: input.paused, ...(input.note ? { note: input.note } : {}) },
  };
}

export async function upsertSchedule(ctx: ScheduleContext, companyId: string, input: ScheduleInput & { timezone: string }): Promise<void> {
  const options = scheduleOptions(ctx, companyId, input);
  const handle = ctx.temporal.schedule.getHandle(options.scheduleId);
  try {
    await handle.describe();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
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
}

function runOutcomes(result: ScheduledPayrollSyncResult | undefined): ScheduleView['recentRuns'][number]['syncs'] {
  return (result?.runs ?? []).map((run) =>
    run.outcome === 'ran'
      ? { syncId: run.syncId, outcome: 'ran', status: run.status, trigger: run.trigger }
      : { syncId: null, outcome: `skipped: ${run.reason.replace('_', ' ')}`, status: null, trigger: null },
  );
}

export async function describeSchedule(ctx: ScheduleContext, companyId: string): Promise<ScheduleView | undefined> {
  const handle = ctx.temporal.schedule.getHandle(payrollScheduleId(companyId));
  let description: ScheduleDescription;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  }
  const calendar = description.spec.calendars?.[0];
  const action = description.action;
  const args = (action.type === 'startWorkflow' ? action.args?.[0] : undefined) as ScheduledPayrollSyncInput | undefined;
  const first = <T>(value: T | T[] | undefined): T | undefined => (Array.isArray(value) ? value[0] : value);
  const rangeStart = (value: unknown): number => {
    const v = first(value as { start: number } | { start: number }[] | number | undefined);
    return typeof v === 'number' ? v : (v?.start ?? 0);
  };
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
      };
    }),
  );
  return {
    scheduleId: description.scheduleId,
    companyId,
    dayOfMonth: rangeStart(calendar?.dayOfMonth),
    hour: rangeStart(calendar?.hour),
    minute: rangeStart(calendar?.minute),
    timezone: description.spec.timezone ?? 'UTC',
    period: args?.period ?? 'previous',
    autoRetryAfterMinutes: args?.autoRetryAfterMinutes ?? null,
    paused: description.state.paused,
    note: description.state.note ?? null,
    nextRunTimes: description.info.nextActionTimes.slice(0, 3).map((d) => d.toISOString()),
    recentRuns,
    temporalUiUrl: scheduleUiUrl(ctx, description.scheduleId),
  };
}
