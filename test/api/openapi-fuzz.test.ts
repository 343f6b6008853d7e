// The API fuzzed from its own published document (GET /openapi.json) on the real stack: for every operation, requests
// generated from the documented schemas (fast-check; ids handed on by the document's links from a seeded company,
// sync, connection test and webhook endpoint), and every answer held to the document. It must find nothing:
//   - no 5xx, ever;
//   - every status is documented for the operation, with a documented content type, and a JSON body matches the
//     documented schema (ajv, every rule the document states);
//   - a request valid by the document is never refused with 400 (business refusals are documented 404/409/422s).
// OPENAPI_FUZZ_RUNS (default 30) requests per operation, OPENAPI_FUZZ_SEED (default fixed) picks them.
import fc, { type Arbitrary } from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../sandbox/index.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createValidator, operationsOf, type JsonSchema, type OpenApiDocument, type Operation, type SentRequest, type Validator } from '../support/openapi-contract.js';
import { exercise, LinkPool, materialize, requestArbitrary, type Finding } from '../support/openapi-fuzzer.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const RUNS = Number(process.env.OPENAPI_FUZZ_RUNS ?? 30);
const SEED = Number(process.env.OPENAPI_FUZZ_SEED ?? 20_261_130);
const REQUEST_TIMEOUT_MS = 30_000;
/** The seeded period: the document's example period, inside the accepted window. */
const PERIOD = '2026-10';

/**
 * The order operations are fuzzed in: reads and writes that need the seeded state first, the ones that replace it
 * (mappings, credentials) or delete it last. An operation missing here is fuzzed after these.
 */
const ORDER = [
  'getCompany',
  'putCompany',
  'listCompensationTypes',
  'startConnectionTest',
  'getConnectionTest',
  'getBenefitMappings',
  'putPayrollEntries',
  'getPayrollEntries',
  'startPayrollSync',
  'listPayrollSyncs',
  'getPayrollSync',
  'getSyncSummaryEmail',
  'retryPayrollSync',
  'approvePayrollSync',
  'rejectPayrollSync',
  'listFailedPayrollSyncs',
  'putPayrollSchedule',
  'getPayrollSchedule',
  'triggerPayrollSchedule',
  'putWebhookEndpoint',
  'listWebhookEndpoints',
  'getWebhookEndpoint',
  'listWebhookDeliveries',
  'putBenefitMappings',
  'putPersonioCredentials',
  'deletePayrollSchedule',
  'deleteWebhookEndpoint',
  'deletePersonioCredentials',
];

/** Cursors are opaque: the document says any value the API did not hand out is a 400, so only linked ones are sent. */
const OPAQUE_PARAMETERS = new Set(['cursor']);

let h: Harness;
let receiver: WebhookReceiver;
/** Puts the seeded company back before the sync operations: fuzzed writes may have cleared its entries. */
let reseed: () => Promise<void>;
let doc: OpenApiDocument;
let validator: Validator;
let operations: Operation[];
const pool = new LinkPool();

function operation(id: string): Operation {
  const found = operations.find((op) => op.id === id);
  if (!found) throw new Error(`the document has no operation ${id}`);
  return found;
}

/** Calls an operation with a request of our choosing, through the same checks, so that its links seed the pool. */
async function seed(id: string, path: Record<string, string>, body?: unknown): Promise<unknown> {
  const op = operation(id);
  const url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(path[name] ?? ''));
  const request: SentRequest = { method: op.method, url, path, query: {}, ...(body !== undefined ? { body } : {}) };
  const { answer, findings } = await exercise({ apiUrl: h.apiUrl, token: h.apiToken, validator, pool, timeoutMs: REQUEST_TIMEOUT_MS }, op, request);
  expect(findings, `seeding ${id}`).toEqual([]);
  expect(answer.status, `seeding ${id}: ${answer.text.slice(0, 300)}`).toBeLessThan(300);
  return answer.json;
}

beforeAll(async () => {
  // Connection tests answer 202 after 2 s instead of waiting up to 20 s (both are documented).
  h = await startHarness({ connectionTestWaitMs: 2_000 });
  receiver = await startWebhookReceiver();
  const res = await fetch(`${h.apiUrl}/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as OpenApiDocument;
  validator = createValidator(doc);
  operations = operationsOf(doc);

  // A company with credentials the sandbox accepts, one mapped benefit (the document's example key) and entries of the
  // example period; a dry run, a connection test and a webhook endpoint: each through its operation, so its links
  // hand the ids on.
  const companyId = `fuzz-${Date.now().toString(36)}`;
  const clientId = `client-${companyId}`;
  const clientSecret = `secret-${companyId}-s3cr3t`;
  await h.admin.setCredentials({ clientId, clientSecret, scopes: [...ALL_SCOPES] });
  const persons = await h.admin.addPersons([0, 1, 2].map((i) => ({ email: `emp${i}.${companyId}@example.com`, first_name: `Emp${i}`, last_name: companyId })));
  const type = await h.admin.addCompensationType({ name: `Meal ${companyId}`, category: 'ONE_TIME' });
  const company = { name: `Fuzz ${companyId}`, managerEmails: [`hr@${companyId}.example`] };
  const entries = { entries: persons.map((person, i) => ({ employeeEmail: person.email, benefitKey: 'meal', amount: `${10 + i}.50` })) };
  await seed('putCompany', { companyId }, company);
  await seed('putPersonioCredentials', { companyId }, { clientId, clientSecret });
  await seed('putBenefitMappings', { companyId }, [{ benefitKey: 'meal', benefitName: `Meal ${companyId}`, compensationTypeId: type.id }]);
  await seed('putPayrollEntries', { companyId, period: PERIOD }, entries);
  // Syncs fuzzed after this wait for a second person: the approve and reject operations then meet syncs awaiting them.
  reseed = async () => {
    await seed('putCompany', { companyId }, { ...company, approval: 'required' });
    await seed('putPayrollEntries', { companyId, period: PERIOD }, entries);
  };
  await seed('startPayrollSync', { companyId }, { period: PERIOD, dryRun: true });
  await seed('startConnectionTest', { companyId });
  await seed('putWebhookEndpoint', { endpointId: `fuzz-${companyId}` }, { url: `${receiver.url}/seed`, events: ['payroll_sync.completed', 'payroll_sync.failed'] });
});

afterAll(async () => {
  // Temporal schedules outlive the harness's database: delete the ones the fuzzer made.
  const schedules = operations ? operation('deletePayrollSchedule') : undefined;
  for (let i = 0; schedules && i < pool.count('deletePayrollSchedule'); i++) {
    const values = pool.pick('deletePayrollSchedule', i);
    if (values?.companyId) await h.api('DELETE', `/v1/companies/${encodeURIComponent(values.companyId)}/payroll-schedule`).catch(() => undefined);
  }
  await receiver?.close();
  await h?.close();
});

/** Webhook URLs on this machine (the worker delivers to them): the receiver, with a generated path and query. */
function webhookUrlOverrides(): Map<object, Arbitrary<unknown>> {
  const input = doc.components.schemas.WebhookEndpointInput as { properties?: Record<string, JsonSchema> } | undefined;
  const url = input?.properties?.url;
  if (!url) throw new Error('WebhookEndpointInput.url is not in the document');
  const suffix = fc.stringMatching(/^(\/[A-Za-z0-9._~-]{0,20}){0,3}(\?[A-Za-z0-9=&]{0,20})?$/);
  return new Map([[url, suffix.map((tail) => `${receiver.url}${tail}`)]]);
}

function describeFinding(finding: Finding): string {
  const body = finding.request.body === undefined ? '' : ` ${JSON.stringify(finding.request.body).slice(0, 400)}`;
  return `${finding.operation}: ${finding.problem}\n    ${finding.request.method} ${finding.request.url}${body}\n    → ${finding.status} ${finding.answer.slice(0, 400)}`;
}

describe('the API against its OpenAPI document', () => {
  it('answers every request generated from the document as the document says', { timeout: 600_000 }, async () => {
    const options = { doc, validator, overrides: webhookUrlOverrides() };
    const ordered = [...ORDER.map(operation), ...operations.filter((op) => !ORDER.includes(op.id))];
    expect(ordered.map((op) => op.id).sort()).toEqual(operations.map((op) => op.id).sort());

    const findings: Finding[] = [];
    const statuses: Record<string, Record<number, number>> = {};
    const started = Date.now();
    for (const [index, op] of ordered.entries()) {
      const counts: Record<number, number> = (statuses[op.id] = {});
      if (op.id === 'startPayrollSync') await reseed();
      await fc.assert(
        fc.asyncProperty(requestArbitrary(op, options), async (plan) => {
          const request = materialize(op, plan, pool, OPAQUE_PARAMETERS);
          const result = await exercise({ apiUrl: h.apiUrl, token: h.apiToken, validator, pool, timeoutMs: REQUEST_TIMEOUT_MS }, op, request);
          counts[result.answer.status] = (counts[result.answer.status] ?? 0) + 1;
          findings.push(...result.findings);
        }),
        { numRuns: RUNS, seed: SEED + index, endOnFailure: true },
      );
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `OpenAPI fuzz: ${ordered.length} operations × ${RUNS} requests in ${seconds} s (seed ${SEED}); statuses per operation:\n` +
        ordered.map((op) => `  ${op.id}: ${JSON.stringify(statuses[op.id])}`).join('\n'),
    );

    // One example of each kind of finding per operation, with the server's log lines of any 5xx.
    const seen = new Set<string>();
    const distinct = findings.filter((finding) => {
      const key = `${finding.operation}|${finding.problem.replace(/\d+/g, 'N').slice(0, 120)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const serverErrors = findings.some((finding) => finding.status >= 500) ? h.logs.filter((line) => line.includes('unhandled API error')).slice(0, 5) : [];
    const report = [...distinct.map(describeFinding), ...serverErrors.map((line) => `server log: ${line.slice(0, 1500)}`)].join('\n');
    expect(distinct.map((finding) => `${finding.operation}: ${finding.problem}`), report).toEqual([]);
  });

  it('reached every operation with ids its links handed out', () => {
    const unreached = operations.filter((op) => (op.op.parameters ?? []).some((p) => p.in === 'path') && pool.count(op.id) === 0).map((op) => op.id);
    expect(unreached).toEqual([]);
  });
});
