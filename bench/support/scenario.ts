// A company with employees in the sandbox, its credentials, mappings and entries in the product (through the
// API), and the exactly-once check against what the sandbox holds. Bench-local: no vitest.
import { ALL_SCOPES, type AdminCompensation, type AdminPerson, type SandboxAdmin } from '../../sandbox/index.js';
import type { BenchStack } from './stack.js';
import { amountFor, BENEFITS } from '../../dev/sample-benefits.js';
import { periodEffectiveDate } from '../../payroll/period.js';

export interface Entry {
  employeeEmail: string;
  benefitKey: string;
  amount: string;
}

/** What exists in Personio before the first sync: a credential, the employees, one mapped type. */
export interface PersonioSeed {
  companyId: string;
  period: string;
  clientId: string;
  clientSecret: string;
  persons: AdminPerson[];
  /** The first benefit is mapped to this existing type; the others are unmapped (created by the first sync). */
  mappedTypeId: string;
  benefits: { benefitKey: string; benefitName: string }[];
  entries: Entry[];
}

let counter = 0;

export async function seedPersonio(admin: SandboxAdmin, opts: { label: string; employees: number; benefits: number; period?: string }): Promise<PersonioSeed> {
  const companyId = `${opts.label}-${++counter}-${Date.now().toString(36)}`;
  const period = opts.period ?? '2026-10';
  const clientId = `client-${companyId}`;
  const clientSecret = `secret-${companyId}-s3cr3t`;
  await admin.setCredentials({ clientId, clientSecret, scopes: [...ALL_SCOPES] });
  const persons: AdminPerson[] = [];
  for (let first = 0; first < opts.employees; first += 2_000) {
    const batch = Array.from({ length: Math.min(2_000, opts.employees - first) }, (_, k) => {
      const i = first + k;
      return { email: `emp${i}.${companyId}@example.com`, first_name: `Emp${i}`, last_name: companyId };
    });
    persons.push(...(await admin.addPersons(batch)));
  }
  const mapped = await admin.addCompensationType({ name: `Mapped meal ${companyId}`, category: 'ONE_TIME' });
  const benefits = BENEFITS.slice(0, opts.benefits).map((b) => ({ benefitKey: b.benefitKey, benefitName: `${b.benefitName} ${companyId}` }));
  const entries: Entry[] = [];
  for (let e = 0; e < opts.employees; e++) {
    for (let b = 0; b < benefits.length; b++) entries.push({ employeeEmail: `emp${e}.${companyId}@example.com`, benefitKey: benefits[b]!.benefitKey, amount: amountFor(e, b) });
  }
  return { companyId, period, clientId, clientSecret, persons, mappedTypeId: mapped.id, benefits, entries };
}

type ApiExpect = BenchStack['apiExpect'];

/**
 * The company in the product: profile, Personio credentials, benefit mappings and the period's entries. `apiExpect`:
 * through another API of the stack (the mapped type is checked in Personio on the API's interactive queue).
 */
export async function registerCompany(h: BenchStack, seed: PersonioSeed, apiExpect: ApiExpect = h.apiExpect): Promise<void> {
  await apiExpect(200, 'PUT', `/v1/companies/${seed.companyId}`, { name: `Company ${seed.companyId}`, managerEmails: [`hr@${seed.companyId}.example`] });
  await apiExpect(200, 'PUT', `/v1/companies/${seed.companyId}/personio-credentials`, { clientId: seed.clientId, clientSecret: seed.clientSecret });
  await apiExpect(
    200,
    'PUT',
    `/v1/companies/${seed.companyId}/benefit-mappings`,
    seed.benefits.map((b, i) => ({ ...b, compensationTypeId: i === 0 ? seed.mappedTypeId : null })),
  );
  await apiExpect(200, 'PUT', `/v1/companies/${seed.companyId}/payroll-periods/${seed.period}/entries`, { entries: seed.entries });
}

export const lastDayOf = periodEffectiveDate;

export const describeCompensation = (c: { personId: string; typeId: string; value: number; effectiveFrom: string }) =>
  `${c.personId}|${c.typeId}|${c.value.toFixed(2)}|${c.effectiveFrom}`;

/** The compensations the seed must produce: one per (employee, benefit), on the period's last day. */
export function expectedCompensations(seed: PersonioSeed, typeIdOf: (benefitKey: string) => string | undefined): string[] {
  const personByEmail = new Map(seed.persons.map((p) => [p.email, p.id]));
  const date = lastDayOf(seed.period);
  return seed.entries.map((e) =>
    describeCompensation({ personId: personByEmail.get(e.employeeEmail) ?? '?', typeId: typeIdOf(e.benefitKey) ?? '?', value: Number(e.amount), effectiveFrom: date }),
  );
}

/** The type id each benefit ended up with in the product's mappings (the unmapped ones are filled by the sync). */
export async function productTypeIds(h: BenchStack, seed: PersonioSeed): Promise<(benefitKey: string) => string | undefined> {
  const mappings = (await h.apiExpect(200, 'GET', `/v1/companies/${seed.companyId}/benefit-mappings`)) as unknown as { benefitKey: string; compensationTypeId: string | null }[];
  const typeOf = new Map(mappings.map((m) => [m.benefitKey, m.compensationTypeId ?? undefined]));
  return (key) => typeOf.get(key);
}

export interface ExactlyOnceReport {
  expected: number;
  actual: number;
  /** Compensations held more often than expected (one line per surplus copy). */
  duplicates: string[];
  /** Expected compensations Personio does not hold. */
  missing: string[];
  /** Compensations of these persons that match no expected one (wrong amount, type or date). */
  unexpected: string[];
}

export function compareCompensations(expected: string[], held: AdminCompensation[], persons: { id: string }[]): ExactlyOnceReport {
  const ids = new Set(persons.map((p) => p.id));
  const actual = held.filter((c) => ids.has(c.personId)).map(describeCompensation);
  const want = new Map<string, number>();
  for (const key of expected) want.set(key, (want.get(key) ?? 0) + 1);
  const have = new Map<string, number>();
  for (const key of actual) have.set(key, (have.get(key) ?? 0) + 1);
  const duplicates: string[] = [];
  const unexpected: string[] = [];
  for (const [key, n] of have) {
    const w = want.get(key) ?? 0;
    if (w === 0) unexpected.push(...Array.from({ length: n }, () => key));
    else for (let k = w; k < n; k++) duplicates.push(key);
  }
  const missing: string[] = [];
  for (const [key, w] of want) for (let k = have.get(key) ?? 0; k < w; k++) missing.push(key);
  return { expected: expected.length, actual: actual.length, duplicates, missing, unexpected };
}
