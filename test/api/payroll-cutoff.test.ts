// The payroll cut-off (company setting payrollCutoffDay): a real sync of a closed period is refused unless it says
// allowAfterCutoff, a dry run says the period is past it, and a schedule that would always export too late is refused.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payrollSyncWorkflowId, WORKFLOW_TYPES } from '../../contracts/ids.js';
import { companySchema, problemSchema, syncDetailSchema, syncStartedSchema } from '../support/api-schemas.js';
import { periodClosedProblemSchema } from '../../api/schemas/payroll-syncs.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createScenario, expectExactlyOnce, waitForSync } from '../support/payroll-scenario.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** September 2026's payroll closed on 5 October 2026: long past. */
const CLOSED_PERIOD = '2026-09';

async function companyWithCutoff(period: string, cutoffDay: number | null) {
  const s = await createScenario(h, { employees: 3, benefits: 1, period });
  const res = await h.apiAs(companySchema, 'PUT', `/v1/companies/${s.companyId}`, { name: 'Cut-off GmbH', managerEmails: [`hr@${s.companyId}.example`], payrollCutoffDay: cutoffDay });
  expect(res.status, res.text).toBe(200);
  expect(res.json.payrollCutoffDay).toBe(cutoffDay);
  return s;
}

describe('payroll cut-off', () => {
  it('a scheduled run of a closed period (a late catch-up) exports nothing and says why', async () => {
    const s = await companyWithCutoff(CLOSED_PERIOD, 5);
    await h.admin.clearRequests();
    const syncId = randomUUID();
    // As the schedule's run starts it: no export-log entry before, trigger schedule.
    const handle = await h.temporal.workflow.start(WORKFLOW_TYPES.payrollSync, {
      taskQueue: h.taskQueue,
      workflowId: payrollSyncWorkflowId(s.companyId, s.period),
      args: [{ syncId, companyId: s.companyId, period: s.period, trigger: 'schedule', dryRun: false }],
    });
    await handle.result().catch(() => undefined);
    const view = (await h.apiAs(syncDetailSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs/${syncId}`)).json;
    expect(view.status).toBe('failed');
    expect(view.failure).toMatchObject({ type: 'PayrollPeriodClosed', message: expect.stringContaining('scheduled run exported nothing') });
    expect((await h.admin.listRequests({ method: 'POST' })).filter((r) => !r.path.includes('/auth'))).toEqual([]);
  });

  it('refuses a sync of a closed period with 409 payroll-period-closed, and writes nothing', async () => {
    const s = await companyWithCutoff(CLOSED_PERIOD, 5);
    const res = await h.apiAs(periodClosedProblemSchema, 'POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period: s.period });
    expect(res.status, res.text).toBe(409);
    expect(res.json.closedAt).toBe('2026-10-05T22:00:00.000Z'); // midnight after 5 October, Berlin summer time
    expect(res.json.type).toBe('urn:payroll-sync:problem:payroll-period-closed');
    expect(res.json.errors).toEqual([{ field: 'period', reason: expect.stringContaining('past its payroll cut-off') }]);
    expect(res.json.detail).toContain('allowAfterCutoff');
    expect((await h.api('GET', `/v1/companies/${s.companyId}/payroll-syncs`)).json).toMatchObject({ items: [] });
    // The OpenAPI document declares that answer.
    const doc = (await (await fetch(`${h.apiUrl}/openapi.json`)).json()) as { components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.components.schemas)).toContain('PayrollPeriodClosedProblem');
  });

  it('a dry run of a closed period goes ahead and says it is past the cut-off', async () => {
    const s = await companyWithCutoff(CLOSED_PERIOD, 5);
    const started = await h.apiAs(syncStartedSchema, 'POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period: s.period, dryRun: true });
    expect(started.status, started.text).toBe(202);
    expect(started.json.pastCutoff).toBe(true);
    const view = await waitForSync(h, s, started.json);
    expect(view.pastCutoff).toBe(true);
    expect(view.dryRun).toBe(true);
  });

  it('allowAfterCutoff: true exports it as a late export, exactly once, and its retry is allowed too', async () => {
    const s = await companyWithCutoff(CLOSED_PERIOD, 5);
    const started = await h.apiAs(syncStartedSchema, 'POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period: s.period, allowAfterCutoff: true });
    expect(started.status, started.text).toBe(202);
    expect(started.json.pastCutoff).toBe(true);
    const view = await waitForSync(h, s, started.json);
    expect(view).toMatchObject({ status: 'succeeded', pastCutoff: true });
    await expectExactlyOnce(h, s);
    const retry = await h.apiAs(syncStartedSchema, 'POST', `/v1/companies/${s.companyId}/payroll-syncs/${started.json.syncId}/retry`);
    // Only failed syncs are usually retried, but the endpoint runs the period again; it must not be refused as closed.
    expect(retry.status, retry.text).toBe(202);
    await waitForSync(h, s, retry.json);
    await expectExactlyOnce(h, s);
  });

  it('no cut-off, or one not yet reached: syncs as before', async () => {
    const open = await companyWithCutoff(CLOSED_PERIOD, null);
    expect((await h.api('POST', `/v1/companies/${open.companyId}/payroll-syncs`, { period: open.period, dryRun: true })).status).toBe(202);
    // A period whose cut-off lies years ahead.
    const future = await companyWithCutoff('2030-01', 28);
    const started = await h.apiAs(syncStartedSchema, 'POST', `/v1/companies/${future.companyId}/payroll-syncs`, { period: future.period, dryRun: true });
    expect(started.status, started.text).toBe(202);
    expect(started.json.pastCutoff).toBe(false);
  });

  it('rejects a schedule whose run day falls after the cut-off (exporting the previous month), and a cut-off outside 1–28', async () => {
    const s = await companyWithCutoff(CLOSED_PERIOD, 5);
    const late = await h.apiAs(problemSchema, 'PUT', `/v1/companies/${s.companyId}/payroll-schedule`, { dayOfMonth: 10, hour: 6, minute: 0, period: 'previous' });
    expect(late.status, late.text).toBe(422);
    expect(late.json.errors).toEqual([{ field: 'dayOfMonth', reason: 'after the payroll cut-off day 5' }]);
    expect((await h.api('PUT', `/v1/companies/${s.companyId}/payroll-schedule`, { dayOfMonth: 5, hour: 6, minute: 0, period: 'previous' })).status).toBe(200);
    expect((await h.api('PUT', `/v1/companies/${s.companyId}/payroll-schedule`, { dayOfMonth: 20, hour: 6, minute: 0, period: 'current' })).status).toBe(200);
    await h.api('DELETE', `/v1/companies/${s.companyId}/payroll-schedule`);
    const bad = await h.apiAs(problemSchema, 'PUT', `/v1/companies/${s.companyId}`, { name: 'x', managerEmails: ['hr@x.example'], payrollCutoffDay: 29 });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([{ field: 'payrollCutoffDay', reason: expect.stringContaining('1–28') }]);
  });
});
