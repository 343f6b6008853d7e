// Contract tests of the Personio client against the real sandbox over HTTP (no mocked fetch).
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { typesNamed } from '../../payroll/benefit-types.js';
import {
  createPersonioClientFactory,
  createPersonioCredentialRegistry,
  PersonioError,
  type PersonioClientConfig,
  type PersonioCredentials,
} from '../../personio/index.js';
import {
  ALL_SCOPES,
  COMP_READ,
  COMP_WRITE,
  PERSONS_READ,
  captureLogger,
  eventually,
  rejectionOf,
  startTestSandbox,
  tokenRequests,
  type LogLine,
  type SandboxHandle,
} from './support.js';

// Everything any client logged and every error thrown in this file: checked for leaks at the end.
const allLogLines: LogLine[] = [];
const allErrors: unknown[] = [];
const secretsUsed = new Set<string>();
const tokensIssued = new Set<string>();

let sb: SandboxHandle;
const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50, budgetMs: 10_000, minRateLimitDelayMs: 10, rateLimitWindowMs: 200 };

function creds(clientId: string, clientSecret: string): PersonioCredentials {
  secretsUsed.add(clientSecret);
  return { clientId, clientSecret };
}

function factory(overrides: Partial<PersonioClientConfig> = {}) {
  const { logger, lines } = captureLogger(allLogLines);
  const make = createPersonioClientFactory({
    baseUrl: sb.url,
    timeoutMs: 2000,
    requestsPerMinute: 60_000,
    retry: FAST_RETRY,
    logger,
    ...overrides,
  });
  return { make, lines };
}

async function addCredential(clientId: string, clientSecret: string, scopes = ALL_SCOPES, readableAttributes?: string[]) {
  await sb.admin.setCredentials({ clientId, clientSecret, scopes, ...(readableAttributes ? { readableAttributes } : {}) });
  return creds(clientId, clientSecret);
}

async function failure(promise: Promise<unknown>): Promise<PersonioError> {
  const err = await rejectionOf(promise, allErrors);
  expect(err).toBeInstanceOf(PersonioError);
  return err as PersonioError;
}

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb?.running.close();
});
beforeEach(async () => {
  await sb.admin.reset();
});
afterEach(() => {
  for (const token of sb.running.sandbox.state.tokens.keys()) tokensIssued.add(token);
});

describe('authentication and the token cache', () => {
  it('authenticates with form-encoded client credentials and reports the granted scopes', async () => {
    const c = await addCredential('acme', 'secret-acme-1', [PERSONS_READ, COMP_READ]);
    const { make } = factory({ partnerId: 'ACME_PARTNER', appId: 'PAYROLL_SYNC' });
    const result = await make(c).authenticate();
    expect(result.grantedScopes.sort()).toEqual([COMP_READ, PERSONS_READ]);
    const log = await sb.admin.listRequests();
    expect(tokenRequests(log)).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 200, clientId: 'acme', partnerId: 'ACME_PARTNER', appId: 'PAYROLL_SYNC' });
  });

  it('shares ONE token request among 20 concurrent calls of 20 clients of one credential', async () => {
    const c = await addCredential('acme', 'secret-acme-2');
    await sb.admin.addPersons([{ email: 'a@acme.test' }]);
    const { make } = factory();
    const results = await Promise.all(Array.from({ length: 20 }, () => make(c).listPersonsPage({ limit: 5 })));
    expect(results.every((r) => r.persons.length === 1)).toBe(true);
    await make(c).listPersonsPage();
    const log = await sb.admin.listRequests();
    expect(tokenRequests(log)).toHaveLength(1);
    expect(log.filter((r) => r.path === '/v2/persons' && r.status === 200)).toHaveLength(21);
  });

  it('keeps tokens per factory and per credential', async () => {
    const a = await addCredential('acme', 'secret-acme-3');
    const b = await addCredential('beta', 'secret-beta-3');
    const first = factory().make;
    const second = factory().make;
    await first(a).authenticate();
    await first(a).authenticate();
    await first(b).authenticate();
    await second(a).authenticate();
    const tokenLog = tokenRequests(await sb.admin.listRequests());
    expect(tokenLog.map((r) => r.clientId)).toEqual(['acme', 'beta', 'acme']);
  });

  it('shares one token and one rate budget between factories given the same registry', async () => {
    const c = await addCredential('acme', 'secret-acme-3b');
    const registry = createPersonioCredentialRegistry({ requestsPerMinute: 600, burst: 1 });
    const patient = factory({ registry }).make;
    const quick = factory({ registry, timeoutMs: 500, retry: { maxAttempts: 1 } }).make;
    await Promise.all([patient(c).authenticate(), quick(c).authenticate()]);
    await Promise.all([patient(c).listPersonsPage(), quick(c).listPersonsPage(), patient(c).listPersonsPage(), quick(c).listPersonsPage()]);
    const log = await sb.admin.listRequests();
    expect(tokenRequests(log)).toHaveLength(1);
    const times = log.filter((r) => r.path === '/v2/persons').map((r) => r.receivedAtMs).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(60);
    expect(times[3]! - times[0]!).toBeGreaterThanOrEqual(250);
  });

  it('on a 401 (token expired early) refreshes exactly once and succeeds', async () => {
    const c = await addCredential('acme', 'secret-acme-4');
    const { make } = factory();
    const client = make(c);
    await client.authenticate();
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'expire_token', count: 1 });
    const page = await client.listPersonsPage();
    expect(page.persons).toEqual([]);
    const log = await sb.admin.listRequests();
    expect(tokenRequests(log)).toHaveLength(2);
    expect(log.filter((r) => r.path === '/v2/persons').map((r) => r.status)).toEqual([401, 200]);
    // the new token is cached: no further token request
    await client.listPersonsPage();
    expect(tokenRequests(await sb.admin.listRequests())).toHaveLength(2);
  });

  it('fails with credentials_rejected when the fresh token is refused too (one refresh only)', async () => {
    const c = await addCredential('acme', 'secret-acme-5');
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'status', status: 401, count: 10 });
    const err = await failure(factory().make(c).listPersonsPage());
    expect(err).toMatchObject({ kind: 'credentials_rejected', status: 401, retryable: false });
    const log = await sb.admin.listRequests();
    expect(tokenRequests(log)).toHaveLength(2);
    expect(log.filter((r) => r.path === '/v2/persons')).toHaveLength(2);
  });

  it('maps a wrong secret to credentials_rejected without retrying', async () => {
    await addCredential('acme', 'secret-acme-6');
    const err = await failure(factory().make(creds('acme', 'not-the-secret-6')).authenticate());
    expect(err.kind).toBe('credentials_rejected');
    expect(err.status).toBe(400);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/rejected the client ID\/secret.*check the API credentials/);
    expect(err.traceId).toMatch(/\S+/);
    expect(tokenRequests(await sb.admin.listRequests())).toHaveLength(1);
  });

  it('maps invalid_scope to permission_missing', async () => {
    const c = await addCredential('acme', 'secret-acme-7', [PERSONS_READ]);
    const err = await failure(factory({ scopes: [PERSONS_READ, COMP_WRITE] }).make(c).authenticate());
    expect(err).toMatchObject({ kind: 'permission_missing', status: 400, retryable: false });
    expect(err.detail).toContain(COMP_WRITE);
  });

  it('retries a token endpoint outage (503) and then succeeds', async () => {
    const c = await addCredential('acme', 'secret-acme-8');
    await sb.admin.addFault({ method: 'POST', path: '/v2/auth/token', kind: 'status', status: 503, count: 2 });
    await factory().make(c).authenticate();
    expect(tokenRequests(await sb.admin.listRequests()).map((r) => r.status)).toEqual([503, 503, 200]);
  });
});

describe('permissions', () => {
  it('names the missing scope of each endpoint on a 403, without retrying', async () => {
    const personsOnly = await addCredential('p-only', 'secret-p-only', [PERSONS_READ]);
    const compReadOnly = await addCredential('c-read', 'secret-c-read', [COMP_READ]);
    const noPersons = await addCredential('no-persons', 'secret-no-persons', [COMP_READ, COMP_WRITE]);
    const person = (await sb.admin.addPersons([{ email: 'x@acme.test' }]))[0]!;
    const type = await sb.admin.addCompensationType({ name: 'Meal', category: 'ONE_TIME' });
    const { make } = factory();

    const e1 = await failure(make(noPersons).listPersonsPage());
    expect(e1).toMatchObject({ kind: 'permission_missing', status: 403, missingScope: PERSONS_READ, retryable: false });
    expect(e1.message).toContain(PERSONS_READ);

    const e2 = await failure(make(personsOnly).listCompensationTypes());
    expect(e2).toMatchObject({ kind: 'permission_missing', missingScope: COMP_READ });
    expect(e2.message).toContain(COMP_READ);

    const e3 = await failure(make(personsOnly).listCompensations({ period: '2025-01', personIds: [person.id] }));
    expect(e3.missingScope).toBe(COMP_READ);

    const e4 = await failure(
      make(compReadOnly).createCompensation({
        personId: person.id,
        typeId: type.id,
        amountCents: 100,
        currency: 'EUR',
        effectiveFrom: '2025-01-31',
      }),
    );
    expect(e4).toMatchObject({ kind: 'permission_missing', missingScope: COMP_WRITE });
    expect(e4.message).toContain(COMP_WRITE);

    const e5 = await failure(make(compReadOnly).createCompensationType('Meal'));
    expect(e5.missingScope).toBe(COMP_WRITE);

    const log = await sb.admin.listRequests();
    expect(log.filter((r) => r.status === 403)).toHaveLength(5);
    expect(log.filter((r) => r.path !== '/v2/auth/token')).toHaveLength(5);
    expect(await sb.admin.listCompensations()).toEqual([]);
  });

  it('tells a compensation type closed to the credential from a missing scope, checking the scopes with one new token', async () => {
    const c = await addCredential('acme', 'secret-acme-403', ALL_SCOPES);
    const person = (await sb.admin.addPersons([{ email: 'x@acme.test' }]))[0]!;
    const closed = await sb.admin.addCompensationType({ name: 'Closed', category: 'ONE_TIME' });
    await sb.admin.setPersonality({ writeForbiddenTypeIds: [closed.id] });
    const client = factory().make(c);
    const post = () => client.createCompensation({ personId: person.id, typeId: closed.id, amountCents: 100, currency: 'EUR', effectiveFrom: '2025-01-31' });
    for (let i = 0; i < 3; i++) {
      const err = await failure(post());
      expect(err).toMatchObject({ kind: 'write_refused', status: 403, retryable: false, detail: expect.stringMatching(/not allowed to create compensations of this compensation type/) });
      expect(err.missingScope).toBeUndefined();
      expect(err.message).toMatch(/has the scope personio:compensations:write: the compensation type or the employee's legal entity/);
    }
    // The first refusal fetched one new token to re-read the scopes; later refusals trust it.
    expect(tokenRequests(await sb.admin.listRequests())).toHaveLength(2);
    expect(await sb.admin.listCompensations()).toEqual([]);

    // The scope withdrawn while a token listing it is cached: the new token shows the scope is missing.
    await sb.admin.setCredentials({ clientId: 'acme', clientSecret: 'secret-acme-403', scopes: [PERSONS_READ, COMP_READ] });
    const open = await sb.admin.addCompensationType({ name: 'Open', category: 'ONE_TIME' });
    const withdrawn = await failure(factory().make(c).createCompensation({ personId: person.id, typeId: open.id, amountCents: 100, currency: 'EUR', effectiveFrom: '2025-01-31' }));
    expect(withdrawn).toMatchObject({ kind: 'permission_missing', missingScope: COMP_WRITE });
  });
});

describe('persons', () => {
  it('finds persons by email in batches of 50, normalized and deduplicated', async () => {
    const c = await addCredential('acme', 'secret-acme-9');
    const seeded = await sb.admin.addPersons(
      Array.from({ length: 120 }, (_, i) => ({ email: `Person${i}@Acme.test`, first_name: `P${i}` })),
    );
    const emails = seeded.map((p) => `  ${p.email!.toUpperCase()} `);
    emails.push(emails[0]!, 'nobody@acme.test', '');
    const result = await factory().make(c).findPersonsByEmail(emails);
    expect(result.matched.size).toBe(120);
    expect(result.matched.get('person7@acme.test')).toMatchObject({ id: seeded[7]!.id, email: 'Person7@Acme.test', firstName: 'P7', status: 'ACTIVE' });
    expect(result.unmatched).toEqual(['nobody@acme.test']);
    expect(result.ambiguous).toEqual([]);
    const personRequests = (await sb.admin.listRequests()).filter((r) => r.path === '/v2/persons');
    expect(personRequests).toHaveLength(3);
    expect(personRequests.map((r) => r.query.email!.split(',').length)).toEqual([50, 50, 21]);
    expect(personRequests.every((r) => r.query.limit === '50')).toBe(true);
  });

  it('follows next links across pages and reports emails matched by several persons as ambiguous', async () => {
    const c = await addCredential('acme', 'secret-acme-10');
    const persons = Array.from({ length: 30 }, (_, i) => ({ email: `dup${i}@acme.test` }));
    const first = await sb.admin.addPersons(persons);
    const second = await sb.admin.addPersons(persons.map((p) => ({ email: p.email.toUpperCase() })));
    const single = await sb.admin.addPersons([{ email: 'single@acme.test' }]);
    const emails = [...persons.map((p) => p.email), 'single@acme.test'];
    const result = await factory().make(c).findPersonsByEmail(emails);
    expect(result.ambiguous).toHaveLength(30);
    expect(result.ambiguous[0]).toEqual({ email: 'dup0@acme.test', personIds: [first[0]!.id, second[0]!.id] });
    expect([...result.matched.keys()]).toEqual(['single@acme.test']);
    expect(result.matched.get('single@acme.test')!.id).toBe(single[0]!.id);
    const personRequests = (await sb.admin.listRequests()).filter((r) => r.path === '/v2/persons');
    // 61 persons match one batch of 31 emails: pages of 50 → 2 requests, the second one with the cursor.
    expect(personRequests).toHaveLength(2);
    expect(personRequests[0]!.query.cursor).toBeUndefined();
    expect(personRequests[1]!.query.cursor).toMatch(/\S/);
    expect(personRequests[1]!.query.email).toBe(personRequests[0]!.query.email);
  });

  it('returns one page with its next link, and leaves emails unmatched when the Email attribute is not readable', async () => {
    const c = await addCredential('acme', 'secret-acme-11', ALL_SCOPES, ['first_name', 'last_name']);
    await sb.admin.addPersons(Array.from({ length: 7 }, (_, i) => ({ email: `p${i}@acme.test`, first_name: `F${i}` })));
    const client = factory().make(c);
    const page = await client.listPersonsPage({ limit: 5 });
    expect(page.persons).toHaveLength(5);
    expect(page.persons[0]).toEqual({ id: expect.any(String), firstName: 'F0', status: 'ACTIVE' });
    expect(page.nextHref).toMatch(/cursor=/);
    const result = await client.findPersonsByEmail(['p0@acme.test']);
    expect(result.matched.size).toBe(0);
    expect(result.unmatched).toEqual(['p0@acme.test']);
  });
});

describe('email filter case', () => {
  it('probes whether the email filter ignores case, with a known person\'s address in swapped case', async () => {
    const c = await addCredential('acme', 'secret-acme-probe');
    const client = factory().make(c);
    expect(await client.probeEmailFilterCase()).toBe('unknown');
    await sb.admin.addPersons([{ email: 'Anna.Schmidt@acme.test' }]);
    expect(await client.probeEmailFilterCase()).toBe('ignores_case');
    const probe = (await sb.admin.listRequests({ path: '/v2/persons' })).at(-1)!;
    expect(probe.query.email).toBe('aNNA.sCHMIDT@ACME.TEST');
    await sb.admin.setPersonality({ emailFilter: 'case_sensitive' });
    expect(await client.probeEmailFilterCase()).toBe('case_sensitive');
    // The lookup by filter then misses the capitals; the whole list does not.
    expect((await client.findPersonsByEmail(['anna.schmidt@acme.test'])).unmatched).toEqual(['anna.schmidt@acme.test']);
    expect((await client.listAllPersons()).map((p) => p.email)).toEqual(['Anna.Schmidt@acme.test']);
  });
});

describe('compensation types', () => {
  it('lists every type across pages; a name finds its ONE_TIME type (case, spaces) and the other categories apart', async () => {
    const c = await addCredential('acme', 'secret-acme-12');
    for (let i = 0; i < 148; i++) await sb.admin.addCompensationType({ name: `Type ${i}`, category: 'RECURRING' });
    await sb.admin.addCompensationType({ name: 'Meal   Allowance', category: 'RECURRING' });
    const oneTime = await sb.admin.addCompensationType({ name: 'meal allowance', category: 'ONE_TIME' });
    const client = factory().make(c);
    const types = await client.listCompensationTypes();
    expect(types).toHaveLength(150);
    expect(types[0]).toEqual({ id: expect.any(String), name: 'Type 0', category: 'RECURRING' });
    const typeRequests = (await sb.admin.listRequests()).filter((r) => r.path === '/v2/compensations/types');
    expect(typeRequests).toHaveLength(2);
    expect(typeRequests[0]!.query.limit).toBe('100');
    expect(typesNamed(types, '  MEAL\tallowance ').oneTime).toEqual({ id: oneTime.id, name: 'meal allowance', category: 'ONE_TIME' });
    expect(typesNamed(types, '  MEAL\tallowance ').otherCategories.map((t) => t.category)).toEqual(['RECURRING']);
    expect(typesNamed(types, 'Mobility')).toEqual({ otherCategories: [] });
  });

  it('ends a listing whose last page links back to its own cursor (a live quirk), and says so', async () => {
    const c = await addCredential('acme', 'secret-acme-13');
    for (let i = 0; i < 150; i++) await sb.admin.addCompensationType({ name: `Type ${i}`, category: 'ONE_TIME' });
    await sb.admin.addFault({ method: 'GET', path: '/v2/compensations/types', kind: 'repeat_cursor' });
    const { make, lines } = factory();
    const types = await make(c).listCompensationTypes();
    expect(types).toHaveLength(150);
    const typeRequests = (await sb.admin.listRequests()).filter((r) => r.path === '/v2/compensations/types');
    expect(typeRequests).toHaveLength(2);
    expect(lines.some((l) => l.level === 'info' && /cursor/.test(l.msg))).toBe(true);
  });

  it('creates a ONE_TIME type (duplicates are Personio\'s business: look up first)', async () => {
    const c = await addCredential('acme', 'secret-acme-14');
    const client = factory().make(c);
    const created = await client.createCompensationType('  Internet   allowance ');
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Internet allowance', category: 'ONE_TIME' });
    expect(await sb.admin.listCompensationTypes()).toEqual([created]);
    expect(typesNamed(await client.listCompensationTypes(), 'internet allowance').oneTime).toEqual(created);
  });
});

describe('compensations', () => {
  async function seedPersonAndType(clientId = 'acme', secret = 'secret-acme-comp') {
    const c = await addCredential(clientId, secret);
    const person = (await sb.admin.addPersons([{ email: 'pay@acme.test' }]))[0]!;
    const type = await sb.admin.addCompensationType({ name: 'Meal', category: 'ONE_TIME' });
    return { c, person, type };
  }

  it('round-trips money exactly: 1999 ⇄ 19.99, 10 ⇄ 0.1, 100000099 ⇄ 1000000.99', async () => {
    const { c, person, type } = await seedPersonAndType();
    const client = factory().make(c);
    const amounts = [1999, 10, 100000099, 100];
    const created = [];
    for (const amountCents of amounts) {
      created.push(
        await client.createCompensation({
          personId: person.id,
          typeId: type.id,
          amountCents,
          currency: 'EUR',
          effectiveFrom: '2025-03-31',
          comment: `benefits:${amountCents}`,
        }),
      );
    }
    expect(created.map((x) => x.amountCents)).toEqual(amounts);
    expect(created[0]).toMatchObject({ personId: person.id, typeId: type.id, currency: 'EUR', effectiveFrom: '2025-03-31', comment: 'benefits:1999' });
    expect((await sb.admin.listCompensations()).map((x) => x.value)).toEqual([19.99, 0.1, 1000000.99, 1]);
    const listed = await client.listCompensations({ period: '2025-03', personIds: [person.id] });
    expect(listed.map((x) => x.amountCents)).toEqual(amounts);
    expect(listed[0]).toMatchObject({ typeName: 'Meal', typeCategory: 'ONE_TIME', comment: 'benefits:1999', currency: 'EUR' });
  });

  it('lists a whole month, batching person ids by 50 and following pages', async () => {
    const c = await addCredential('acme', 'secret-acme-15');
    const persons = await sb.admin.addPersons(Array.from({ length: 120 }, (_, i) => ({ email: `e${i}@acme.test` })));
    const type = await sb.admin.addCompensationType({ name: 'Meal', category: 'ONE_TIME' });
    // 3 compensations for each of the first 50 persons in February (150 → 2 pages), noise elsewhere.
    for (const p of persons.slice(0, 50)) {
      for (const day of ['2025-02-01', '2025-02-15', '2025-02-28']) {
        await sb.admin.addCompensation({ personId: p.id, typeId: type.id, value: 12.5, effectiveFrom: day });
      }
    }
    await sb.admin.addCompensation({ personId: persons[60]!.id, typeId: type.id, value: 3, effectiveFrom: '2025-02-10' });
    await sb.admin.addCompensation({ personId: persons[60]!.id, typeId: type.id, value: 0, effectiveFrom: '2025-02-10' });
    await sb.admin.addCompensation({ personId: persons[0]!.id, typeId: type.id, value: 5, effectiveFrom: '2025-03-01' });
    await sb.admin.addCompensation({ personId: persons[0]!.id, typeId: type.id, value: 5, effectiveFrom: '2025-01-31' });

    const listed = await factory().make(c).listCompensations({ period: '2025-02', personIds: persons.map((p) => p.id) });
    expect(listed).toHaveLength(151);
    expect(listed.filter((x) => x.amountCents === 1250)).toHaveLength(150);
    expect(listed.find((x) => x.personId === persons[60]!.id)).toMatchObject({ amountCents: 300, effectiveFrom: '2025-02-10' });

    const requests = (await sb.admin.listRequests()).filter((r) => r.path === '/v2/compensations');
    expect(requests.map((r) => [r.query['person.id']!.split(',').length, r.query.cursor === undefined])).toEqual([
      [50, true],
      [50, false],
      [50, true],
      [20, true],
    ]);
    expect(requests.every((r) => r.query.start_date === '2025-02-01' && r.query.end_date === '2025-02-28' && r.query.limit === '100')).toBe(true);
  });

  it('carries Personio\'s validation detail and does not retry a 400', async () => {
    const { c, person, type } = await seedPersonAndType();
    const client = factory().make(c);
    const negative = await failure(
      client.createCompensation({ personId: person.id, typeId: type.id, amountCents: -500, currency: 'EUR', effectiveFrom: '2025-03-31' }),
    );
    expect(negative).toMatchObject({ kind: 'validation', status: 400, retryable: false });
    expect(negative.detail).toContain('value must be greater than 0');
    expect(negative.message).toContain('value must be greater than 0');
    expect(negative.traceId).toMatch(/\S+/);
    const unknownType = await failure(
      client.createCompensation({ personId: person.id, typeId: 'no-such-type', amountCents: 500, currency: 'EUR', effectiveFrom: '2025-03-31' }),
    );
    expect(unknownType.detail).toContain('type.id no-such-type does not exist');
    expect((await sb.admin.listRequests({ path: '/v2/compensations' })).map((r) => r.status)).toEqual([400, 400]);
    expect(await sb.admin.listCompensations()).toEqual([]);
  });

  it('refuses non-integer cents and bad dates locally', async () => {
    const { c, person, type } = await seedPersonAndType();
    const client = factory().make(c);
    await expect(
      client.createCompensation({ personId: person.id, typeId: type.id, amountCents: 12.5, currency: 'EUR', effectiveFrom: '2025-03-31' }),
    ).rejects.toThrow(RangeError);
    await expect(
      client.createCompensation({ personId: person.id, typeId: type.id, amountCents: 1250, currency: 'EUR', effectiveFrom: '31.03.2025' }),
    ).rejects.toThrow(RangeError);
    await expect(client.listCompensations({ period: '2025-13', personIds: [person.id] })).rejects.toThrow(RangeError);
    expect(await sb.admin.listRequests({ path: '/v2/compensations' })).toEqual([]);
  });

  it('commit-then-drop: the POST is stored, the client throws a retryable network error and never re-posts', async () => {
    const { c, person, type } = await seedPersonAndType();
    await sb.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'commit_then_drop', count: 1 });
    const client = factory().make(c);
    const err = await failure(
      client.createCompensation({ personId: person.id, typeId: type.id, amountCents: 4200, currency: 'EUR', effectiveFrom: '2025-03-31', comment: 'key:abc' }),
    );
    expect(err).toMatchObject({ kind: 'network', retryable: true, commitUnknown: true });
    expect(err.message).toMatch(/reconcile/);
    const posts = await sb.admin.listRequests({ method: 'POST', path: '/v2/compensations' });
    expect(posts).toHaveLength(1);
    expect(posts[0]!.dropped).toBe(true);
    expect(await sb.admin.listCompensations()).toHaveLength(1);
    // reconciliation sees it
    const listed = await client.listCompensations({ period: '2025-03', personIds: [person.id] });
    expect(listed).toEqual([expect.objectContaining({ amountCents: 4200, comment: 'key:abc', typeId: type.id })]);
  });

  it('does not re-post after a 5xx, but does after a 429', async () => {
    const { c, person, type } = await seedPersonAndType();
    const client = factory().make(c);
    const input = { personId: person.id, typeId: type.id, amountCents: 100, currency: 'EUR', effectiveFrom: '2025-03-31' };
    await sb.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'status', status: 502, count: 1 });
    const err = await failure(client.createCompensation(input));
    expect(err).toMatchObject({ kind: 'unavailable', status: 502, retryable: true, commitUnknown: true });
    expect(await sb.admin.listRequests({ method: 'POST', path: '/v2/compensations' })).toHaveLength(1);

    await sb.admin.clearRequests();
    await sb.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'status', status: 429, count: 2 });
    const created = await client.createCompensation(input);
    expect(created.amountCents).toBe(100);
    expect((await sb.admin.listRequests({ method: 'POST', path: '/v2/compensations' })).map((r) => r.status)).toEqual([429, 429, 201]);
    expect(await sb.admin.listCompensations()).toHaveLength(1);
  });

  it('does not re-post after a timeout (the slow POST still lands)', async () => {
    const { c, person, type } = await seedPersonAndType();
    await sb.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'latency', latencyMs: 400, count: 1 });
    const client = factory({ timeoutMs: 100 }).make(c);
    await client.authenticate();
    const err = await failure(
      client.createCompensation({ personId: person.id, typeId: type.id, amountCents: 777, currency: 'EUR', effectiveFrom: '2025-03-31' }),
    );
    expect(err).toMatchObject({ kind: 'timeout', retryable: true, commitUnknown: true });
    const stored = await eventually(async () => {
      const all = await sb.admin.listCompensations();
      return all.length > 0 && all;
    });
    expect(stored.map((x) => x.value)).toEqual([7.77]);
    expect(await sb.admin.listRequests({ method: 'POST', path: '/v2/compensations' })).toHaveLength(1);
  });
});

describe('retries, timeouts and pacing', () => {
  it('retries 500, 502, 503 and 504 on reads', async () => {
    const c = await addCredential('acme', 'secret-acme-16');
    for (const status of [500, 502, 503, 504]) {
      await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'status', status, count: 1 });
    }
    // faults fire in insertion order, one per request
    const { make, lines } = factory();
    await make(c).listPersonsPage();
    const statuses = (await sb.admin.listRequests({ path: '/v2/persons' })).map((r) => r.status);
    expect(statuses).toEqual([500, 502, 503, 504, 200]);
    expect(lines.filter((l) => l.msg === 'personio request failed, retrying')).toHaveLength(4);
  });

  it('rides out a 429 storm with Retry-After', async () => {
    const c = await addCredential('acme', 'secret-acme-17');
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'status', status: 429, retryAfterSeconds: 0, count: 5 });
    await factory().make(c).listPersonsPage();
    expect((await sb.admin.listRequests({ path: '/v2/persons' })).map((r) => r.status)).toEqual([429, 429, 429, 429, 429, 200]);
  });

  it('rides out a 429 storm without Retry-After', async () => {
    const c = await addCredential('acme', 'secret-acme-18');
    await sb.admin.addFault({ method: 'GET', path: '/v2/compensations/types', kind: 'status', status: 429, count: 4 });
    const types = await factory().make(c).listCompensationTypes();
    expect(types).toEqual([]);
    expect((await sb.admin.listRequests({ path: '/v2/compensations/types' })).map((r) => r.status)).toEqual([429, 429, 429, 429, 200]);
  });

  it('waits at least 1 s after a 429 without Retry-After by default, and as long as Retry-After says', async () => {
    const c = await addCredential('acme', 'secret-acme-19');
    const { make } = factory({ retry: { baseDelayMs: 5, maxDelayMs: 50, budgetMs: 10_000 } });
    const client = make(c);
    await client.authenticate();
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'status', status: 429, count: 1 });
    await client.listPersonsPage();
    let times = (await sb.admin.listRequests({ path: '/v2/persons' })).map((r) => r.receivedAtMs);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(990);

    await sb.admin.clearRequests();
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'status', status: 429, retryAfterSeconds: 2, count: 1 });
    await client.listPersonsPage();
    times = (await sb.admin.listRequests({ path: '/v2/persons' })).map((r) => r.receivedAtMs);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1990);
  });

  it('waits out a whole window after 429s without Retry-After, holding back the whole credential, before it gives up', async () => {
    const c = await addCredential('acme', 'secret-acme-20');
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'status', status: 429 });
    const make = factory({ retry: { ...FAST_RETRY, maxAttempts: 3, rateLimitWindowMs: 1_500 } }).make;
    const started = Date.now();
    const refused = failure(make(c).listPersonsPage());
    // A second caller of the same credential, arriving during the window, waits for its end too.
    await eventually(async () => (await sb.admin.listRequests({ path: '/v2/persons' })).length >= 3);
    await new Promise((r) => setTimeout(r, 200));
    const other = make(c).listCompensationTypes().catch((e: unknown) => e);
    const err = await refused;
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, retryable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    const persons = (await sb.admin.listRequests({ path: '/v2/persons' })).map((r) => r.receivedAtMs);
    // maxAttempts, then one more after the whole window.
    expect(persons).toHaveLength(4);
    expect(persons[3]! - persons[2]!).toBeGreaterThanOrEqual(1_490);
    await other;
    const types = (await sb.admin.listRequests({ path: '/v2/compensations/types' })).map((r) => r.receivedAtMs);
    expect(types[0]! - persons[2]!).toBeGreaterThanOrEqual(1_490);

    await sb.admin.clearFaults();
    await sb.admin.clearRequests();
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'status', status: 429, retryAfterSeconds: 30 });
    const secondStarted = Date.now();
    const err2 = await failure(factory({ retry: { ...FAST_RETRY, budgetMs: 1000 } }).make(c).listPersonsPage());
    expect(Date.now() - secondStarted).toBeLessThan(1000);
    expect(err2).toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 });
    expect(err2.message).toContain('retry after 30 s');
  });

  it('honours the sandbox\'s per-credential rate limit (429 with Retry-After beyond it)', async () => {
    const c = await addCredential('acme', 'secret-acme-21');
    await sb.admin.setRateLimit(3, 'acme');
    const client = factory({ retry: { ...FAST_RETRY, budgetMs: 2000 } }).make(c);
    for (let i = 0; i < 3; i++) await client.listPersonsPage();
    const err = await failure(client.listPersonsPage());
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBeGreaterThan(2000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('times out a slow request', async () => {
    const c = await addCredential('acme', 'secret-acme-22');
    const client = factory({ timeoutMs: 150, retry: { ...FAST_RETRY, maxAttempts: 1 } }).make(c);
    await client.authenticate();
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'latency', latencyMs: 700, count: 1 });
    const started = Date.now();
    const err = await failure(client.listPersonsPage());
    expect(Date.now() - started).toBeLessThan(600);
    expect(err).toMatchObject({ kind: 'timeout', retryable: true });
    expect(err.message).toContain('150 ms');
    // the sandbox finishes the abandoned request later: wait for it, so that it cannot leak into later tests
    await eventually(async () => (await sb.admin.listRequests({ path: '/v2/persons' })).length === 1);
  });

  it('retries a read that timed out', async () => {
    const c = await addCredential('acme', 'secret-acme-22b');
    const client = factory({ timeoutMs: 150 }).make(c);
    await client.authenticate();
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'latency', latencyMs: 400, count: 1 });
    await client.listPersonsPage();
    const log = await eventually(async () => {
      const entries = await sb.admin.listRequests({ path: '/v2/persons' });
      return entries.length === 2 && entries;
    });
    // the retry is answered first; the delayed first attempt is logged when the sandbox finishes it
    expect(log.map((r) => r.faults?.[0]?.endsWith(':latency') ?? false)).toEqual([false, true]);
  });

  it('maps an unreachable host to a network error after retrying', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const { logger, lines } = captureLogger(allLogLines);
    const make = createPersonioClientFactory({ baseUrl: `http://127.0.0.1:${port}`, retry: { ...FAST_RETRY, maxAttempts: 3 }, logger });
    const err = await failure(make(creds('acme', 'secret-unreachable')).authenticate());
    expect(err).toMatchObject({ kind: 'network', retryable: true });
    expect(err.message).toContain('ECONNREFUSED');
    expect(lines.filter((l) => l.msg === 'personio request failed, retrying')).toHaveLength(2);
  });

  it('paces requests per credential with the token bucket, shared by all clients of the factory', async () => {
    const a = await addCredential('acme', 'secret-acme-23');
    const b = await addCredential('beta', 'secret-beta-23');
    const { make } = factory({ requestsPerMinute: 600, burst: 1 }); // one request per 100 ms
    await Promise.all([make(a).authenticate(), make(b).authenticate()]);
    await sb.admin.clearRequests();
    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: 3 }, () => make(a).listPersonsPage()),
      ...Array.from({ length: 3 }, () => make(a).listPersonsPage()),
      make(b).listPersonsPage(),
    ]);
    const log = await sb.admin.listRequests({ path: '/v2/persons' });
    const acme = log.filter((r) => r.clientId === 'acme').map((r) => r.receivedAtMs).sort((x, y) => x - y);
    expect(acme).toHaveLength(6);
    // sends are ≥ 100 ms apart; arrival times may jitter a little under load
    for (let i = 1; i < acme.length; i++) expect(acme[i]! - acme[i - 1]!).toBeGreaterThanOrEqual(60);
    expect(acme[5]! - acme[0]!).toBeGreaterThanOrEqual(450);
    // beta has its own bucket: it is not queued behind acme's six requests (that would be ≥ 600 ms)
    const beta = log.find((r) => r.clientId === 'beta')!.receivedAtMs;
    expect(beta - started).toBeLessThan(400);
  });
});

describe('secrets', () => {
  it('never puts a client secret or an access token into a log line or an error', () => {
    for (const token of sb.running.sandbox.state.tokens.keys()) tokensIssued.add(token);
    expect(secretsUsed.size).toBeGreaterThan(10);
    expect(tokensIssued.size).toBeGreaterThan(10);
    expect(allLogLines.length).toBeGreaterThan(50);
    expect(allErrors.length).toBeGreaterThan(15);
    const needles = [...secretsUsed, ...tokensIssued];

    const texts: string[] = allLogLines.map((l) => `${l.msg} ${JSON.stringify(l.fields ?? {})}`);
    for (const err of allErrors) {
      const e = err as Error & Record<string, unknown>;
      texts.push(String(e.message), String(e.stack), JSON.stringify(e));
      texts.push(...Object.keys(e).map((k) => `${k}=${typeof e[k] === 'string' ? e[k] : JSON.stringify(e[k])}`));
      texts.push(String(e.cause), JSON.stringify(e.cause ?? null));
      texts.push(...Object.getOwnPropertyNames(e).map((k) => String(e[k])));
    }
    for (const text of texts) for (const needle of needles) expect(text.includes(needle), `leak in: ${text.slice(0, 200)}`).toBe(false);
  });
});
