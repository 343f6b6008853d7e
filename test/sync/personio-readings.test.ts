// The product against each reading of what Personio's docs leave open (sandbox personalities), one focused
// sync per reading: the right employees are found, only ONE_TIME types are posted to, a lost answer is found
// again whatever the comment, and a listing that cannot be trusted stops the push instead of paying twice.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ledgerCollection } from '../../db/ledger.js';
import { ALL_SCOPES, type AdminPerson } from '../../sandbox/index.js';
import { HARNESS_RATE_LIMIT_WINDOW_MS, startHarness, type Harness } from '../support/harness.js';
import { compensationsOf, createScenario, expectExactlyOnce, putEntries, runSync, type ScenarioEntry } from '../support/payroll-scenario.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.admin.clearFaults();
  await h.admin.setRateLimit(null);
  await h.admin.setPersonality({});
});
afterAll(async () => {
  await h?.close();
});

const posts = async () => (await h.admin.listRequests({ method: 'POST', path: '/v2/compensations' })).length;

describe('email addresses', () => {
  it('matches employees whatever the case, under a case-sensitive email filter, and reports two spellings as ambiguous', async () => {
    await h.admin.setPersonality({ emailFilter: 'case_sensitive' });
    const tag = Date.now().toString(36);
    const s = await createScenario(h, {
      employees: 3,
      benefits: 1,
      extraPersons: [
        { email: `Anna.Schmidt.${tag}@Example.com`, first_name: 'Anna' },
        { email: `ben.weber.${tag}@example.com`, first_name: 'Ben' },
        { email: `twin.${tag}@example.com`, first_name: 'Twin A' },
        { email: `TWIN.${tag}@example.com`, first_name: 'Twin B' },
      ],
    });
    const [anna, ben] = s.persons.slice(3) as [AdminPerson, AdminPerson];
    const entries: ScenarioEntry[] = [
      ...s.entries,
      // Stored with capitals, sent in lower case — and the reverse.
      { employeeEmail: `anna.schmidt.${tag}@example.com`, benefitKey: 'meal', amount: '40.00' },
      { employeeEmail: `BEN.WEBER.${tag}@EXAMPLE.COM`, benefitKey: 'meal', amount: '41.00' },
      { employeeEmail: `twin.${tag}@example.com`, benefitKey: 'meal', amount: '42.00' },
    ];
    await putEntries(h, s, entries);
    const sync = await runSync(h, s, {}, '?resultsLimit=100');

    const byEmail = Object.fromEntries(sync.results.items.map((r: { employeeEmail: string }) => [r.employeeEmail, r]));
    expect(byEmail[`anna.schmidt.${tag}@example.com`]).toMatchObject({ status: 'created', personId: anna.id });
    expect(byEmail[`ben.weber.${tag}@example.com`]).toMatchObject({ status: 'created', personId: ben.id });
    expect(byEmail[`twin.${tag}@example.com`]).toMatchObject({ status: 'ambiguous' });
    expect(sync.counts).toMatchObject({ compensationsCreated: 5, employeesUnmatched: 1 });
    const held = await compensationsOf(h, [anna, ben]);
    expect(held.map((c) => [c.personId, c.value]).sort()).toEqual([[anna.id, 40], [ben.id, 41]].sort());
  });
});

describe('compensation types', () => {
  it('never posts on a mapped type whose category changed in Personio: its entries are reported', async () => {
    const s = await createScenario(h, { employees: 5, benefits: 2 });
    await h.admin.updateCompensationType(s.mappedTypeId, { category: 'RECURRING' });
    const sync = await runSync(h, s, {}, '?resultStatus=type_not_allowed&resultsLimit=100');
    expect(sync.status).toBe('partially_failed');
    expect(sync.results.total).toBe(5);
    expect(sync.results.items[0]!.reason).toMatch(/category RECURRING.*Nothing was posted/);
    const held = await compensationsOf(h, s.persons);
    expect(held.filter((c) => c.typeId === s.mappedTypeId)).toEqual([]);
    expect(held).toHaveLength(5);
  });

  it('creates a new ONE_TIME type for a benefit named like an existing RECURRING type, and reports it', async () => {
    const s = await createScenario(h, { employees: 4, benefits: 2 });
    const mobilityName = `Mobilitätsbudget ${s.companyId}`;
    const recurring = await h.admin.addCompensationType({ name: mobilityName.toUpperCase(), category: 'RECURRING' });
    const sync = await runSync(h, s);
    expect(sync.status).toBe('succeeded');
    const created = sync.createdCompensationTypes.find((t: { benefitKey: string }) => t.benefitKey === 'mobility');
    expect(created).toMatchObject({
      how: 'created',
      name: `${mobilityName} (Einmalzahlung)`,
      sameNameOtherCategory: [{ compensationTypeId: recurring.id, category: 'RECURRING' }],
    });
    const type = (await h.admin.listCompensationTypes()).find((t) => t.id === created!.compensationTypeId);
    expect(type).toMatchObject({ category: 'ONE_TIME' });
    expect((await compensationsOf(h, s.persons)).filter((c) => c.typeId === recurring.id)).toEqual([]);
    await expectExactlyOnce(h, s);
    const mail = (await h.api('GET', `/v1/companies/${s.companyId}/payroll-syncs/${sync.syncId}/summary-email?format=text`)).text;
    expect(mail).toContain(`${mobilityName} (Einmalzahlung)`);
    expect(mail).toMatch(/Kategorie RECURRING/);
  });

  it('reports a write Personio refuses for one type per entry, with its detail and the likely cause, and pushes the rest', async () => {
    const s = await createScenario(h, { employees: 4, benefits: 2 });
    await h.admin.setPersonality({ writeForbiddenTypeIds: [s.mappedTypeId] });
    const sync = await runSync(h, s, {}, '?resultStatus=failed&resultsLimit=100');
    expect(sync.status).toBe('partially_failed');
    expect(sync.counts).toMatchObject({ failed: 4, compensationsCreated: 4 });
    expect(sync.results.items[0]).toMatchObject({ errorKind: 'write_refused' });
    expect(sync.results.items[0]!.reason).toMatch(/although the API credential has the scope personio:compensations:write/);
    expect(sync.results.items[0]!.reason).toMatch(/compensation type or the employee's legal entity/);
    expect(sync.results.items[0]!.reason).toMatch(/not allowed to create compensations of this compensation type/);
    const mail = (await h.api('GET', `/v1/companies/${s.companyId}/payroll-syncs/${sync.syncId}/summary-email?format=text`)).text;
    expect(mail).toContain('Schreiben in Personio nicht erlaubt');
  });
});

describe('finding a lost answer again', () => {
  it('keeps the reference of 12 benefits with 70-character names on one type: half the answers dropped, 0 duplicates', async () => {
    const companyId = `long-labels-${Date.now().toString(36)}`;
    const clientId = `client-${companyId}`;
    const clientSecret = `secret-${companyId}-s3cr3t`;
    await h.admin.setCredentials({ clientId, clientSecret, scopes: [...ALL_SCOPES] });
    const persons = await h.admin.addPersons(Array.from({ length: 20 }, (_, i) => ({ email: `p${i}.${companyId}@example.com` })));
    const type = await h.admin.addCompensationType({ name: `Sachbezüge ${companyId}`, category: 'ONE_TIME' });
    expect((await h.api('PUT', `/v1/companies/${companyId}`, { name: 'Long labels GmbH', managerEmails: ['hr@long.example'] })).status).toBe(200);
    expect((await h.api('PUT', `/v1/companies/${companyId}/personio-credentials`, { clientId, clientSecret })).status).toBe(200);
    const benefits = Array.from({ length: 12 }, (_, b) => ({ benefitKey: `b${b}`, benefitName: `Benefit ${b} `.padEnd(70, 'x'), compensationTypeId: type.id }));
    expect((await h.api('PUT', `/v1/companies/${companyId}/benefit-mappings`, benefits)).status).toBe(200);
    const entries = persons.flatMap((p, i) => benefits.map((b, k) => ({ employeeEmail: p.email as string, benefitKey: b.benefitKey, amount: (i + k + 1).toFixed(2) })));
    await putEntries(h, { companyId, period: '2026-10' }, entries);

    await h.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'commit_then_drop', rate: 0.5, seed: 11 });
    const sync = await runSync(h, { companyId, period: '2026-10' });
    expect((await h.admin.listFaults())[0]?.applied).toBeGreaterThan(5);
    expect(sync.status).toBe('succeeded');
    const held = await compensationsOf(h, persons);
    // One compensation per employee, holding the sum of the 12 benefits, each carrying its reference.
    expect(held).toHaveLength(20);
    expect(held.map((c) => [c.personId, c.value]).sort()).toEqual(persons.map((p, i) => [p.id, 12 * (i + 1) + 66]).sort());
    expect(held.every((c) => (c.comment ?? '').startsWith('[ref ps-') && (c.comment ?? '').length <= 255)).toBe(true);
  });

  it('finds lost answers by amount when listings leave comments out, with RECURRING compensations listed every month', async () => {
    await h.admin.setPersonality({ listComments: false, recurringInLaterMonths: true, nextLinks: 'cursor_only' });
    const s = await createScenario(h, { employees: 30 });
    const salary = await h.admin.addCompensationType({ name: `Fahrtkostenzuschuss ${s.companyId}`, category: 'RECURRING' });
    for (const p of s.persons.slice(0, 10)) {
      await h.admin.addCompensation({ personId: p.id, typeId: salary.id, value: 50, effectiveFrom: '2026-03-01', interval: 'MONTHLY', comment: 'Jobticket' });
    }
    await h.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'commit_then_drop', rate: 0.3, seed: 5 });
    const sync = await runSync(h, s);
    expect(sync.status).toBe('succeeded');
    await expectExactlyOnce(h, s, { otherTypeIds: [salary.id] });
  });

  it('ignores listing items outside the requested persons and month, and posts nothing twice', async () => {
    const s = await createScenario(h, { employees: 30 });
    await h.admin.addFault({ method: 'GET', path: '/v2/compensations', kind: 'ignore_filters' });
    await h.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'commit_then_drop', rate: 0.3, seed: 9 });
    const sync = await runSync(h, s);
    expect(sync.status).toBe('succeeded');
    await expectExactlyOnce(h, s);
    expect(h.logs.some((line) => line.includes('personio listing held items outside the request'))).toBe(true);
  });

  it('stops before any POST when a full listing page links back to a cursor already followed, and the retry pays once', async () => {
    const s = await createScenario(h, { employees: 25, benefits: 1 });
    // Eight earlier compensations per employee: the chunk's listing spans three pages, ours on the last.
    const hr = await h.admin.addCompensationType({ name: `HR bonus ${s.companyId}`, category: 'ONE_TIME' });
    for (const p of s.persons) {
      for (let k = 0; k < 8; k++) await h.admin.addCompensation({ personId: p.id, typeId: hr.id, value: 10 + k, effectiveFrom: '2026-10-15', comment: 'entered by HR' });
    }
    const first = await runSync(h, s);
    expect(first.counts!.compensationsCreated).toBe(25);
    // The worker died after its POSTs and before recording them: the ledger holds only the pending records.
    await ledgerCollection(h.db).deleteMany({ companyId: s.companyId, kind: 'pushed' });
    await h.admin.addFault({ method: 'GET', path: '/v2/compensations', kind: 'repeat_cursor', count: 1 });
    const postsBefore = await posts();
    const second = await runSync(h, s);
    expect(second.status).toBe('succeeded');
    expect(await posts()).toBe(postsBefore);
    expect(second.counts).toMatchObject({ alreadyPresent: 25, compensationsCreated: 0 });
    await expectExactlyOnce(h, s, { otherTypeIds: [hr.id] });
  });
});

describe('rate limits', () => {
  it('waits out the window after 429s without Retry-After instead of failing the step, and pays once', async () => {
    await h.admin.setPersonality({ rateLimitRetryAfter: false });
    const s = await createScenario(h, { employees: 12 });
    // Personio allows 15 requests per window; the worker is configured for far more.
    await h.admin.setRateLimit(15, { windowSeconds: HARNESS_RATE_LIMIT_WINDOW_MS / 1000 });
    const sync = await runSync(h, s);
    const refused = (await h.admin.listRequests()).filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.faults === undefined)).toBe(true);
    expect(sync.status).toBe('succeeded');
    await expectExactlyOnce(h, s);
    expect(h.logs.filter((line) => line.includes('personio retries exhausted'))).toEqual([]);
  });
});
