// Monthly schedules on the real Temporal dev server: the spec Temporal holds, the period a run exports
// (from the scheduled time, in the schedule's time zone), the per-period lock, pause/delete, DST-unsafe times, trigger
// outcomes, a run waiting for its automatic retry. That the retry runs after its pause, as trigger "retry" of the
// failed sync, is the workflow tier's (test/workflows/scheduled-payroll-sync.test.ts, a 1.2 s pause, not a real minute).
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduledPayrollSyncResult } from '../../contracts/schedule.js';
import { companySchema, failedSyncListSchema, problemSchema, scheduleViewSchema, syncDetailSchema, syncStartedSchema } from '../support/api-schemas.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createScenario, expectExactlyOnce, startSync } from '../support/payroll-scenario.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const scheduleHandle = (companyId: string) => h.temporal.schedule.getHandle(`payroll-schedule:${companyId}`);

/**
 * Makes Temporal run the schedule as it would have at `at`. The window reaches past the schedule's jitter: a backfill
 * takes the jittered times that fall inside it.
 */
async function backfillAround(companyId: string, at: Date, overlap: ScheduleOverlapPolicy = ScheduleOverlapPolicy.ALLOW_ALL): Promise<void> {
  await scheduleHandle(companyId).backfill([{ start: new Date(at.getTime() - 60_000), end: new Date(at.getTime() + 6 * 60_000), overlap }]);
}

/** Waits until the schedule has taken `count` actions, and returns the results of their workflows. */
async function scheduledResults(companyId: string, count: number): Promise<ScheduledPayrollSyncResult[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { info } = await scheduleHandle(companyId).describe();
    if (info.recentActions.length >= count) {
      return Promise.all(
        info.recentActions.slice(0, count).map((a) => h.temporal.workflow.getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId).result()),
      );
    }
    if (Date.now() > deadline) throw new Error(`schedule took ${info.recentActions.length} of ${count} actions`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('payroll schedule', () => {
  it('creates a Temporal Schedule with the right spec and time zone, and shows its next runs', async () => {
    const s = await createScenario(h, { employees: 1, benefits: 1 });
    const res = await h.apiAs(scheduleViewSchema, 'PUT', `/v1/companies/${s.companyId}/payroll-schedule`, { dayOfMonth: 1, hour: 0, minute: 30, period: 'previous' });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ dayOfMonth: 1, hour: 0, minute: 30, timezone: 'Europe/Berlin', period: 'previous', paused: false, autoRetryAfterMinutes: 360 });
    expect(res.json.temporalUiUrl).toBe(`http://temporal-ui.test/namespaces/default/schedules/payroll-schedule%3A${s.companyId}`);
    const described = await scheduleHandle(s.companyId).describe();
    expect(described.spec.timezone).toBe('Europe/Berlin');
    expect(described.spec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 1, step: 1 }], hour: [{ start: 0, end: 0, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });
    expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'scheduledPayrollSync' });
    // The next run is at 00:30 Berlin time on a 1st: 23:30 or 22:30 UTC the day before.
    const next = new Date(res.json.nextRunTimes[0]!);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    // Up to 5 minutes later (the jitter that spreads companies scheduled for the same minute).
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(next)).toMatch(/^01, 00:3[0-5]$/);
    expect(described.spec.jitter).toBe(5 * 60_000);
    await h.api('DELETE', `/v1/companies/${s.companyId}/payroll-schedule`);
  });

  it.each([
    ['winter', '2025-12-31T23:30:00Z', '2025-12'],
    ['summer', '2026-06-30T22:30:00Z', '2026-06'],
  ])('a run scheduled at 00:30 on the 1st, Berlin time, in %s exports the previous month', async (_season, scheduledUtc, expectedPeriod) => {
    const s = await createScenario(h, { employees: 3, benefits: 1, period: expectedPeriod });
    expect((await h.api('PUT', `/v1/companies/${s.companyId}/payroll-schedule`, { dayOfMonth: 1, hour: 0, minute: 30, period: 'previous' })).status).toBe(200);
    // A backfill makes Temporal run the schedule as it would have at that moment.
    const at = new Date(scheduledUtc);
    await backfillAround(s.companyId, at);
    const [run] = await scheduledResults(s.companyId, 1);
    expect(run).toMatchObject({ period: expectedPeriod, scheduledAt: at.toISOString(), runs: [{ outcome: 'ran', status: 'succeeded', trigger: 'schedule' }] });
    const syncId = (run?.runs[0] as { syncId: string }).syncId;
    const sync = await h.apiAs(syncDetailSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs/${syncId}`);
    expect(sync.json).toMatchObject({ period: expectedPeriod, trigger: 'schedule', status: 'succeeded', workflowId: `payroll-sync:${s.companyId}:${expectedPeriod}` });
    await expectExactlyOnce(h, s);
    const view = await h.apiAs(scheduleViewSchema, 'GET', `/v1/companies/${s.companyId}/payroll-schedule`);
    expect(view.json.recentRuns[0]).toMatchObject({ period: expectedPeriod, syncs: [{ syncId, outcome: 'ran', status: 'succeeded' }] });
    await h.api('DELETE', `/v1/companies/${s.companyId}/payroll-schedule`);
  });

  it('a scheduled run while a manual sync of the same period runs is skipped and pushes nothing twice', async () => {
    const now = new Date();
    const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
    const period = `${previous.getUTCFullYear()}-${String(previous.getUTCMonth() + 1).padStart(2, '0')}`;
    const s = await createScenario(h, { employees: 20, benefits: 1, period });
    await h.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'latency', latencyMs: 150 });
    expect((await h.api('PUT', `/v1/companies/${s.companyId}/payroll-schedule`, { dayOfMonth: 28, hour: 3, minute: 0, timezone: 'UTC' })).status).toBe(200);
    const manual = await startSync(h, s);
    const trigger = await h.api('POST', `/v1/companies/${s.companyId}/payroll-schedule/trigger`);
    expect(trigger.status).toBe(202);
    const [run] = await scheduledResults(s.companyId, 1);
    expect(run).toMatchObject({ period, runs: [{ outcome: 'skipped', reason: 'already_running', workflowId: `payroll-sync:${s.companyId}:${period}` }] });
    await h.temporal.workflow.getHandle(manual.workflowId, manual.runId).result();
    await h.admin.clearFaults();
    await expectExactlyOnce(h, s);
    const view = await h.apiAs(scheduleViewSchema, 'GET', `/v1/companies/${s.companyId}/payroll-schedule`);
    expect(view.json.recentRuns[0]!.syncs).toEqual([{ syncId: null, outcome: 'skipped: already running', status: null, trigger: null }]);
    await h.api('DELETE', `/v1/companies/${s.companyId}/payroll-schedule`);
  });

  it('pauses with a note, unpauses and deletes', async () => {
    const s = await createScenario(h, { employees: 1, benefits: 1 });
    const base = { dayOfMonth: 5, hour: 6, minute: 0, period: 'current' };
    expect((await h.apiAs(scheduleViewSchema, 'PUT', `/v1/companies/${s.companyId}/payroll-schedule`, { ...base, paused: true, note: 'Paused during the audit' })).json).toMatchObject({ paused: true, note: 'Paused during the audit' });
    expect((await scheduleHandle(s.companyId).describe()).state.paused).toBe(true);
    expect((await h.apiAs(scheduleViewSchema, 'PUT', `/v1/companies/${s.companyId}/payroll-schedule`, { ...base, paused: false })).json.paused).toBe(false);
    expect((await scheduleHandle(s.companyId).describe()).state.paused).toBe(false);
    expect((await h.api('DELETE', `/v1/companies/${s.companyId}/payroll-schedule`)).status).toBe(204);
    expect((await h.api('GET', `/v1/companies/${s.companyId}/payroll-schedule`)).status).toBe(404);
    expect((await h.api('DELETE', `/v1/companies/${s.companyId}/payroll-schedule`)).status).toBe(404);
    const bad = await h.apiAs(problemSchema, 'PUT', `/v1/companies/${s.companyId}/payroll-schedule`, { dayOfMonth: 31, hour: 24, minute: 0, period: 'next' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors!.map((e) => e.field).sort()).toEqual(['dayOfMonth', 'hour', 'period']);
  });

  it('lists a failed sync across companies with a retry link, and the retry succeeds', async () => {
    const s = await createScenario(h, { employees: 2, benefits: 1, period: '2026-09' });
    // The credential disappears in Personio: the sync fails as a whole.
    const company = (await h.apiAs(companySchema, 'GET', `/v1/companies/${s.companyId}`)).json;
    await h.admin.deleteCredentials(company.personio!.clientId);
    const failed = await startSync(h, s);
    await h.temporal.workflow.getHandle(failed.workflowId, failed.runId).result().catch(() => undefined);
    const list = await h.apiAs(failedSyncListSchema, 'GET', '/v1/payroll-syncs?status=failed');
    expect(list.status).toBe(200);
    const listed = list.json.items.find((i: { syncId: string }) => i.syncId === failed.syncId);
    expect(listed).toMatchObject({ status: 'failed', companyId: s.companyId, links: { retry: `/v1/companies/${s.companyId}/payroll-syncs/${failed.syncId}/retry` } });
    expect(listed!.temporalUiUrl).toContain(encodeURIComponent(failed.workflowId));
    const detail = (await h.apiAs(syncDetailSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs/${failed.syncId}`)).json;
    expect(detail.failure).toMatchObject({ type: 'Personio.credentials_rejected', message: 'Personio rejected the API credentials.' });

    await h.admin.setCredentials({ clientId: company.personio!.clientId, clientSecret: `secret-${s.companyId}-s3cr3t`, scopes: ['personio:persons:read', 'personio:compensations:read', 'personio:compensations:write'] });
    const retry = await h.apiAs(syncStartedSchema, 'POST', listed!.links.retry!);
    expect(retry.status).toBe(202);
    await h.temporal.workflow.getHandle(retry.json.workflowId, retry.json.runId).result();
    expect((await h.apiAs(syncDetailSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs/${retry.json.syncId}`)).json).toMatchObject({ status: 'succeeded', trigger: 'retry', retryOf: failed.syncId });
    await expectExactlyOnce(h, s);
  });

  it.each([
    ['Europe/Berlin', 26, 2, 30, 'skipped', { hour: 3, minute: 30 }],
    ['America/New_York', 1, 1, 30, 'repeated', { hour: 2, minute: 30 }],
  ] as const)('rejects a local time a daylight-saving change can skip or repeat (%s, day %i at %i:%i) with a safe time', async (timezone, dayOfMonth, hour, minute, kind, suggestedTime) => {
    const s = await createScenario(h, { employees: 1, benefits: 1 });
    const res = await h.apiAs(problemSchema, 'PUT', `/v1/companies/${s.companyId}/payroll-schedule`, { dayOfMonth, hour, minute, timezone });
    expect(res.status, res.text).toBe(422);
    expect(res.json.errors).toEqual([{ field: 'hour', reason: expect.stringContaining(kind) }]);
    expect(res.json.detail).toMatch(kind === 'skipped' ? /never be exported/ : /exported twice/);
    expect((res.json as unknown as { suggestedTime: unknown }).suggestedTime).toEqual(suggestedTime);
    expect((await h.api('GET', `/v1/companies/${s.companyId}/payroll-schedule`)).status).toBe(404);
    // The suggested time is accepted.
    expect((await h.api('PUT', `/v1/companies/${s.companyId}/payroll-schedule`, { dayOfMonth, timezone, ...suggestedTime })).status).toBe(200);
    await h.api('DELETE', `/v1/companies/${s.companyId}/payroll-schedule`);
  });

  it('trigger says whether a run started or was skipped and why; deleting the schedule cancels the retry a run waits for', { timeout: 120_000 }, async () => {
    const s = await createScenario(h, { employees: 2, benefits: 1, period: '2026-07' });
    const path = `/v1/companies/${s.companyId}/payroll-schedule`;
    expect((await h.api('PUT', path, { dayOfMonth: 3, hour: 6, minute: 0, timezone: 'UTC', autoRetryAfterMinutes: 360 })).status).toBe(200);
    await h.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'status', status: 400, count: 1 });
    // Under the schedule's own overlap policy (skip), so Temporal tracks the run as open, as it does a scheduled one.
    await backfillAround(s.companyId, new Date('2026-08-03T06:00:00Z'), ScheduleOverlapPolicy.SKIP);
    // The run's sync partially fails; the run then waits 6 hours for its automatic retry.
    let waiting: { workflowId: string; runId: string } | undefined;
    for (const deadline = Date.now() + 60_000; !waiting && Date.now() < deadline; await new Promise((r) => setTimeout(r, 300))) {
      const { info } = await scheduleHandle(s.companyId).describe();
      const open = info.runningActions[0];
      if (!open) continue;
      const history = await h.temporal.workflow.getHandle(open.workflow.workflowId).fetchHistory();
      if (history.events?.some((e) => e.timerStartedEventAttributes)) waiting = { workflowId: open.workflow.workflowId, runId: open.workflow.firstExecutionRunId };
    }
    expect(waiting, 'a scheduled run waiting for its retry').toBeDefined();

    const skipped = await h.api('POST', `${path}/trigger`);
    expect(skipped.status, skipped.text).toBe(202);
    expect(skipped.json).toMatchObject({ triggered: false, outcome: 'skipped', reason: expect.stringContaining('automatic retry'), workflowId: waiting!.workflowId });

    expect((await h.api('DELETE', path)).status).toBe(204);
    const result = (await h.temporal.workflow.getHandle(waiting!.workflowId, waiting!.runId).result()) as ScheduledPayrollSyncResult;
    expect(result.automaticRetry).toBe('schedule_deleted');
    expect(result.runs).toMatchObject([{ outcome: 'ran', status: 'partially_failed', trigger: 'schedule' }]);

    // With nothing open, a trigger starts a run.
    expect((await h.api('PUT', path, { dayOfMonth: 3, hour: 6, minute: 0, timezone: 'UTC', autoRetryAfterMinutes: null })).status).toBe(200);
    const started = await h.api('POST', `${path}/trigger`);
    expect(started.status, started.text).toBe(202);
    expect(started.json).toMatchObject({ triggered: true, outcome: 'started', workflowId: expect.stringMatching(/^payroll-schedule-run:/) });
    await h.api('DELETE', path);
  });
});
