// Builds a company with employees in the sandbox, credentials, mappings and entries, and reads back
// what Personio (the sandbox) holds — the ground truth every exactly-once test compares against.
import { expect } from 'vitest';
import { ALL_SCOPES, type AdminCompensation, type AdminPerson } from '../../sandbox/index.js';
import { benefitMappingsSchema, syncDetailSchema, syncStartedSchema } from './api-schemas.js';
import { parseApiJson, type Harness } from './harness.js';
import { amountFor, BENEFITS } from '../../dev/sample-benefits.js';
import { periodEffectiveDate } from '../../payroll/period.js';

let scenarioCounter = 0;

export interface ScenarioEntry {
  employeeEmail: string;
  benefitKey: string;
  amount: string | number;
  currency?: string;
}

export interface Scenario {
  companyId: string;
  period: string;
  persons: AdminPerson[];
  mappedTypeId: string;
  entries: ScenarioEntry[];
}

export async function createScenario(h: Harness, opts: { employees: number; benefits?: number; period?: string; extraPersons?: Parameters<Harness['admin']['addPersons']>[0] }): Promise<Scenario> {
  const n = ++scenarioCounter;
  const companyId = `company-${n}-${Date.now().toString(36)}`;
  const period = opts.period ?? '2026-10';
  const clientId = `client-${companyId}`;
  const clientSecret = `secret-${companyId}-s3cr3t`;
  await h.admin.setCredentials({ clientId, clientSecret, scopes: [...ALL_SCOPES] });
  const persons = await h.admin.addPersons(
    Array.from({ length: opts.employees }, (_, i) => ({ email: `emp${i}.${companyId}@example.com`, first_name: `Emp${i}`, last_name: companyId })),
  );
  if (opts.extraPersons) persons.push(...(await h.admin.addPersons(opts.extraPersons)));
  const mappedType = await h.admin.addCompensationType({ name: `Mapped meal ${companyId}`, category: 'ONE_TIME' });
  expect((await h.api('PUT', `/v1/companies/${companyId}`, { name: `Company ${n}`, managerEmails: [`hr@${companyId}.example`] })).status).toBe(200);
  expect((await h.api('PUT', `/v1/companies/${companyId}/personio-credentials`, { clientId, clientSecret })).status).toBe(200);
  const benefitCount = opts.benefits ?? 3;
  const mappings = BENEFITS.slice(0, benefitCount).map((b, i) => ({
    benefitKey: b.benefitKey,
    benefitName: `${b.benefitName} ${companyId}`,
    compensationTypeId: i === 0 ? mappedType.id : null,
  }));
  expect((await h.api('PUT', `/v1/companies/${companyId}/benefit-mappings`, mappings)).status).toBe(200);
  const entries: ScenarioEntry[] = [];
  for (let e = 0; e < opts.employees; e++) {
    for (let b = 0; b < benefitCount; b++) entries.push({ employeeEmail: `emp${e}.${companyId}@example.com`, benefitKey: BENEFITS[b]!.benefitKey, amount: amountFor(e, b) });
  }
  await putEntries(h, { companyId, period }, entries);
  return { companyId, period, persons, mappedTypeId: mappedType.id, entries };
}

export async function putEntries(h: Harness, s: { companyId: string; period: string }, entries: ScenarioEntry[]): Promise<void> {
  const res = await h.api('PUT', `/v1/companies/${s.companyId}/payroll-periods/${s.period}/entries`, { entries });
  expect(res.status, res.text.slice(0, 500)).toBe(200);
}

export async function startSync(h: Harness, s: { companyId: string; period: string }, body: Record<string, unknown> = {}) {
  const res = await h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period: s.period, ...body });
  expect(res.status, res.text.slice(0, 500)).toBe(202);
  return parseApiJson(syncStartedSchema, res).json;
}

/** Waits for the sync's workflow to close (success or failure) and returns the export-log view. */
export async function waitForSync(h: Harness, s: { companyId: string }, started: { syncId: string; workflowId: string; runId: string }, query = '') {
  await h.temporal.workflow.getHandle(started.workflowId, started.runId).result().catch(() => undefined);
  const res = await h.api('GET', `/v1/companies/${s.companyId}/payroll-syncs/${started.syncId}${query}`);
  expect(res.status).toBe(200);
  return parseApiJson(syncDetailSchema, res).json;
}

export async function runSync(h: Harness, s: { companyId: string; period: string }, body: Record<string, unknown> = {}, query = '') {
  return waitForSync(h, s, await startSync(h, s, body), query);
}

/** Every compensation the sandbox holds for these persons, as `person|type|value|date` strings. */
export async function compensationsOf(h: Harness, persons: { id: string }[]): Promise<AdminCompensation[]> {
  const ids = new Set(persons.map((p) => p.id));
  return (await h.admin.listCompensations()).filter((c) => ids.has(c.personId));
}

export const describeCompensation = (c: { personId: string; typeId: string; value: number; effectiveFrom: string }) =>
  `${c.personId}|${c.typeId}|${c.value.toFixed(2)}|${c.effectiveFrom}`;

/** The compensations the scenario must produce: one per (employee, benefit), on the period's last day. */
export async function expectedCompensations(h: Harness, s: Scenario, opts: { employees?: number[] } = {}): Promise<string[]> {
  const mappings = (await h.apiAs(benefitMappingsSchema, 'GET', `/v1/companies/${s.companyId}/benefit-mappings`)).json;
  const typeOf = new Map(mappings.map((m) => [m.benefitKey, m.compensationTypeId]));
  const lastDay = periodEffectiveDate(s.period);
  const personByEmail = new Map(s.persons.map((p) => [p.email, p.id]));
  return s.entries
    .filter((e) => !opts.employees || opts.employees.includes(Number(/^emp(\d+)\./.exec(e.employeeEmail)?.[1])))
    .map((e) => describeCompensation({ personId: personByEmail.get(e.employeeEmail) as string, typeId: typeOf.get(e.benefitKey) as string, value: Number(e.amount), effectiveFrom: lastDay }))
    .sort();
}

/**
 * Asserts that Personio holds every expected compensation exactly once, and nothing else — apart from
 * compensations of `otherTypeIds` the test put there itself (HR's own entries, salaries).
 */
export async function expectExactlyOnce(h: Harness, s: Scenario, opts: { otherTypeIds?: string[] } = {}): Promise<void> {
  const others = new Set(opts.otherTypeIds ?? []);
  const actual = (await compensationsOf(h, s.persons)).filter((c) => !others.has(c.typeId)).map(describeCompensation).sort();
  const expected = await expectedCompensations(h, s);
  const duplicates = actual.filter((value, i) => actual.indexOf(value) !== i);
  const missing = expected.filter((value) => !actual.includes(value));
  expect({ duplicates, missing, count: actual.length }).toEqual({ duplicates: [], missing: [], count: expected.length });
  expect(actual).toEqual(expected);
}
