// The personality: presets, the input form, the admin routes, reset, and the strict preset's readings all at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PERSONALITY, STRICT_PERSONALITY, resolvePersonality } from '../../sandbox/index.js';
import { credentialWithToken, get, http, postJson, startTestSandbox, useTestSandbox, type TestSandbox } from './support.js';

describe('resolvePersonality', () => {
  it('applies the preset first, then the given fields', () => {
    expect(resolvePersonality()).toEqual(DEFAULT_PERSONALITY);
    expect(resolvePersonality({ preset: 'strict' })).toEqual(STRICT_PERSONALITY);
    expect(resolvePersonality({ preset: 'strict', listComments: true, commentMaxLength: null })).toEqual({
      ...STRICT_PERSONALITY,
      listComments: true,
      commentMaxLength: null,
    });
    expect(resolvePersonality({ writeForbiddenTypeIds: ['t-1'] })).toEqual({ ...DEFAULT_PERSONALITY, writeForbiddenTypeIds: ['t-1'] });
  });

  it('refuses invalid values and unknown fields', () => {
    expect(() => resolvePersonality({ preset: 'lenient' } as never)).toThrow(/Invalid sandbox personality/);
    expect(() => resolvePersonality({ commentMaxLength: 0 })).toThrow(/commentMaxLength/);
    expect(() => resolvePersonality({ nextlinks: 'cursor_only' } as never)).toThrow(/nextlinks/);
  });

  it('strict plays the other reading of every option (but the per-test list of forbidden types)', () => {
    const options = Object.keys(DEFAULT_PERSONALITY) as (keyof typeof DEFAULT_PERSONALITY)[];
    const same = options.filter((key) => JSON.stringify(STRICT_PERSONALITY[key]) === JSON.stringify(DEFAULT_PERSONALITY[key]));
    expect(same).toEqual(['writeForbiddenTypeIds']);
  });
});

describe('admin: /__admin/personality', () => {
  const sb = useTestSandbox();

  it('GET answers the full current personality (default at start)', async () => {
    expect(await sb.admin.getPersonality()).toEqual(DEFAULT_PERSONALITY);
  });

  it('PUT replaces it with preset + overrides (not merged with the previous one) and answers it', async () => {
    expect(await sb.admin.setPersonality({ preset: 'strict', listComments: true })).toEqual({ ...STRICT_PERSONALITY, listComments: true });
    expect(await sb.admin.getPersonality()).toEqual({ ...STRICT_PERSONALITY, listComments: true });
    expect(await sb.admin.setPersonality({ emailFilter: 'case_sensitive' })).toEqual({ ...DEFAULT_PERSONALITY, emailFilter: 'case_sensitive' });
  });

  it('PUT with an invalid body answers 400 and changes nothing', async () => {
    await sb.admin.setPersonality({ listComments: false });
    for (const body of [{ nextLinks: 'sometimes' }, { preset: 'lenient' }, { bogus: true }, { commentMaxLength: -1 }, { writeForbiddenTypeIds: 'x' }]) {
      const res = await http(`${sb.url}/__admin/personality`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.issues.length).toBeGreaterThan(0);
    }
    const notJson = await http(`${sb.url}/__admin/personality`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(await sb.admin.getPersonality()).toEqual({ ...DEFAULT_PERSONALITY, listComments: false });
  });

  it('reset brings back the personality the sandbox was started with', async () => {
    await sb.admin.setPersonality({ preset: 'strict' });
    await sb.admin.reset();
    expect(await sb.admin.getPersonality()).toEqual(DEFAULT_PERSONALITY);
  });
});

describe('a sandbox started with the strict preset', () => {
  let sb: TestSandbox;
  let t: string;
  beforeAll(async () => {
    sb = await startTestSandbox({ clock: true, personality: { preset: 'strict' } });
  });
  afterAll(() => sb.running.close());
  beforeEach(async () => {
    await sb.admin.reset();
    t = await credentialWithToken(sb, 'acme');
  });

  it('plays strict, and a reset brings strict back', async () => {
    expect(await sb.admin.getPersonality()).toEqual(STRICT_PERSONALITY);
    await sb.admin.setPersonality({});
    await sb.admin.reset();
    expect(await sb.admin.getPersonality()).toEqual(STRICT_PERSONALITY);
  });

  it('plays every strict reading at once', async () => {
    const persons = await sb.admin.addPersons([{ email: 'Anna.Schmidt@x.example' }, { email: 'b@x.example' }, { email: 'c@x.example' }]);
    // emailFilter: case_sensitive
    expect((await get(sb, '/v2/persons?email=anna.schmidt@x.example', t)).body._data).toEqual([]);
    // nextLinks: cursor_only
    const first = await get(sb, '/v2/persons?limit=1&email=Anna.Schmidt@x.example,c@x.example', t);
    expect(first.body._data.map((p: { id: string }) => p.id)).toEqual([persons[0]!.id]);
    const next = new URL(first.body._meta.links.next.href);
    expect([...next.searchParams.keys()]).toEqual(['cursor']);
    expect((await get(sb, next.toString(), t)).body._data.map((p: { id: string }) => p.id)).toEqual([persons[2]!.id]);

    const rent = (await sb.admin.addCompensationType({ name: 'Rent', category: 'RECURRING' })).id;
    const created = await postJson(sb, '/v2/compensations', { person: { id: persons[0]!.id }, type: { id: rent }, value: 500, effective_from: '2025-03-01', comment: 'r'.repeat(300) }, t);
    expect(created.status).toBe(201);
    // commentMaxLength: 255
    expect((await sb.admin.listCompensations())[0]!.comment).toBe('r'.repeat(255));
    // recurringInLaterMonths and listComments: false
    const april = await get(sb, '/v2/compensations?start_date=2025-04-01&end_date=2025-04-30', t);
    expect(april.body._data).toEqual([expect.objectContaining({ id: created.body.id, effective_from: '2025-03-01' })]);
    expect(april.body._data[0]).not.toHaveProperty('comment');

    // rateLimitRetryAfter: false
    await sb.admin.setRateLimit(1, { windowSeconds: 1 });
    await get(sb, '/v2/persons', t);
    const limited = await get(sb, '/v2/persons', t);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
  });
});
