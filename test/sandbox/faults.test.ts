// The sandbox's test facilities: injected faults, the per-credential rate limit, the admin surface.
import { beforeEach, describe, expect, it } from 'vitest';
import { advanceClock, credentialWithToken, envelopeDetails, get, http, postJson, useTestSandbox } from './support.js';

const sb = useTestSandbox({ clock: true });
let t: string;
beforeEach(async () => {
  t = await credentialWithToken(sb, 'acme');
});

describe('faults', () => {
  it('latency delays matching requests only, for count requests', async () => {
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'latency', latencyMs: 400, count: 1 });
    let started = Date.now();
    expect((await get(sb, '/v2/compensations/types', t)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(300);
    started = Date.now();
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(await sb.admin.listFaults()).toEqual([]);
    started = Date.now();
    await get(sb, '/v2/persons', t);
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('status answers with the v2 envelope, with Retry-After only when asked', async () => {
    const { id } = await sb.admin.addFault({ path: '/v2/persons', kind: 'status', status: 429, retryAfterSeconds: 7, count: 2 });
    const first = await get(sb, '/v2/persons', t);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    envelopeDetails(first);
    expect(await sb.admin.listFaults()).toEqual([expect.objectContaining({ id, remaining: 1, applied: 1 })]);
    expect((await get(sb, '/v2/persons', t)).status).toBe(429);
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);

    await sb.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'status', status: 503, count: 1 });
    const noHeader = await postJson(sb, '/v2/compensations', {}, t);
    expect(noHeader.status).toBe(503);
    expect(noHeader.headers.get('retry-after')).toBeNull();
    expect(noHeader.body.errors[0].type).toMatch(/common.service_unavailable$/);
    const log = await sb.admin.listRequests();
    expect(log.at(-1)!.faults).toEqual([expect.stringMatching(/:status$/)]);
  });

  it('rate applies a seeded, repeatable fraction of the matching requests', async () => {
    async function pattern(rate: number, seed: number): Promise<string> {
      await sb.admin.clearFaults();
      await sb.admin.addFault({ path: '/v2/persons', kind: 'status', status: 500, rate, seed });
      let out = '';
      for (let i = 0; i < 40; i++) out += (await get(sb, '/v2/persons', t)).status === 500 ? 'x' : '.';
      return out;
    }
    const a = await pattern(0.5, 42);
    expect(await pattern(0.5, 42)).toBe(a);
    const hits = a.split('').filter((ch) => ch === 'x').length;
    expect(hits).toBeGreaterThan(8);
    expect(hits).toBeLessThan(32);
    expect(await pattern(0.5, 7)).not.toBe(a);
    expect(await pattern(0, 1)).toBe('.'.repeat(40));
    expect(await pattern(1, 1)).toBe('x'.repeat(40));
  });

  it('commit_then_drop stores the compensation and cuts the connection without an answer', async () => {
    const person = (await sb.admin.addPersons([{ email: 'a@acme.test' }]))[0]!;
    const type = await sb.admin.addCompensationType({ name: 'Meal', category: 'ONE_TIME' });
    await sb.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'commit_then_drop', count: 1 });
    const post = () =>
      postJson(sb, '/v2/compensations', { person: { id: person.id }, type: { id: type.id }, value: 12.34, effective_from: '2025-03-31' }, t);
    const err = await post().then(
      () => undefined,
      (e: unknown) => e as Error & { cause?: { code?: string } },
    );
    expect(err).toBeInstanceOf(TypeError);
    expect(err!.cause?.code).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    expect((await sb.admin.listCompensations()).map((c) => c.value)).toEqual([12.34]);
    const log = await sb.admin.listRequests({ path: '/v2/compensations' });
    expect(log).toEqual([expect.objectContaining({ method: 'POST', status: 201, dropped: true })]);
    // the server lives on and the fault is used up
    expect((await post()).status).toBe(201);
    expect(await sb.admin.listCompensations()).toHaveLength(2);
  });

  it('expire_token expires the presented token (401 now and later); requests without a token do not use it up', async () => {
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'expire_token', count: 1 });
    expect((await get(sb, '/v2/persons')).status).toBe(401);
    expect(await sb.admin.listFaults()).toHaveLength(1);
    const expired = await get(sb, '/v2/persons', t);
    expect(expired.status).toBe(401);
    expect(envelopeDetails(expired)[0]).toMatch(/expired/);
    expect((await get(sb, '/v2/compensations/types', t)).status).toBe(401);
    const fresh = await credentialWithToken(sb, 'acme');
    expect((await get(sb, '/v2/persons', fresh)).status).toBe(200);
  });

  it('repeat_cursor makes a page link back to its own cursor', async () => {
    await sb.admin.addPersons(Array.from({ length: 25 }, (_, i) => ({ email: `p${i}@acme.test` })));
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'repeat_cursor', count: 1 });
    const first = await get(sb, '/v2/persons?limit=10', t);
    const next1 = new URL(first.body._meta.links.next.href);
    expect(await sb.admin.listFaults()).toHaveLength(1); // not used on the first page
    const second = await get(sb, next1.toString(), t);
    expect(new URL(second.body._meta.links.next.href).searchParams.get('cursor')).toBe(next1.searchParams.get('cursor'));
    const again = await get(sb, next1.toString(), t);
    expect(new URL(again.body._meta.links.next.href).searchParams.get('cursor')).not.toBe(next1.searchParams.get('cursor'));
  });

  it('validates fault specs and lists, deletes and clears them', async () => {
    await expect(sb.admin.addFault({ path: '/v2/persons', kind: 'status' })).rejects.toMatchObject({ status: 400 });
    await expect(sb.admin.addFault({ path: '/v2/persons', kind: 'latency' })).rejects.toMatchObject({ status: 400 });
    await expect(sb.admin.addFault({ path: 'v2/persons', kind: 'expire_token' })).rejects.toMatchObject({ status: 400 });
    await expect(sb.admin.addFault({ path: '/v2/persons', kind: 'status', status: 500, rate: 2 })).rejects.toMatchObject({ status: 400 });
    const a = await sb.admin.addFault({ path: '/v2/persons', kind: 'status', status: 500 });
    const b = await sb.admin.addFault({ method: 'post', path: '*', kind: 'latency', latencyMs: 1 });
    expect((await sb.admin.listFaults()).map((f) => [f.id, f.method, f.path])).toEqual([
      [a.id, '*', '/v2/persons'],
      [b.id, 'POST', '*'],
    ]);
    await sb.admin.deleteFault(a.id);
    expect((await sb.admin.listFaults()).map((f) => f.id)).toEqual([b.id]);
    await sb.admin.clearFaults();
    expect(await sb.admin.listFaults()).toEqual([]);
  });
});

describe('per-credential rate limit', () => {
  it('answers 429 with Retry-After beyond the sliding window, per credential', async () => {
    const beta = await credentialWithToken(sb, 'beta');
    await sb.admin.setRateLimit(2);
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    advanceClock(sb, 20_000);
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    const limited = await get(sb, '/v2/persons', t);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    envelopeDetails(limited);
    expect((await get(sb, '/v2/persons', beta)).status).toBe(200);
    advanceClock(sb, 40_001);
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    expect((await get(sb, '/v2/persons', t)).status).toBe(429);

    await sb.admin.setRateLimit(null, 'acme');
    for (let i = 0; i < 5; i++) expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    await sb.admin.setRateLimit(null);
    for (let i = 0; i < 5; i++) expect((await get(sb, '/v2/persons', beta)).status).toBe(200);
  });
});

describe('admin surface', () => {
  it('seeds persons with ids and upserts by id', async () => {
    const [a, b] = await sb.admin.addPersons([{ email: 'a@x.test', first_name: 'A' }, { id: 'p-7', email: 'b@x.test', status: 'INACTIVE' }]);
    expect(a).toMatchObject({ id: expect.stringMatching(/^\d+$/), email: 'a@x.test', first_name: 'A', status: 'ACTIVE' });
    expect(b).toMatchObject({ id: 'p-7', status: 'INACTIVE' });
    await sb.admin.addPersons([{ id: 'p-7', email: 'b2@x.test' }]);
    expect((await sb.admin.listPersons()).map((p) => [p.id, p.email, p.status])).toEqual([
      [a!.id, 'a@x.test', 'ACTIVE'],
      ['p-7', 'b2@x.test', 'ACTIVE'],
    ]);
    expect(await sb.admin.listCredentials()).toEqual([{ clientId: 'acme', scopes: expect.any(Array), readableAttributes: ['email', 'first_name', 'last_name'] }]);
    expect(JSON.stringify(await sb.admin.listCredentials())).not.toContain('secret');
  });

  it('rejects malformed admin bodies', async () => {
    const res = await http(`${sb.url}/__admin/credentials`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: 'x' }) });
    expect(res.status).toBe(400);
    expect(res.body.issues.length).toBeGreaterThan(0);
  });

  it('reset forgets data, tokens, faults, limits and the request log', async () => {
    await sb.admin.addPersons([{ email: 'a@x.test' }]);
    await sb.admin.addFault({ path: '*', kind: 'status', status: 500 });
    await sb.admin.setRateLimit(1);
    await sb.admin.reset();
    expect(await sb.admin.listPersons()).toEqual([]);
    expect(await sb.admin.listFaults()).toEqual([]);
    expect(await sb.admin.listRequests()).toEqual([]);
    expect(await sb.admin.listCredentials()).toEqual([]);
    expect((await get(sb, '/v2/persons', t)).status).toBe(401);
  });

  it('answers unknown /v2 routes with a 404 envelope', async () => {
    const res = await get(sb, '/v2/employees', t);
    expect(res.status).toBe(404);
    expect(res.body.errors[0].type).toMatch(/common.resource_not_found$/);
  });
});

describe('ignore_filters fault', () => {
  it('serves GET /v2/persons as if it had no filters (limit still honoured), for count requests', async () => {
    const persons = await sb.admin.addPersons(Array.from({ length: 4 }, (_, i) => ({ email: `p${i}@acme.test` })));
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'ignore_filters', count: 1 });
    const broken = await get(sb, `/v2/persons?email=p0@acme.test&id=${persons[0]!.id}&status=ACTIVE&limit=3`, t);
    expect(broken.status).toBe(200);
    expect(broken.body._data.map((p: { id: string }) => p.id)).toEqual(persons.slice(0, 3).map((p) => p.id));
    expect(broken.body._meta.links.next).toBeDefined();
    const log = await sb.admin.listRequests({ path: '/v2/persons' });
    expect(log.at(-1)!.faults).toEqual([expect.stringMatching(/:ignore_filters$/)]);
    const healthy = await get(sb, '/v2/persons?email=p0@acme.test', t);
    expect(healthy.body._data.map((p: { id: string }) => p.id)).toEqual([persons[0]!.id]);
  });

  it('serves GET /v2/compensations with every compensation: no window, no person filter', async () => {
    const [a, b] = await sb.admin.addPersons([{ email: 'a@acme.test' }, { email: 'b@acme.test' }]);
    const typeId = (await sb.admin.addCompensationType({ name: 'Meal' })).id;
    const march = await sb.admin.addCompensation({ personId: a!.id, typeId, value: 1, effectiveFrom: '2025-03-10' });
    const otherPerson = await sb.admin.addCompensation({ personId: b!.id, typeId, value: 2, effectiveFrom: '2025-03-10' });
    const lastYear = await sb.admin.addCompensation({ personId: a!.id, typeId, value: 3, effectiveFrom: '2024-01-31' });
    await sb.admin.addCompensation({ personId: a!.id, typeId, value: 0, effectiveFrom: '2025-03-10' });
    const query = `/v2/compensations?person.id=${a!.id}&start_date=2025-03-01&end_date=2025-03-31`;
    await sb.admin.addFault({ method: 'GET', path: '/v2/compensations', kind: 'ignore_filters', count: 1 });
    const broken = await get(sb, query, t);
    expect(broken.body._data.map((c: { id: string }) => c.id)).toEqual([march.id, otherPerson.id, lastYear.id]);
    expect((await get(sb, query, t)).body._data.map((c: { id: string }) => c.id)).toEqual([march.id]);
  });

  it('does not fire on listings without filters nor on writes', async () => {
    await sb.admin.addFault({ path: '*', kind: 'ignore_filters', count: 1 });
    expect((await get(sb, '/v2/compensations/types', t)).status).toBe(200);
    expect((await postJson(sb, '/v2/compensations', {}, t)).status).toBe(400);
    expect(await sb.admin.listFaults()).toEqual([expect.objectContaining({ kind: 'ignore_filters', applied: 0 })]);
  });
});
