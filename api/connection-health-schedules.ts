// One Temporal Schedule per company with stored Personio credentials runs the connection test daily and a few
// hours before each scheduled export, so that a revoked or expired credential is found before the export needs it.
// Refreshed whenever something it depends on changes: the credentials, the company's time zone, the payroll schedule.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Db } from 'mongodb';
import type { ConnectionTestInput } from '../contracts/connection-test.js';
import { connectionHealthRunWorkflowId, connectionHealthScheduleId, payrollScheduleId, WORKFLOW_TYPES } from '../contracts/ids.js';
import { companyCollections, hasCredentials } from '../db/companies.js';
import { checkBeforeExport, DAILY_CHECK, type CheckTime } from '../payroll/connection-health.js';
import { describeIfExists, runTimeOf } from './payroll-schedules.js';

export interface HealthScheduleContext {
  temporal: Client;
  interactiveTaskQueue: string;
}

/** Small: the check before an export must stay before it. */
const HEALTH_CHECK_JITTER = '10 minutes';

export interface HealthSchedulePlan {
  timezone: string;
  checks: CheckTime[];
}

/** What the company's health schedule should be, or null (no credentials: nothing to check). */
export async function planHealthSchedule(ctx: HealthScheduleContext, db: Db, companyId: string): Promise<HealthSchedulePlan | null> {
  const company = await companyCollections(db).companies.findOne({ _id: companyId }, { projection: { timezone: 1 } });
  if (!company || !(await hasCredentials(db, companyId))) return null;
  const payroll = await describeIfExists(ctx.temporal.schedule.getHandle(payrollScheduleId(companyId)));
  const checks: CheckTime[] = [DAILY_CHECK];
  if (payroll && !payroll.state.paused) checks.push(checkBeforeExport(runTimeOf(payroll)));
  return { timezone: payroll ? runTimeOf(payroll).timezone : company.timezone, checks };
}

function scheduleOptions(ctx: HealthScheduleContext, companyId: string, plan: HealthSchedulePlan): ScheduleOptions {
  const args: ConnectionTestInput = { companyId, trigger: 'health_check' };
  return {
    scheduleId: connectionHealthScheduleId(companyId),
    spec: { calendars: plan.checks.map((check) => ({ ...(check.dayOfMonth ? { dayOfMonth: check.dayOfMonth } : {}), hour: check.hour, minute: check.minute })), timezone: plan.timezone, jitter: HEALTH_CHECK_JITTER },
    action: {
      type: 'startWorkflow',
      workflowType: WORKFLOW_TYPES.connectionTest,
      workflowId: connectionHealthRunWorkflowId(companyId),
      taskQueue: ctx.interactiveTaskQueue,
      args: [args],
      workflowExecutionTimeout: '10 minutes',
      staticSummary: `Personio connection health check · company ${companyId}`,
    },
    // A check missed while the service was down is worth one run when it is back, not one per missed day.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour', pauseOnFailure: false },
  };
}

/** Creates, updates or deletes the company's health schedule to match its credentials and payroll schedule. */
export async function refreshHealthSchedule(ctx: HealthScheduleContext, db: Db, companyId: string): Promise<HealthSchedulePlan | null> {
  const plan = await planHealthSchedule(ctx, db, companyId);
  const handle = ctx.temporal.schedule.getHandle(connectionHealthScheduleId(companyId));
  if (!plan) {
    await handle.delete().catch((error: unknown) => {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    });
    return null;
  }
  const options = scheduleOptions(ctx, companyId, plan);
  try {
    await ctx.temporal.schedule.create(options);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await handle.update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: { ...previous.policies, ...options.policies } }));
  }
  return plan;
}

/**
 * Gives every company with credentials but no health schedule one (companies set up before health checks existed).
 * Idempotent and safe to run from several API processes at once; answers how many it created.
 */
export async function ensureHealthSchedules(ctx: HealthScheduleContext, db: Db): Promise<number> {
  let created = 0;
  for await (const credentials of companyCollections(db).personioCredentials.find({}, { projection: { _id: 1 } })) {
    const handle = ctx.temporal.schedule.getHandle(connectionHealthScheduleId(credentials._id));
    const exists = await handle.describe().then(
      () => true,
      (error: unknown) => {
        if (error instanceof ScheduleNotFoundError) return false;
        throw error;
      },
    );
    if (!exists && (await refreshHealthSchedule(ctx, db, credentials._id))) created++;
  }
  return created;
}
