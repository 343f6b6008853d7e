// The payroll sync end to end: API → Temporal → worker → sandbox, compared against what Personio holds.
import { randomUUID } from 'node:crypto';
import { DRY_RUN, SYNC_STATUS } from '../../contracts/search-attributes.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { syncRunCollections } from '../../db/sync-runs.js';
import { syncWorkCollections } from '../../db/sync-work.js';
import { benefitMappingsSchema, failedSyncListSchema, syncConflictProblemSchema, syncDetailSchema, syncListSchema, syncStartedSchema } from '../support/api-schemas.js';
import { parseApiJson, startHarness, type Harness } from '../support/harness.js';
import { SANDBOX_PERSONALITIES } from '../support/personalities.js';
import {
  compensationsOf,
  createScenario,
  describeCompensation,
  expectedCompensations,
  expectExactlyOnce,
  putEntries,
  runSync,
} from '../support/payroll-scenario.js';

// One product instance per sandbox personality; the default one also serves the tests after the exactly-once ones.
const harnesses = new Map<string, Harness>();
let h: Harness;
beforeAll(async () => {
  for (const { name, personality } of SANDBOX_PERSONALITIES) harnesses.set(name, await startHarness(personality ? { personality } : {}));
  h = harnesses.get('default') as Harness;
});
afterAll(async () => {
  for (const harness of harnesses.values()) await harness.close();
});

describe.each(SANDBOX_PERSONALITIES)('exactly once against the $name sandbox', ({ name }) => {
  let h: Harness;
  beforeAll(() => {
    h = harnesses.get(name) as Harness;
  });

  it('pushes every entry once, creates each unmapped type once, and leaves a complete export log', async () => {
    const s = await createScenario(h, { employees: 40 });
    const typesBefore = await h.admin.listCompensationTypes();
    const sync = await runSync(h, s, {}, '?resultsLimit=1000');
    expect(sync.status).toBe('succeeded');
    expect(sync.trigger).toBe('api');
    expect(sync.counts).toMatchObject({
      entries: 120,
      employees: 40,
      employeesMatched: 40,
      employeesUnmatched: 0,
      compensationsCreated: 120,
      alreadyPresent: 0,
      corrections: 0,
      failed: 0,
    });
    await expectExactlyOnce(h, s);

    const typesAfter = await h.admin.listCompensationTypes();
    const newTypes = typesAfter.filter((t) => !typesBefore.some((b) => b.id === t.id));
    expect(newTypes.map((t) => [t.name, t.category]).sort()).toEqual([
      [`Internetpauschale ${s.companyId}`, 'ONE_TIME'],
      [`Mobilitätsbudget ${s.companyId}`, 'ONE_TIME'],
    ]);
    expect(sync.createdCompensationTypes.map((t: { benefitKey: string; how: string }) => [t.benefitKey, t.how]).sort()).toEqual([
      ['internet', 'created'],
      ['mobility', 'created'],
    ]);
    const mappings = (await h.apiAs(benefitMappingsSchema, 'GET', `/v1/companies/${s.companyId}/benefit-mappings`)).json;
    expect(mappings.every((m) => m.compensationTypeId)).toBe(true);

    expect(sync.results.total).toBe(120);
    expect(sync.results.items.every((r: { status: string; personioCompensationIds: string[] }) => r.status === 'created' && r.personioCompensationIds.length === 1)).toBe(true);
    const totalCents = s.entries.reduce((sum, e) => sum + Math.round(Number(e.amount) * 100), 0);
    expect(sync.totals.reduce((sum: number, t: { amountCents: number }) => sum + t.amountCents, 0)).toBe(totalCents);
    expect(sync.totals.reduce((sum: number, t: { transferredCents: number }) => sum + t.transferredCents, 0)).toBe(totalCents);

    const log = await h.apiAs(syncListSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs`);
    expect(log.json.items.map((i: { syncId: string }) => i.syncId)).toEqual([sync.syncId]);

    // What the Temporal UI lists: a static summary, the outcome as search attributes.
    const described = await h.temporal.workflow.getHandle(sync.workflowId).describe();
    expect(await described.staticSummary()).toBe(`Payroll sync · company ${s.companyId} · ${s.period} · 120 entries · started by api`);
    expect(described.typedSearchAttributes.get(SYNC_STATUS)).toBe('succeeded');
    expect(described.typedSearchAttributes.get(DRY_RUN)).toBe(false);
  });

  it('pushes nothing when the same sync runs twice', async () => {
    const s = await createScenario(h, { employees: 10 });
    const first = await runSync(h, s);
    expect(first.counts!.compensationsCreated).toBe(30);
    const second = await runSync(h, s);
    expect(second.status).toBe('succeeded');
    expect(second.counts).toMatchObject({ compensationsCreated: 0, alreadyPresent: 30, corrections: 0 });
    await expectExactlyOnce(h, s);
    const log = await h.apiAs(syncListSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs`);
    expect(log.json.items.map((i: { syncId: string }) => i.syncId)).toEqual([second.syncId, first.syncId]);

    // The export log pages with a cursor, newest first.
    const page1 = await h.apiAs(syncListSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs?limit=1`);
    expect(page1.json.items.map((i: { syncId: string }) => i.syncId)).toEqual([second.syncId]);
    const page2 = await h.apiAs(syncListSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs?limit=1&cursor=${page1.json.nextCursor}`);
    expect(page2.json.items.map((i: { syncId: string }) => i.syncId)).toEqual([first.syncId]);
    expect(page2.json.nextCursor).toBeNull();
    const other = await h.apiAs(syncListSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs?period=2020-01`);
    expect(other.json.items).toEqual([]);
    expect((await h.api('GET', `/v1/companies/${s.companyId}/payroll-syncs?cursor=garbage`)).status).toBe(400);
  });

  it('pushes only the difference when an amount was raised, and reports a lowered one for manual action', async () => {
    const s = await createScenario(h, { employees: 3, benefits: 1 });
    await runSync(h, s);
    const raised = s.entries.map((e, i) => (i === 0 ? { ...e, amount: (Number(e.amount) + 12.34).toFixed(2) } : e));
    await putEntries(h, s, raised);
    const second = await runSync(h, s, {}, '?resultsLimit=10');
    expect(second.counts).toMatchObject({ compensationsCreated: 0, corrections: 1, alreadyPresent: 2 });
    expect(second.results.items[0]).toMatchObject({ status: 'correction_created' });
    const held = await compensationsOf(h, [s.persons[0]!]);
    expect(held.map((c) => c.value).sort()).toEqual([12.34, Number(s.entries[0]!.amount)].sort());

    const lowered = raised.map((e, i) => (i === 1 ? { ...e, amount: (Number(e.amount) - 1).toFixed(2) } : e));
    await putEntries(h, s, lowered);
    const third = await runSync(h, s, {}, '?resultsLimit=10');
    expect(third.status).toBe('partially_failed');
    expect(third.counts).toMatchObject({ needsManualCorrection: 1, corrections: 0, compensationsCreated: 0, alreadyPresent: 2 });
    expect(third.results.items[1]).toMatchObject({ status: 'needs_manual_correction' });
    expect(third.results.items[1]!.reason).toMatch(/correct it in Personio by hand/);
    expect((await compensationsOf(h, s.persons)).length).toBe(4);
  });

});

describe('payroll sync', () => {
  it('a dry run reports what would happen and writes nothing to Personio', async () => {
    const s = await createScenario(h, { employees: 5 });
    const before = (await h.admin.listRequests()).filter((r) => r.method === 'POST').length;
    const dry = await runSync(h, s, { dryRun: true });
    expect(dry.status).toBe('succeeded');
    expect(dry.dryRun).toBe(true);
    expect(dry.counts).toMatchObject({ wouldCreate: 15, compensationsCreated: 0 });
    const posts = (await h.admin.listRequests()).filter((r) => r.method === 'POST' && r.path !== '/v2/auth/token');
    expect(posts.length - before).toBeLessThanOrEqual(0);
    expect(await compensationsOf(h, s.persons)).toEqual([]);

    await runSync(h, s);
    await putEntries(h, s, s.entries.map((e, i) => (i === 0 ? { ...e, amount: (Number(e.amount) + 5).toFixed(2) } : e)));
    const dry2 = await runSync(h, s, { dryRun: true });
    expect(dry2.counts).toMatchObject({ wouldCreate: 0, wouldCorrect: 1, alreadyPresent: 14 });
  });

  it('reports unmatched, inactive and duplicate-email employees and a vanished type per entry, and syncs the rest', async () => {
    const s = await createScenario(h, {
      employees: 4,
      benefits: 1,
      extraPersons: [
        { email: 'left@example.org', first_name: 'Left', status: 'INACTIVE' },
        { email: 'twice@example.org', first_name: 'Twin A' },
        { email: 'TWICE@example.org', first_name: 'Twin B' },
      ],
    });
    const entries = [
      ...s.entries,
      { employeeEmail: 'nobody@example.org', benefitKey: 'meal', amount: '10.00' },
      { employeeEmail: 'left@example.org', benefitKey: 'meal', amount: '11.00' },
      { employeeEmail: 'twice@example.org', benefitKey: 'meal', amount: '12.00' },
    ];
    await putEntries(h, s, entries);
    const sync = await runSync(h, s, {}, '?resultsLimit=100');
    expect(sync.status).toBe('partially_failed');
    const byEmail = Object.fromEntries(sync.results.items.map((r: { employeeEmail: string; status: string; reason: string | null }) => [r.employeeEmail, r]));
    expect(byEmail['nobody@example.org']).toMatchObject({ status: 'unmatched' });
    expect(byEmail['nobody@example.org']!.reason).toMatch(/No employee in Personio has this email/);
    expect(byEmail['left@example.org']).toMatchObject({ status: 'inactive' });
    expect(byEmail['twice@example.org']).toMatchObject({ status: 'ambiguous' });
    expect(sync.counts).toMatchObject({ compensationsCreated: 4, employeesUnmatched: 2, employeesInactive: 1, entriesNotMatched: 3 });
    const held = (await compensationsOf(h, s.persons)).map(describeCompensation).sort();
    expect(held).toEqual(await expectedCompensations(h, s));

    await h.admin.deleteCompensationType(s.mappedTypeId);
    const again = await runSync(h, s, {}, '?resultsLimit=100');
    const missing = again.results.items.filter((r: { status: string }) => r.status === 'type_missing');
    expect(missing).toHaveLength(4);
    expect(missing[0]!.reason).toMatch(/no longer exists in Personio/);
    expect(again.status).toBe('failed');
  });

  it('rejects a second sync of the same period while one runs, naming it', async () => {
    const s = await createScenario(h, { employees: 30 });
    await h.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'latency', latencyMs: 100 });
    const [a, b] = await Promise.all([
      h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period: s.period }),
      h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period: s.period }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([202, 409]);
    const winner = parseApiJson(syncStartedSchema, a.status === 202 ? a : b);
    const loser = parseApiJson(syncConflictProblemSchema, a.status === 409 ? a : b);
    expect(loser.headers.get('content-type')).toContain('application/problem+json');
    expect(loser.json.runningSyncId).toBe(winner.json.syncId);
    await h.temporal.workflow.getHandle(winner.json.workflowId, winner.json.runId).result();
    await h.admin.clearFaults();
    await expectExactlyOnce(h, s);
  });
  it('a sync that ends with a chunk unrecorded reports its entries pending and the run partially failed, never succeeded', async () => {
    const s = await createScenario(h, { employees: 80 });
    const first = await runSync(h, s);
    expect(first.status).toBe('succeeded');
    // Replay the end of that sync as if one chunk's outcome had never been written (a lost write).
    const p = { ...syncRunCollections(h.db), ...syncWorkCollections(h.db) };
    const syncId = randomUUID();
    const { _id: _firstId, counts: _c, totals: _t, finishedAt: _f, ...run } = (await p.syncRuns.findOne({ _id: first.syncId }))!;
    await p.syncRuns.insertOne({ ...run, _id: syncId, status: 'running', workflowId: `${run.workflowId}-replayed` });
    const plans = await p.chunkPlans.find({ syncId: first.syncId }).sort({ chunkNo: 1 }).toArray();
    expect(plans.length).toBeGreaterThanOrEqual(2);
    await p.chunkPlans.insertMany(plans.map((plan) => ({ ...plan, _id: `${syncId}:${plan.chunkNo}`, syncId })));
    const kept = (await p.chunkResults.find({ syncId: first.syncId }).toArray()).filter((r) => r.chunkNo !== 1);
    await p.chunkResults.insertMany(kept.map((r) => ({ ...r, _id: `${syncId}:${r.chunkNo}`, syncId })));
    const matches = await p.personMatches.find({ syncId: first.syncId }).toArray();
    await p.personMatches.insertMany(matches.map((m) => ({ ...m, _id: `${syncId}:${m.email}`, syncId })));

    const finished = await createActivities(h.deps).finishSync({ syncId });

    const lostEntries = plans[1]!.items.reduce((sum, item) => sum + item.entryIndexes.length, 0);
    expect(finished.status).toBe('partially_failed');
    expect(finished.counts.entriesPending).toBe(lostEntries);
    expect(finished.counts.compensationsCreated).toBe(s.entries.length - lostEntries);
    const view = (await h.apiAs(syncDetailSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs/${syncId}?resultStatus=pending&resultsLimit=500`)).json;
    expect(view.status).toBe('partially_failed');
    expect(view.results.total).toBe(lostEntries);
    expect(view.results.items[0]!.reason).toMatch(/retry the sync/);
  });

  it('a sync terminated in Temporal shows as failed, with why, in the export log and the failed-sync list; its retry completes it exactly once', async () => {
    const s = await createScenario(h, { employees: 30 });
    const started = parseApiJson(syncStartedSchema, await h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period: s.period }));
    await h.temporal.workflow.getHandle(started.json.workflowId, started.json.runId).terminate('stopped by an operator');
    const view = (await h.apiAs(syncDetailSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs/${started.json.syncId}`)).json;
    expect(view.status).toBe('failed');
    expect(view.failure).toMatchObject({ type: 'SyncWorkflowEnded', message: expect.stringMatching(/^The sync was stopped before it could record its outcome: .*Retry it/) });
    const failed = (await h.apiAs(failedSyncListSchema, 'GET', '/v1/payroll-syncs?status=failed&limit=200')).json;
    expect(failed.items.map((i: { syncId: string }) => i.syncId)).toContain(started.json.syncId);
    // Activities of the terminated sync may still be running out; the retry takes over the period and completes it.
    const retry = await h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs/${started.json.syncId}/retry`);
    expect(retry.status, retry.text).toBe(202);
    const retried = parseApiJson(syncStartedSchema, retry).json;
    await h.temporal.workflow.getHandle(retried.workflowId, retried.runId).result();
    await expectExactlyOnce(h, s);
  });
});
