// The published OpenAPI document against the running API, case by case: undeclared methods are a 405 naming the
// declared ones in Allow; every operation has an operationId and links lead from the operations that create ids to
// the ones that take them; and the document and the validator agree on the requests a fuzzer found them disagreeing on
// (issue #19: a negative offset, an empty manager email, repeated benefit keys, an empty time zone), in both directions.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { createValidator, operationsOf, resolveSchema, type JsonSchema, type OpenApiDocument, type Operation, type Validator } from '../support/openapi-contract.js';
import { createScenario, startSync } from '../support/payroll-scenario.js';

let h: Harness;
let doc: OpenApiDocument;
let validator: Validator;
let operations: Operation[];

beforeAll(async () => {
  h = await startHarness();
  doc = (await (await fetch(`${h.apiUrl}/openapi.json`)).json()) as OpenApiDocument;
  validator = createValidator(doc);
  operations = operationsOf(doc);
});
afterAll(async () => {
  await h?.close();
});

const SAMPLE_PARAMETERS: Record<string, string> = { companyId: 'acme-gmbh', period: '2026-10', syncId: randomUUID(), testId: randomUUID(), endpointId: 'platform-main' };
const fill = (template: string) => template.replace(/\{([^}]+)\}/g, (_, name: string) => SAMPLE_PARAMETERS[name] ?? 'x');

function op(id: string): Operation {
  const found = operations.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
}

/** Whether the document accepts a value for an operation's JSON body or one of its parameters. */
function bodyValid(id: string, body: unknown): boolean {
  const schema = op(id).op.requestBody?.content['application/json']?.schema;
  if (!schema) throw new Error(`${id} has no JSON body`);
  return validator.validate(schema, body).ok;
}
function parameterValid(id: string, name: string, value: unknown): boolean {
  const parameter = op(id).op.parameters?.find((candidate) => candidate.name === name);
  if (!parameter) throw new Error(`${id} has no parameter ${name}`);
  return validator.validate(parameter.schema, value).ok;
}

describe('methods a path does not declare', () => {
  it('are a 405 with Allow naming the declared methods (HEAD with GET), as problem+json; unknown paths stay 404', async () => {
    for (const [template, item] of Object.entries(doc.paths)) {
      const declared = Object.keys(item).map((method) => method.toUpperCase());
      const allow = [...new Set([...declared, ...(declared.includes('GET') ? ['HEAD'] : [])])].sort().join(', ');
      for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'].filter((m) => !declared.includes(m))) {
        const res = await h.api(method, fill(template));
        expect(res.status, `${method} ${template}`).toBe(405);
        expect(res.headers.get('allow'), `${method} ${template}`).toBe(allow);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.json).toMatchObject({ status: 405, title: 'Method Not Allowed' });
      }
    }
    for (const [method, path, allow] of [
      ['POST', '/openapi.json', 'GET, HEAD'],
      ['DELETE', '/healthz', 'GET, HEAD'],
    ] as const) {
      const res = await fetch(`${h.apiUrl}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
    }
    for (const path of ['/v1/nothing-here', '/v1/companies/acme-gmbh/nothing', '/v1/companies/acme-gmbh/payroll-syncs/x/y/z']) {
      const res = await h.api('DELETE', path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('allow'), path).toBeNull();
    }
  });

  it('need the API token like every other /v1 request (without it: 401)', async () => {
    expect((await fetch(`${h.apiUrl}/v1/companies/acme-gmbh`, { method: 'DELETE' })).status).toBe(401);
  });
});

describe('operations and links', () => {
  it('every operation has a unique operationId', () => {
    const ids = operations.map((operation) => operation.op.operationId);
    expect(ids.filter((id) => !id)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every link names an existing operation and only its parameters, with runtime expressions', () => {
    for (const operation of operations) {
      for (const [status, response] of Object.entries(operation.op.responses)) {
        for (const [name, link] of Object.entries(response.links ?? {})) {
          const where = `${operation.id} ${status} → ${name}`;
          const target = operations.find((candidate) => candidate.op.operationId === link.operationId);
          expect(target, where).toBeDefined();
          const names = (target?.op.parameters ?? []).map((parameter) => parameter.name);
          for (const [parameter, expression] of Object.entries(link.parameters ?? {})) {
            expect(names, `${where}: ${parameter}`).toContain(parameter);
            expect(expression, `${where}: ${parameter}`).toMatch(/^\$(response\.body#\/|request\.(path|query)\.)/);
          }
        }
      }
    }
  });

  it('links lead from each creating operation to the operations that use its ids', () => {
    const targets = (id: string, status: string) => Object.values(op(id).op.responses[status]?.links ?? {}).map((link) => link.operationId);
    expect(targets('putCompany', '200')).toEqual(
      expect.arrayContaining([
        'getCompany',
        'putPersonioCredentials',
        'startConnectionTest',
        'listCompensationTypes',
        'putBenefitMappings',
        'getBenefitMappings',
        'putPayrollEntries',
        'getPayrollEntries',
        'startPayrollSync',
        'listPayrollSyncs',
        'putPayrollSchedule',
        'getPayrollSchedule',
        'triggerPayrollSchedule',
      ]),
    );
    for (const id of ['startPayrollSync', 'retryPayrollSync']) {
      expect(targets(id, '202'), id).toEqual(expect.arrayContaining(['getPayrollSync', 'retryPayrollSync', 'approvePayrollSync', 'rejectPayrollSync', 'getSyncSummaryEmail']));
    }
    expect(targets('startConnectionTest', '200')).toContain('getConnectionTest');
    expect(targets('startConnectionTest', '202')).toContain('getConnectionTest');
    for (const status of ['200', '201']) {
      expect(targets('putWebhookEndpoint', status), status).toEqual(expect.arrayContaining(['getWebhookEndpoint', 'deleteWebhookEndpoint', 'listWebhookDeliveries']));
    }
    expect(targets('putPayrollSchedule', '200')).toEqual(expect.arrayContaining(['getPayrollSchedule', 'deletePayrollSchedule', 'triggerPayrollSchedule']));
    // Every operation that takes an id in its path is reached by some link.
    const linked = new Set(operations.flatMap((operation) => Object.values(operation.op.responses).flatMap((response) => Object.values(response.links ?? {}).map((link) => link.operationId))));
    const unlinked = operations.filter((operation) => (operation.op.parameters ?? []).some((parameter) => parameter.in === 'path') && !linked.has(operation.op.operationId));
    expect(unlinked.map((operation) => operation.id)).toEqual([]);
  });

  it('the routes that start work document 429 with Retry-After, the ones with a body 413 and 415', () => {
    for (const id of ['startPayrollSync', 'retryPayrollSync', 'startConnectionTest', 'listCompensationTypes', 'putBenefitMappings', 'triggerPayrollSchedule']) {
      expect(op(id).op.responses['429']?.headers, id).toHaveProperty('Retry-After');
    }
    for (const operation of operations.filter((candidate) => candidate.op.requestBody)) {
      expect(Object.keys(operation.op.responses), operation.id).toEqual(expect.arrayContaining(['413', '415']));
    }
  });
});

describe('the document states what the validator enforces', () => {
  it('a negative offset: the document refuses it, and so does the API (0 is fine by both)', async () => {
    const s = await createScenario(h, { employees: 1, benefits: 1 });
    const path = `/v1/companies/${s.companyId}/payroll-periods/${s.period}/entries`;
    expect(parameterValid('getPayrollEntries', 'offset', -1)).toBe(false);
    expect((await h.api('GET', `${path}?offset=-1`)).status).toBe(400);
    expect(parameterValid('getPayrollEntries', 'offset', 0)).toBe(true);
    expect((await h.api('GET', `${path}?offset=0`)).status).toBe(200);
    // Beyond 2^53 the validator cannot hold an integer exactly: the document's maximum says so.
    expect(parameterValid('getPayrollEntries', 'offset', 2 ** 60)).toBe(false);
    expect((await h.api('GET', `${path}?offset=${2 ** 60}`)).status).toBe(400);
  });

  it('manager emails: an empty or malformed one is refused by both; the validator’s own rule is the pattern', async () => {
    const companyId = `conf-${Date.now().toString(36)}`;
    for (const email of ['', ' ', 'not-an-email', 'a b@acme.example', 'anna@acme']) {
      const body = { name: 'Acme', managerEmails: [email] };
      expect(bodyValid('putCompany', body), JSON.stringify(email)).toBe(false);
      expect((await h.api('PUT', `/v1/companies/${companyId}`, body)).status, JSON.stringify(email)).toBe(400);
    }
    const good = { name: 'Acme', managerEmails: ["o'neil+payroll@acme-gmbh.example"] };
    expect(bodyValid('putCompany', good)).toBe(true);
    expect((await h.api('PUT', `/v1/companies/${companyId}`, good)).status).toBe(200);
  });

  it('a blank name or time zone is refused by both; the listed time zones are accepted', async () => {
    const companyId = `conf-tz-${Date.now().toString(36)}`;
    for (const body of [
      { name: 'Acme', managerEmails: ['hr@acme.example'], timezone: '' },
      { name: 'Acme', managerEmails: ['hr@acme.example'], timezone: 'Mars/Olympus_Mons' },
      { name: '   ', managerEmails: ['hr@acme.example'] },
    ]) {
      expect(bodyValid('putCompany', body), JSON.stringify(body)).toBe(false);
      expect((await h.api('PUT', `/v1/companies/${companyId}`, body)).status, JSON.stringify(body)).toBe(400);
    }
    const zones = resolveSchema(doc, (resolveSchema(doc, doc.components.schemas.CompanyInput as JsonSchema).properties as Record<string, JsonSchema>).timezone as JsonSchema).enum as string[];
    expect(zones).toEqual(expect.arrayContaining(['Europe/Berlin', 'UTC', 'America/New_York']));
    for (const timezone of [zones[0], zones[zones.length - 1], 'UTC']) {
      expect((await h.api('PUT', `/v1/companies/${companyId}`, { name: 'Acme', managerEmails: ['hr@acme.example'], timezone })).status, timezone).toBe(200);
    }
  });

  it('repeated benefit keys (in any letter case): the document says so (x-unique-item-properties), the API refuses them', async () => {
    const s = await createScenario(h, { employees: 1, benefits: 1 });
    const mappings = [
      { benefitKey: 'meal', benefitName: 'Meal', compensationTypeId: null },
      { benefitKey: 'MEAL', benefitName: 'Meal again', compensationTypeId: null },
    ];
    expect(bodyValid('putBenefitMappings', mappings)).toBe(false);
    expect((await h.api('PUT', `/v1/companies/${s.companyId}/benefit-mappings`, mappings)).status).toBe(400);
    expect(bodyValid('putBenefitMappings', mappings.slice(0, 1))).toBe(true);
  });

  it('a sync id that is not an RFC 9562 uuid is refused by both', async () => {
    const notVersioned = '12345678-1234-0234-0234-123456789abc';
    expect(parameterValid('retryPayrollSync', 'syncId', notVersioned)).toBe(false);
    expect((await h.api('POST', `/v1/companies/acme-gmbh/payroll-syncs/${notVersioned}/retry`, {})).status).toBe(400);
  });

  it('rows naming a benefit the company has not mapped fit the document and are a documented 422 (not a 400)', async () => {
    const s = await createScenario(h, { employees: 1, benefits: 1 });
    const body = { entries: [{ employeeEmail: 'anna@acme.example', benefitKey: 'gym', amount: '10.00' }] };
    expect(bodyValid('putPayrollEntries', body)).toBe(true);
    const res = await h.api('PUT', `/v1/companies/${s.companyId}/payroll-periods/${s.period}/entries`, body);
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ errors: [{ index: 0, field: 'entries[0].benefitKey' }], errorCount: 1 });
    expect(Object.keys(op('putPayrollEntries').op.responses)).toContain('422');
    // Rows repeating an employee and benefit, or mixing currencies: the document says so too.
    expect(bodyValid('putPayrollEntries', { entries: [body.entries[0], { ...body.entries[0], employeeEmail: ' ANNA@acme.example' }] })).toBe(false);
    expect(bodyValid('putPayrollEntries', { entries: [body.entries[0], { ...body.entries[0], employeeEmail: 'ben@acme.example', currency: 'USD' }] })).toBe(false);
  });

  it('approving a running sync that does not wait for approval is a 409, not a server error', async () => {
    const s = await createScenario(h, { employees: 30, benefits: 1 });
    const started = await startSync(h, s, { allowAfterCutoff: true });
    for (const decision of ['approve', 'reject']) {
      const res = await h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs/${started.syncId}/${decision}`, { actor: 'someone@acme.example' });
      expect(res.status, `${decision}: ${res.text}`).toBe(409);
      expect(res.json).toMatchObject({ type: 'urn:payroll-sync:problem:not-awaiting-approval' });
    }
    await h.temporal.workflow.getHandle(started.workflowId, started.runId).result().catch(() => undefined);
  });
});
