// scheduledPayrollSync's own logic on a real Temporal dev server with fake activities: which period it exports,
// the canonical child it starts, the skip while that child id is taken, and the one automatic retry.
//
// The period comes from the TemporalScheduledStartTime search attribute, which only a Temporal Schedule sets; a plain
// start falls back to the workflow's start time. So the plain-start tests derive the expected period from the start
// time the server recorded, and one test goes through a real Schedule with a backfill at a fixed past instant, where
// the scheduled time, the schedule's time zone and the wall clock all give different months.
// No time-skipping server here (it would have to be downloaded): the retry pause is kept short through the input.
import { ApplicationFailure } from '@temporalio/common';
import { ScheduleOverlapPolicy, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureType } from '../../contracts/failures.js';
import { payrollSyncWorkflowId, scheduledRunWorkflowId, WORKFLOW_TYPES } from '../../contracts/ids.js';
import { cancelAutomaticRetrySignal, type ScheduledPayrollSyncInput, type ScheduledPayrollSyncResult } from '../../contracts/schedule.js';
import type { PayrollSyncInput, PayrollSyncResult } from '../../contracts/sync.js';
import { connectTestEnv, COUNTS, eventually, fakeActivities, gate, historyEvents, uniqueId, waitAtGate, withWorker } from './support.js';

type ScheduledWorkflow = (input: ScheduledPayrollSyncInput) => Promise<ScheduledPayrollSyncResult>;
type PayrollSyncWorkflow = (input: PayrollSyncInput) => Promise<PayrollSyncResult>;

/** 0.02 minutes: the retry pause is 1.2 s of real time (the dev server does not skip time). */
const RETRY_AFTER_MINUTES = 0.02;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await connectTestEnv();
});
afterAll(async () => {
  await env?.teardown();
});

function scheduledInput(overrides: Partial<ScheduledPayrollSyncInput> = {}): ScheduledPayrollSyncInput {
  return { companyId: uniqueId('company'), period: 'previous', timezone: 'UTC', autoRetryAfterMinutes: RETRY_AFTER_MINUTES, ...overrides };
}

/** A plain start, as a schedule would start it but without TemporalScheduledStartTime. */
function startScheduled(taskQueue: string, input: ScheduledPayrollSyncInput): Promise<WorkflowHandleWithFirstExecutionRunId<ScheduledWorkflow>> {
  return env.client.workflow.start<ScheduledWorkflow>(WORKFLOW_TYPES.scheduledPayrollSync, {
    taskQueue,
    workflowId: `${scheduledRunWorkflowId(input.companyId)}-${uniqueId('plain')}`,
    args: [input],
  });
}

/** The UTC month (YYYY-MM) of an instant, `shift` months away; computed here by hand, not by the product's code. */
function utcMonth(instant: Date, shift = 0): string {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth() + shift, 1)).toISOString().slice(0, 7);
}

/** The period a plain start now will export (mode 'previous', UTC), away from a month boundary so it cannot change under the test. */
async function periodOfAPlainStartNow(): Promise<string> {
  const now = new Date();
  const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  if (nextMonth - now.getTime() < 15_000) await sleep(nextMonth - now.getTime() + 1_000);
  return utcMonth(new Date(), -1);
}

/** Seconds of a history timer (startToFireTimeout). */
const timerSeconds = (e: { timerStartedEventAttributes?: { startToFireTimeout?: { seconds?: unknown; nanos?: number | null } | null } | null }) =>
  Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0) + (e.timerStartedEventAttributes?.startToFireTimeout?.nanos ?? 0) / 1e9;

describe('scheduledPayrollSync', () => {
  it('plain start: exports the month before its start time and runs the canonical payroll-sync:<companyId>:<period> child; a success is not retried', async () => {
    const fake = fakeActivities();
    const input = scheduledInput();
    await withWorker(env, fake.activities, async (taskQueue) => {
      const handle = await startScheduled(taskQueue, input);
      const result = await handle.result();
      const { startTime } = await handle.describe();
      const period = utcMonth(startTime, -1);

      expect(result.scheduledAt).toBe(startTime.toISOString());
      expect(result.period).toBe(period);
      const [begun] = fake.inputsOf('beginSync');
      expect(fake.inputsOf('beginSync')).toEqual([
        { syncId: expect.any(String), companyId: input.companyId, period, trigger: 'schedule', dryRun: false, workflowId: payrollSyncWorkflowId(input.companyId, period), runId: expect.any(String) },
      ]);
      expect(result.runs).toEqual([{ outcome: 'ran', syncId: begun!.syncId, status: 'succeeded', trigger: 'schedule' }]);
      expect(fake.names().filter((n) => n === 'sendSyncSummary')).toHaveLength(1); // a real sync, not a dry run
      expect(await historyEvents(handle, 'EVENT_TYPE_TIMER_STARTED')).toEqual([]);
    });
  });

  it('plain start, period "current": exports the month its start time falls in', async () => {
    const fake = fakeActivities();
    const input = scheduledInput({ period: 'current' });
    await withWorker(env, fake.activities, async (taskQueue) => {
      const handle = await startScheduled(taskQueue, input);
      const result = await handle.result();
      expect(result.period).toBe(utcMonth((await handle.describe()).startTime));
      expect(fake.inputsOf('beginSync').map((i) => i.period)).toEqual([result.period]);
    });
  });

  it('started by a Schedule: exports the month before the *scheduled* time in the input\'s time zone', async () => {
    // 2026-02-28 23:30 UTC is 2026-03-01 00:30 in Berlin: the month before is 2026-02 there (2026-01 in UTC), and
    // neither is the month of the wall clock the backfill runs at.
    const scheduledAt = new Date('2026-02-28T23:30:00Z');
    const fake = fakeActivities();
    const input = scheduledInput({ timezone: 'Europe/Berlin' });
    await withWorker(env, fake.activities, async (taskQueue) => {
      const schedule = await env.client.schedule.create({
        scheduleId: uniqueId('payroll-schedule-test'),
        // Matches that one instant only, so nothing runs but the backfill.
        spec: { calendars: [{ year: 2026, month: 'FEBRUARY', dayOfMonth: 28, hour: 23, minute: 30 }] },
        action: { type: 'startWorkflow', workflowType: WORKFLOW_TYPES.scheduledPayrollSync, workflowId: scheduledRunWorkflowId(input.companyId), taskQueue, args: [input] },
        policies: { overlap: ScheduleOverlapPolicy.SKIP },
      });
      try {
        await schedule.backfill({ start: new Date('2026-02-28T23:00:00Z'), end: new Date('2026-02-28T23:59:00Z'), overlap: ScheduleOverlapPolicy.ALLOW_ALL });
        const action = await eventually(async () => (await schedule.describe()).info.recentActions[0], 10_000, 'the backfilled action');
        expect(action.scheduledAt.toISOString()).toBe(scheduledAt.toISOString());
        const result = await env.client.workflow.getHandle<ScheduledWorkflow>(action.action.workflow.workflowId).result();

        expect(result.scheduledAt).toBe(scheduledAt.toISOString());
        expect(result.period).toBe('2026-02');
        expect(fake.inputsOf('beginSync')).toEqual([expect.objectContaining({ period: '2026-02', trigger: 'schedule', workflowId: payrollSyncWorkflowId(input.companyId, '2026-02') })]);
        expect(result.runs).toEqual([{ outcome: 'ran', syncId: fake.inputsOf('beginSync')[0]!.syncId, status: 'succeeded', trigger: 'schedule' }]);
      } finally {
        await schedule.delete();
      }
    });
  });

  it('records skipped: already_running while a sync holds the period\'s workflow id, does not wait for it and does not retry', async () => {
    const hold = gate();
    const manualSyncId = uniqueId('manual-sync');
    const fake = fakeActivities({
      beginSync: async (input) => {
        if (input.syncId === manualSyncId) await waitAtGate(hold);
        return { entryCount: 18 };
      },
    });
    const input = scheduledInput();
    await withWorker(env, fake.activities, async (taskQueue) => {
      const period = await periodOfAPlainStartNow();
      const workflowId = payrollSyncWorkflowId(input.companyId, period);
      const manual = await env.client.workflow.start<PayrollSyncWorkflow>(WORKFLOW_TYPES.payrollSync, {
        taskQueue,
        workflowId,
        args: [{ syncId: manualSyncId, companyId: input.companyId, period, trigger: 'api', dryRun: false }],
      });
      await eventually(() => fake.inputsOf('beginSync').length === 1, 10_000, 'the manual sync to begin');

      const result = await (await startScheduled(taskQueue, input)).result();
      expect(result.period).toBe(period);
      expect(result.runs).toEqual([{ outcome: 'skipped', reason: 'already_running', workflowId }]);
      expect(fake.inputsOf('beginSync').map((i) => i.syncId)).toEqual([manualSyncId]); // the scheduled child never started
      expect((await manual.describe()).status.name).toBe('RUNNING');

      hold.open();
      expect(await manual.result()).toEqual({ syncId: manualSyncId, status: 'succeeded', counts: COUNTS });
    });
  });

  it(`retries a failed run once, ${RETRY_AFTER_MINUTES * 60} s (autoRetryAfterMinutes) later, as trigger "retry" of the failed sync`, async () => {
    const fake = fakeActivities({
      beginSync: async (input) => {
        if (input.trigger === 'schedule') throw ApplicationFailure.nonRetryable('Company has no Personio credentials', FailureType.NoPersonioCredentials);
        return { entryCount: 18 };
      },
    });
    const input = scheduledInput();
    await withWorker(env, fake.activities, async (taskQueue) => {
      const handle = await startScheduled(taskQueue, input);
      const result = await handle.result();

      const [first, second] = fake.inputsOf('beginSync');
      const workflowId = payrollSyncWorkflowId(input.companyId, result.period);
      expect(fake.inputsOf('beginSync')).toEqual([
        { syncId: expect.any(String), companyId: input.companyId, period: result.period, trigger: 'schedule', dryRun: false, workflowId, runId: expect.any(String) },
        { syncId: expect.any(String), companyId: input.companyId, period: result.period, trigger: 'retry', retryOf: first!.syncId, dryRun: false, workflowId, runId: expect.any(String) },
      ]);
      expect(second!.syncId).not.toBe(first!.syncId);
      expect(result.runs).toEqual([
        { outcome: 'ran', syncId: first!.syncId, status: 'failed', trigger: 'schedule' },
        { outcome: 'ran', syncId: second!.syncId, status: 'succeeded', trigger: 'retry' },
      ]);
      // The failed run was recorded and mailed before the pause; the retry came after one timer of autoRetryAfterMinutes.
      expect(fake.inputsOf('finishSync')[0]).toEqual({ syncId: first!.syncId, failure: { message: 'Company has no Personio credentials', type: FailureType.NoPersonioCredentials } });
      const timers = await historyEvents(handle, 'EVENT_TYPE_TIMER_STARTED');
      expect(timers.map(timerSeconds)).toEqual([RETRY_AFTER_MINUTES * 60]);
      expect(await historyEvents(handle, 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED')).toHaveLength(2);
    });
  });

  it('retries a partially failed run too, but only once: a failed retry is not retried again', async () => {
    const fake = fakeActivities({
      beginSync: async (input) => {
        if (input.trigger === 'retry') throw ApplicationFailure.nonRetryable('Company has no Personio credentials', FailureType.NoPersonioCredentials);
        return { entryCount: 18 };
      },
      finishSync: async (input) => ({ status: input.failure ? 'failed' : 'partially_failed', counts: { ...COUNTS, failed: 2 } }),
    });
    await withWorker(env, fake.activities, async (taskQueue) => {
      const result = await (await startScheduled(taskQueue, scheduledInput())).result();
      const [first, second] = fake.inputsOf('beginSync');
      expect(result.runs).toEqual([
        { outcome: 'ran', syncId: first!.syncId, status: 'partially_failed', trigger: 'schedule' },
        { outcome: 'ran', syncId: second!.syncId, status: 'failed', trigger: 'retry' },
      ]);
      expect(fake.inputsOf('beginSync')).toHaveLength(2);
    });
  });

  it('autoRetryAfterMinutes null: a failed run stays failed, without a pause', async () => {
    const fake = fakeActivities({
      beginSync: async () => {
        throw ApplicationFailure.nonRetryable('Company has no Personio credentials', FailureType.NoPersonioCredentials);
      },
    });
    await withWorker(env, fake.activities, async (taskQueue) => {
      const handle = await startScheduled(taskQueue, scheduledInput({ autoRetryAfterMinutes: null }));
      const result = await handle.result();
      expect(result.runs).toEqual([{ outcome: 'ran', syncId: fake.inputsOf('beginSync')[0]!.syncId, status: 'failed', trigger: 'schedule' }]);
      expect(fake.inputsOf('beginSync')).toHaveLength(1);
      expect(await historyEvents(handle, 'EVENT_TYPE_TIMER_STARTED')).toEqual([]);
    });
  });

  const STOPPED_BY = { terminate: 'terminated', cancel: 'cancelled' } as const;
  for (const stop of ['terminate', 'cancel'] as const) {
    it(`a sync an operator stopped (${stop}) is not retried automatically`, async () => {
      const hold = gate(); // never opened: the sync hangs in beginSync until it is stopped
      const fake = fakeActivities({
        beginSync: async () => {
          await waitAtGate(hold);
          return { entryCount: 18 };
        },
      });
      const input = scheduledInput();
      await withWorker(env, fake.activities, async (taskQueue) => {
        const period = await periodOfAPlainStartNow();
        const handle = await startScheduled(taskQueue, input);
        await eventually(() => fake.inputsOf('beginSync').length === 1, 10_000, 'the scheduled sync to begin');
        const child = env.client.workflow.getHandle(payrollSyncWorkflowId(input.companyId, period));
        if (stop === 'terminate') await child.terminate('stopped by an operator');
        else await child.cancel();
        const result = await handle.result();
        expect(result.runs).toEqual([{ outcome: 'ran', syncId: fake.inputsOf('beginSync')[0]!.syncId, status: 'failed', trigger: 'schedule', stoppedBy: STOPPED_BY[stop] }]);
        expect(result.automaticRetry).toBe('sync_stopped');
        expect(fake.inputsOf('beginSync')).toHaveLength(1);
        expect(await historyEvents(handle, 'EVENT_TYPE_TIMER_STARTED')).toEqual([]);
      });
    });
  }

  it('a run waiting for its automatic retry ends without it when told the schedule was paused or deleted', async () => {
    const fake = fakeActivities({
      beginSync: async () => {
        throw ApplicationFailure.nonRetryable('Company has no Personio credentials', FailureType.NoPersonioCredentials);
      },
    });
    await withWorker(env, fake.activities, async (taskQueue) => {
      // A pause of 6 hours, as in production: only the signal can end it within the test.
      const handle = await startScheduled(taskQueue, scheduledInput({ autoRetryAfterMinutes: 360 }));
      await eventually(async () => (await historyEvents(handle, 'EVENT_TYPE_TIMER_STARTED')).length === 1, 10_000, 'the retry pause to start');
      await handle.signal(cancelAutomaticRetrySignal, { reason: 'schedule_deleted' });
      const result = await handle.result();
      expect(result.automaticRetry).toBe('schedule_deleted');
      expect(result.runs).toHaveLength(1);
      expect(fake.inputsOf('beginSync')).toHaveLength(1);
    });
  });
});
