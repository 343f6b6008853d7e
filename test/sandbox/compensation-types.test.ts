// GET and POST /v2/compensations/types in the sandbox.
import { beforeEach, describe, expect, it } from 'vitest';
import { COMP_READ, COMP_WRITE, PERSONS_READ, credentialWithToken, envelopeDetails, get, postJson, useTestSandbox } from './support.js';

const sb = useTestSandbox();
let t: string;
beforeEach(async () => {
  t = await credentialWithToken(sb, 'acme');
});

describe('/v2/compensations/types', () => {
  it('lists up to 100 by default, pages beyond, and answers 400 for limit 0 or 101', async () => {
    for (let i = 0; i < 105; i++) await sb.admin.addCompensationType({ name: `T${i}`, category: i % 2 ? 'RECURRING' : 'FIXED_SALARY' });
    const first = await get(sb, '/v2/compensations/types', t);
    expect(first.status).toBe(200);
    expect(first.body._data).toHaveLength(100);
    expect(first.body._data[1]).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'T1', category: 'RECURRING' });
    const second = await get(sb, first.body._meta.links.next.href, t);
    expect(second.body._data.map((x: { name: string }) => x.name)).toEqual(['T100', 'T101', 'T102', 'T103', 'T104']);
    expect(second.body._meta.links.next).toBeUndefined();
    for (const limit of [0, 101]) {
      const res = await get(sb, `/v2/compensations/types?limit=${limit}`, t);
      expect(res.status).toBe(400);
      envelopeDetails(res);
    }
    expect((await get(sb, '/v2/compensations/types?limit=100', t)).status).toBe(200);
  });

  it('creates ONE_TIME and RECURRING types with 200, allows duplicate names, validates the body', async () => {
    const a = await postJson(sb, '/v2/compensations/types', { name: 'Meal', category: 'ONE_TIME' }, t);
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ id: expect.any(String), name: 'Meal', category: 'ONE_TIME' });
    const b = await postJson(sb, '/v2/compensations/types', { name: 'Meal', category: 'RECURRING' }, t);
    expect(b.status).toBe(200);
    expect(b.body.id).not.toBe(a.body.id);
    expect((await sb.admin.listCompensationTypes()).map((x) => x.name)).toEqual(['Meal', 'Meal']);

    for (const body of [{ name: 'X', category: 'FIXED_SALARY' }, { name: null, category: 'ONE_TIME' }, { name: '  ', category: 'ONE_TIME' }, { category: 'ONE_TIME' }, { name: 'X' }]) {
      const res = await postJson(sb, '/v2/compensations/types', body, t);
      expect(res.status, JSON.stringify(body)).toBe(400);
      envelopeDetails(res);
    }
    const garbage = await fetch(`${sb.url}/v2/compensations/types`, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: '{' });
    expect(garbage.status).toBe(400);
  });

  it('needs compensations read to list and write to create', async () => {
    const readOnly = await credentialWithToken(sb, 'read-only', [COMP_READ]);
    const writeOnly = await credentialWithToken(sb, 'write-only', [COMP_WRITE]);
    const personsOnly = await credentialWithToken(sb, 'persons-only', [PERSONS_READ]);
    expect((await get(sb, '/v2/compensations/types', readOnly)).status).toBe(200);
    expect((await get(sb, '/v2/compensations/types', personsOnly)).status).toBe(403);
    expect((await postJson(sb, '/v2/compensations/types', { name: 'M', category: 'ONE_TIME' }, readOnly)).status).toBe(403);
    expect((await postJson(sb, '/v2/compensations/types', { name: 'M', category: 'ONE_TIME' }, writeOnly)).status).toBe(200);
  });

  it('lets the admin delete a type', async () => {
    const type = await sb.admin.addCompensationType({ name: 'Gone', category: 'ONE_TIME' });
    await sb.admin.deleteCompensationType(type.id);
    expect((await get(sb, '/v2/compensations/types', t)).body._data).toEqual([]);
    await expect(sb.admin.deleteCompensationType(type.id)).rejects.toMatchObject({ status: 404 });
  });
});
