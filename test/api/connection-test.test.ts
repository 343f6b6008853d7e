// The connection test through the real worker and Temporal against the sandbox: each requirement is
// reported on its own, with what to fix, in the company's language — and the secret stays secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../sandbox/index.js';
import type { z } from 'zod';
import {
  benefitMappingsSchema,
  companySchema,
  compensationTypeListSchema,
  connectionTestFinishedSchema,
  problemSchema,
  unmappableTypesProblemSchema,
} from '../support/api-schemas.js';
import { parseApiJson, startHarness, type Harness } from '../support/harness.js';
import { databaseText, historyText } from '../support/secrets.js';

let h: Harness;
const responses: string[] = [];
const secrets: string[] = [];
let counter = 0;

beforeAll(async () => {
  h = await startHarness();
  await h.admin.addPersons([
    { email: 'anna@acme.example', first_name: 'Anna', last_name: 'A' },
    { email: 'ben@acme.example', first_name: 'Ben', last_name: 'B' },
  ]);
});
afterAll(async () => {
  await h?.close();
});

type TestResult = z.output<typeof connectionTestFinishedSchema>;

/** A company whose Personio credential has exactly these scopes and readable attributes. */
async function companyWithCredential(opts: { scopes?: string[]; attributes?: string[]; locale?: 'de' | 'en'; wrongSecret?: boolean }) {
  const companyId = `co-${++counter}`;
  const clientId = `client-${counter}-${Date.now()}`;
  const clientSecret = `secret-${counter}-${Math.random().toString(36).slice(2)}-xyz`;
  secrets.push(clientSecret);
  await h.admin.setCredentials({ clientId, clientSecret, scopes: opts.scopes ?? [...ALL_SCOPES], readableAttributes: opts.attributes ?? ['email', 'first_name', 'last_name'] });
  const put = await h.api('PUT', `/v1/companies/${companyId}`, { name: `Company ${counter}`, managerEmails: ['hr@acme.example'], locale: opts.locale ?? 'en' });
  expect(put.status).toBe(200);
  const creds = await h.api('PUT', `/v1/companies/${companyId}/personio-credentials`, { clientId, clientSecret: opts.wrongSecret ? `${clientSecret}-typo` : clientSecret });
  expect(creds.status).toBe(200);
  responses.push(put.text, creds.text);
  return companyId;
}

async function runTest(companyId: string): Promise<TestResult> {
  const res = await h.api('POST', `/v1/companies/${companyId}/connection-test`);
  responses.push(res.text);
  expect(res.status).toBe(200);
  return parseApiJson(connectionTestFinishedSchema, res).json;
}

const statuses = (result: TestResult) => Object.fromEntries(result.checks.map((c) => [c.id, c.status]));

describe('connection test', () => {
  it('passes every check when everything is granted, and stores the result on the company', async () => {
    const companyId = await companyWithCredential({});
    const result = await runTest(companyId);
    expect(result.ok).toBe(true);
    expect(result.status).toBe('completed');
    expect(statuses(result)).toEqual({
      credentials: 'passed',
      persons_readable: 'passed',
      email_readable: 'passed',
      compensation_types_readable: 'passed',
      compensations_writable: 'passed',
    });
    const company = await h.apiAs(companySchema, 'GET', `/v1/companies/${companyId}`);
    expect(company.json.lastConnectionTest).toMatchObject({ ok: true, checks: result.checks });
  });

  it.each([
    ['personio:persons:read', { persons_readable: 'failed', email_readable: 'not_checked' }],
    ['personio:compensations:write', { compensations_writable: 'failed' }],
    // Creating a compensation needs read and write, so losing read fails both compensation checks.
    ['personio:compensations:read', { compensation_types_readable: 'failed', compensations_writable: 'failed' }],
  ])('without %s only the checks that depend on it fail', async (missing, expected) => {
    const companyId = await companyWithCredential({ scopes: ALL_SCOPES.filter((s) => s !== missing) });
    const result = await runTest(companyId);
    expect(result.ok).toBe(false);
    const failed = Object.fromEntries(Object.entries(statuses(result)).filter(([, s]) => s !== 'passed'));
    expect(failed).toEqual(expected);
    const failedCheck = result.checks.find((c) => c.status === 'failed');
    expect(failedCheck?.message).toContain(missing);
  });

  it('reports an unreadable Email attribute on its own, in German by default', async () => {
    const companyId = await companyWithCredential({ attributes: ['first_name', 'last_name'], locale: 'de' });
    const result = await runTest(companyId);
    expect(result.ok).toBe(false);
    expect(Object.entries(statuses(result)).filter(([, s]) => s !== 'passed')).toEqual([['email_readable', 'failed']]);
    expect(result.checks.find((c) => c.id === 'email_readable')?.message).toMatch(/E-Mail.*lesbaren Mitarbeiterattributen/);
  });

  it('fails the credentials check with a clear message for a wrong secret', async () => {
    const companyId = await companyWithCredential({ wrongSecret: true });
    const result = await runTest(companyId);
    expect(result.ok).toBe(false);
    expect(result.checks[0]).toMatchObject({ id: 'credentials', status: 'failed' });
    expect(result.checks[0]?.message).toMatch(/rejected the client ID or secret/);
    expect(result.checks.slice(1).every((c) => c.status === 'not_checked')).toBe(true);
  });

  it('lists the compensation types through the worker for the mapping dropdown', async () => {
    await h.admin.addCompensationType({ name: 'Essenszuschuss', category: 'ONE_TIME' });
    await h.admin.addCompensationType({ name: 'Grundgehalt', category: 'FIXED_SALARY' });
    const companyId = await companyWithCredential({});
    const res = await h.apiAs(compensationTypeListSchema, 'GET', `/v1/companies/${companyId}/personio/compensation-types`);
    responses.push(res.text);
    expect(res.status).toBe(200);
    expect(res.json.compensationTypes).toEqual([
      expect.objectContaining({ name: 'Essenszuschuss', category: 'ONE_TIME', suitableForBenefits: true }),
      expect.objectContaining({ name: 'Grundgehalt', category: 'FIXED_SALARY', suitableForBenefits: false, unsuitableReason: expect.stringMatching(/salary/) }),
    ]);
    const noRead = await companyWithCredential({ scopes: ['personio:persons:read'] });
    const refused = await h.apiAs(problemSchema, 'GET', `/v1/companies/${noRead}/personio/compensation-types`);
    expect(refused.status).toBe(502);
    expect(refused.json).toMatchObject({ personioErrorKind: 'permission_missing', missingScope: 'personio:compensations:read' });
  });

  it('maps a benefit only to a ONE_TIME type: RECURRING, salary and unknown types are a 422 naming benefit, type and category', async () => {
    const oneTime = await h.admin.addCompensationType({ name: 'Essen (einmalig)', category: 'ONE_TIME' });
    const recurring = await h.admin.addCompensationType({ name: 'Fahrtkosten monatlich', category: 'RECURRING' });
    const salary = await h.admin.addCompensationType({ name: 'Festgehalt', category: 'FIXED_SALARY' });
    const companyId = await companyWithCredential({});
    const path = `/v1/companies/${companyId}/benefit-mappings`;
    const good = [
      { benefitKey: 'meal', benefitName: 'Essenszuschuss', compensationTypeId: oneTime.id },
      { benefitKey: 'internet', benefitName: 'Internetpauschale', compensationTypeId: null },
    ];
    expect((await h.api('PUT', path, good)).status).toBe(200);

    const bad = await h.apiAs(unmappableTypesProblemSchema, 'PUT', path, [
      ...good,
      { benefitKey: 'mobility', benefitName: 'Mobilitätsbudget', compensationTypeId: recurring.id },
      { benefitKey: 'gym', benefitName: 'Fitness', compensationTypeId: salary.id },
      { benefitKey: 'kita', benefitName: 'Kinderbetreuung', compensationTypeId: 'no-such-type' },
    ]);
    responses.push(bad.text);
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.json.type).toBe('urn:payroll-sync:problem:compensation-type-not-mappable');
    expect(bad.json.errors!.map((e) => e.field)).toEqual(['[2].compensationTypeId', '[3].compensationTypeId', '[4].compensationTypeId']);
    expect(bad.json.errors![0]!.reason).toMatch(/Mobilitätsbudget.*Fahrtkosten monatlich.*RECURRING/);
    expect(bad.json.errors![1]!.reason).toMatch(/Fitness.*Festgehalt.*FIXED_SALARY/);
    expect(bad.json.errors![2]!.reason).toMatch(/no compensation type no-such-type/);
    expect(bad.json.types).toEqual([
      { benefitKey: 'mobility', compensationTypeId: recurring.id, name: 'Fahrtkosten monatlich', category: 'RECURRING' },
      { benefitKey: 'gym', compensationTypeId: salary.id, name: 'Festgehalt', category: 'FIXED_SALARY' },
      { benefitKey: 'kita', compensationTypeId: 'no-such-type', name: null, category: null },
    ]);
    // Nothing half written: the stored set is the one before.
    expect((await h.apiAs(benefitMappingsSchema, 'GET', path)).json).toEqual(good);

    await h.api('PUT', `/v1/companies/no-creds-${counter}`, { name: 'No creds', managerEmails: ['hr@acme.example'] });
    const unchecked = await h.apiAs(problemSchema, 'PUT', `/v1/companies/no-creds-${counter}/benefit-mappings`, good);
    expect(unchecked.status).toBe(409);
    expect(unchecked.json.title).toBe('Personio credentials missing');
    // Unmapped benefits need no check, hence no credentials.
    expect((await h.api('PUT', `/v1/companies/no-creds-${counter}/benefit-mappings`, [good[1]])).status).toBe(200);
  });

  it('keeps every secret out of responses, MongoDB, the Temporal history and the logs', async () => {
    expect(secrets.length).toBeGreaterThan(3);
    const workflows = h.temporal.workflow.list({ query: `TaskQueue = '${h.taskQueue}' OR TaskQueue = '${h.interactiveTaskQueue}'` });
    let histories = 0;
    const historyDump: string[] = [];
    for await (const wf of workflows) {
      historyDump.push(historyText(await h.temporal.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()));
      histories++;
    }
    expect(histories).toBeGreaterThanOrEqual(5);
    const everything = [responses.join('\n'), await databaseText(h.db), historyDump.join('\n'), h.logs.join('\n')].join('\n');
    expect(historyDump.join('\n')).toContain('companyId');
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
    }
  });

  it('answers "Personio unreachable" when Personio does not answer, not a 500', async () => {
    const companyId = await companyWithCredential({ locale: 'en' });
    await h.sandbox.close();
    const result = await runTest(companyId);
    expect(result.ok).toBe(false);
    expect(result.unreachable).toBe(true);
    expect(result.checks[0]).toMatchObject({ id: 'credentials', status: 'failed' });
    expect(result.checks[0]?.message).toMatch(/Personio unreachable/);
  });
});
