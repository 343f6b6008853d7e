// The cursor_only reading of next links: next.href holds only a cursor, and the cursor carries the filters and limit.
import { beforeEach, describe, expect, it } from 'vitest';
import { credentialWithToken, get, useTestSandbox, type Reply } from './support.js';

const sb = useTestSandbox({ clock: true });
let t: string;
beforeEach(async () => {
  t = await credentialWithToken(sb, 'acme');
  await sb.admin.setPersonality({ nextLinks: 'cursor_only' });
});

function nextUrl(reply: Reply): URL | undefined {
  const href = (reply.body as { _meta: { links: { next?: { href: string } } } })._meta.links.next?.href;
  return href === undefined ? undefined : new URL(href);
}

/** Follows next links from `first`, checking each holds only a cursor; answers the ids of every page. */
async function followCursorOnly(first: string, path: string): Promise<string[][]> {
  const pages: string[][] = [];
  let url: string | undefined = first;
  while (url) {
    const res = await get(sb, url, t);
    expect(res.status).toBe(200);
    pages.push(res.body._data.map((item: { id: string }) => item.id));
    const next = nextUrl(res);
    if (next) {
      expect(`${next.origin}${next.pathname}`).toBe(`${sb.url}${path}`);
      expect([...next.searchParams.keys()]).toEqual(['cursor']);
    }
    url = next?.toString();
  }
  return pages;
}

describe('nextLinks: cursor_only', () => {
  it('persons: next.href is <path>?cursor=… and following it returns the next page of the email filter', async () => {
    const persons = await sb.admin.addPersons(Array.from({ length: 12 }, (_, i) => ({ email: `p${i}@acme.test` })));
    const wanted = [1, 3, 5, 7, 9].map((i) => persons[i]!);
    const emails = wanted.map((p) => p.email).join(',');
    const pages = await followCursorOnly(`/v2/persons?limit=2&email=${encodeURIComponent(emails)}`, '/v2/persons');
    expect(pages).toEqual([
      [wanted[0]!.id, wanted[1]!.id],
      [wanted[2]!.id, wanted[3]!.id],
      [wanted[4]!.id],
    ]);
  });

  it('a request with a cursor is served with the cursor\'s filters and limit; parameters sent alongside are ignored', async () => {
    const persons = await sb.admin.addPersons(Array.from({ length: 6 }, (_, i) => ({ email: `p${i}@acme.test`, status: i % 2 ? ('INACTIVE' as const) : ('ACTIVE' as const) })));
    const first = await get(sb, '/v2/persons?limit=1&status=ACTIVE', t);
    const next = nextUrl(first)!;
    next.searchParams.set('limit', '50');
    next.searchParams.set('status', 'INACTIVE');
    const second = await get(sb, next.toString(), t);
    expect(second.status).toBe(200);
    expect(second.body._data.map((p: { id: string }) => p.id)).toEqual([persons[2]!.id]);
    // An invalid parameter beside a cursor is ignored too: the cursor's query is what counts.
    expect((await get(sb, `${nextUrl(first)!.toString()}&limit=0`, t)).status).toBe(200);
  });

  it('compensations: person.id and the date window travel inside the cursor', async () => {
    const [a, b] = await sb.admin.addPersons([{ email: 'a@acme.test' }, { email: 'b@acme.test' }]);
    const typeId = (await sb.admin.addCompensationType({ name: 'Meal' })).id;
    const march: string[] = [];
    for (let i = 1; i <= 5; i++) {
      march.push((await sb.admin.addCompensation({ personId: a!.id, typeId, value: i, effectiveFrom: `2025-03-0${i}` })).id);
      await sb.admin.addCompensation({ personId: b!.id, typeId, value: i, effectiveFrom: `2025-03-0${i}` });
      await sb.admin.addCompensation({ personId: a!.id, typeId, value: i, effectiveFrom: `2025-02-0${i}` });
    }
    const pages = await followCursorOnly(`/v2/compensations?person.id=${a!.id}&start_date=2025-03-01&end_date=2025-03-31&limit=2`, '/v2/compensations');
    expect(pages).toEqual([march.slice(0, 2), march.slice(2, 4), march.slice(4)]);
    // The clock moves to April: the cursor still carries March, not the default month.
    const first = await get(sb, `/v2/compensations?person.id=${a!.id}&start_date=2025-03-01&end_date=2025-03-31&limit=2`, t);
    sb.clock.now = new Date('2025-04-15T10:00:00Z');
    t = await credentialWithToken(sb, 'acme'); // the first token lived 24 h
    expect((await get(sb, nextUrl(first)!.toString(), t)).body._data.map((c: { id: string }) => c.id)).toEqual(march.slice(2, 4));
  });

  it('compensation types page the same way', async () => {
    for (let i = 0; i < 5; i++) await sb.admin.addCompensationType({ name: `T${i}` });
    const pages = await followCursorOnly('/v2/compensations/types?limit=2', '/v2/compensations/types');
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
  });

  it('still decodes a cursor made under full (served with the request\'s own parameters)', async () => {
    const persons = await sb.admin.addPersons(Array.from({ length: 6 }, (_, i) => ({ email: `p${i}@acme.test`, status: i % 2 ? ('INACTIVE' as const) : ('ACTIVE' as const) })));
    await sb.admin.setPersonality({ nextLinks: 'full' });
    const fullNext = nextUrl(await get(sb, '/v2/persons?limit=1&status=ACTIVE', t))!;
    expect(fullNext.searchParams.get('status')).toBe('ACTIVE');
    await sb.admin.setPersonality({ nextLinks: 'cursor_only' });
    const second = await get(sb, fullNext.toString(), t);
    expect(second.status).toBe(200);
    expect(second.body._data.map((p: { id: string }) => p.id)).toEqual([persons[2]!.id]);
    expect([...nextUrl(second)!.searchParams.keys()]).toEqual(['cursor']);
    expect((await get(sb, '/v2/persons?cursor=garbage', t)).status).toBe(400);
  });

  it('repeat_cursor links a cursor-only page back to its own cursor', async () => {
    await sb.admin.addPersons(Array.from({ length: 5 }, (_, i) => ({ email: `p${i}@acme.test` })));
    await sb.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'repeat_cursor', count: 1 });
    const next1 = nextUrl(await get(sb, '/v2/persons?limit=2', t))!;
    const second = await get(sb, next1.toString(), t);
    expect(nextUrl(second)!.toString()).toBe(next1.toString());
    const again = await get(sb, next1.toString(), t);
    const next2 = nextUrl(again)!;
    expect([...next2.searchParams.keys()]).toEqual(['cursor']);
    expect(next2.searchParams.get('cursor')).not.toBe(next1.searchParams.get('cursor'));
  });
});

describe('nextLinks: full (default)', () => {
  it('repeats every query parameter of the request plus the new cursor', async () => {
    await sb.admin.setPersonality({});
    const [a] = await sb.admin.addPersons([{ email: 'a@acme.test' }]);
    const typeId = (await sb.admin.addCompensationType({ name: 'Meal' })).id;
    for (let i = 1; i <= 3; i++) await sb.admin.addCompensation({ personId: a!.id, typeId, value: i, effectiveFrom: `2025-03-0${i}` });
    const res = await get(sb, `/v2/compensations?person.id=${a!.id}&start_date=2025-03-01&end_date=2025-03-31&limit=2`, t);
    const next = nextUrl(res)!;
    expect(Object.fromEntries(next.searchParams)).toEqual({
      'person.id': a!.id,
      start_date: '2025-03-01',
      end_date: '2025-03-31',
      limit: '2',
      cursor: expect.any(String),
    });
  });
});
