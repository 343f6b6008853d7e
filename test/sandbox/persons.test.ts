// GET /v2/persons in the sandbox: limits, cursor pagination, filters, the Email attribute whitelist.
import { beforeEach, describe, expect, it } from 'vitest';
import { COMP_READ, PERSONS_READ, credentialWithToken, envelopeDetails, get, useTestSandbox } from './support.js';

const sb = useTestSandbox();
let t: string;
beforeEach(async () => {
  t = await credentialWithToken(sb, 'acme');
});

async function seed(n: number) {
  return sb.admin.addPersons(
    Array.from({ length: n }, (_, i) => ({
      email: `Person${i}@Acme.test`,
      first_name: `First${i}`,
      last_name: `Last${i}`,
      status: i % 5 === 4 ? ('INACTIVE' as const) : ('ACTIVE' as const),
    })),
  );
}

describe('GET /v2/persons', () => {
  it('returns 10 persons by default in the _data/_meta envelope, with a next link', async () => {
    const persons = await seed(12);
    const res = await get(sb, '/v2/persons', t);
    expect(res.status).toBe(200);
    expect(res.body._data).toHaveLength(10);
    expect(res.body._data[0]).toEqual({
      id: persons[0]!.id,
      email: 'Person0@Acme.test',
      first_name: 'First0',
      last_name: 'Last0',
      status: 'ACTIVE',
      created_at: expect.any(String),
      updated_at: expect.any(String),
      custom_attributes: [],
      employments: [],
    });
    expect(res.body._meta.links.self.href).toBe(`${sb.url}/v2/persons`);
    expect(res.body._meta.links.next.href).toMatch(new RegExp(`^${sb.url}/v2/persons\\?cursor=`));
  });

  it('accepts limit 1..50 and answers 400 for 0, 51 and junk', async () => {
    await seed(60);
    expect((await get(sb, '/v2/persons?limit=1', t)).body._data).toHaveLength(1);
    expect((await get(sb, '/v2/persons?limit=50', t)).body._data).toHaveLength(50);
    for (const limit of ['0', '51', 'ten', '-1']) {
      const res = await get(sb, `/v2/persons?limit=${limit}`, t);
      expect(res.status, limit).toBe(400);
      expect(envelopeDetails(res)[0]).toMatch(/limit/);
      expect(res.body.errors[0].type).toBe('https://developer.personio.de/reference/errors#common.bad_request');
    }
  });

  it('pages with cursors that keep the filters, and drops next on the last page', async () => {
    const persons = await seed(23);
    const ids: string[] = [];
    let url: string | undefined = `/v2/persons?limit=10&status=ACTIVE`;
    let pages = 0;
    while (url) {
      const res = await get(sb, url, t);
      expect(res.status).toBe(200);
      ids.push(...res.body._data.map((p: { id: string }) => p.id));
      url = res.body._meta.links.next?.href;
      if (url) expect(new URL(url).searchParams.get('status')).toBe('ACTIVE');
      pages++;
    }
    const active = persons.filter((p) => p.status === 'ACTIVE').map((p) => p.id);
    expect(ids).toEqual(active);
    expect(pages).toBe(2);
    expect((await get(sb, '/v2/persons?cursor=garbage', t)).status).toBe(400);
  });

  it('filters by email (comma list, case-insensitive exact), id and status, ANDed', async () => {
    const persons = await seed(10);
    const byEmail = await get(sb, `/v2/persons?email=${encodeURIComponent('person1@acme.TEST, PERSON3@acme.test,person1@acme')}`, t);
    expect(byEmail.body._data.map((p: { id: string }) => p.id)).toEqual([persons[1]!.id, persons[3]!.id]);
    const byId = await get(sb, `/v2/persons?id=${persons[2]!.id},${persons[4]!.id},999999`, t);
    expect(byId.body._data.map((p: { id: string }) => p.id)).toEqual([persons[2]!.id, persons[4]!.id]);
    const both = await get(sb, `/v2/persons?id=${persons[2]!.id},${persons[4]!.id}&status=INACTIVE`, t);
    expect(both.body._data.map((p: { id: string }) => p.id)).toEqual([persons[4]!.id]);
    expect((await get(sb, '/v2/persons?status=GONE', t)).status).toBe(400);
  });

  it('omits attributes the credential may not read; the email filter then matches nothing', async () => {
    await seed(3);
    const noEmail = await credentialWithToken(sb, 'no-email', [PERSONS_READ], ['first_name']);
    const all = await get(sb, '/v2/persons', noEmail);
    expect(all.body._data).toHaveLength(3);
    expect(all.body._data[0]).not.toHaveProperty('email');
    expect(all.body._data[0]).not.toHaveProperty('last_name');
    expect(all.body._data[0].first_name).toBe('First0');
    const filtered = await get(sb, '/v2/persons?email=person0@acme.test', noEmail);
    expect(filtered.status).toBe(200);
    expect(filtered.body._data).toEqual([]);
    expect(filtered.body._meta.links.next).toBeUndefined();
  });

  it('needs personio:persons:read', async () => {
    const compOnly = await credentialWithToken(sb, 'comp-only', [COMP_READ]);
    const res = await get(sb, '/v2/persons', compOnly);
    expect(res.status).toBe(403);
    expect(res.contentType).toContain('application/problem+json');
    envelopeDetails(res);
  });
});
