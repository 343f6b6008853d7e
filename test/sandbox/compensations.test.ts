// GET and POST /v2/compensations in the sandbox.
import { beforeEach, describe, expect, it } from 'vitest';
import { COMP_READ, COMP_WRITE, credentialWithToken, envelopeDetails, get, postJson, useTestSandbox } from './support.js';

const sb = useTestSandbox({ clock: true });
let t: string;
let personId: string;
let typeId: string;
beforeEach(async () => {
  t = await credentialWithToken(sb, 'acme');
  personId = (await sb.admin.addPersons([{ email: 'a@acme.test' }]))[0]!.id;
  typeId = (await sb.admin.addCompensationType({ name: 'Meal', category: 'ONE_TIME' })).id;
});

const body = (over: Record<string, unknown> = {}) => ({
  person: { id: personId },
  type: { id: typeId },
  value: 19.99,
  currency: 'EUR',
  effective_from: '2025-03-31',
  comment: 'benefits march',
  ...over,
});

describe('POST /v2/compensations', () => {
  it('creates with 201; the answer has flat value/currency and a type holding only its id', async () => {
    const res = await postJson(sb, '/v2/compensations', body({ interval: 'MONTHLY' }), t);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      person: { id: personId },
      type: { id: typeId },
      value: 19.99,
      currency: 'EUR',
      effective_from: '2025-03-31',
      comment: 'benefits march',
    });
    expect(await sb.admin.listCompensations()).toEqual([
      { id: res.body.id, personId, typeId, value: 19.99, currency: 'EUR', effectiveFrom: '2025-03-31', comment: 'benefits march', createdAt: '2025-03-15T10:00:00.000Z', clientId: 'acme' },
    ]);
    // no idempotency: the same POST again is a second payment
    expect((await postJson(sb, '/v2/compensations', body(), t)).status).toBe(201);
    expect(await sb.admin.listCompensations()).toHaveLength(2);
  });

  it('defaults the currency and keeps interval only for RECURRING types', async () => {
    const recurring = (await sb.admin.addCompensationType({ name: 'Rent', category: 'RECURRING' })).id;
    const a = await postJson(sb, '/v2/compensations', body({ currency: undefined, comment: undefined }), t);
    expect(a.body).toMatchObject({ currency: 'EUR', comment: null });
    expect(a.body).not.toHaveProperty('interval');
    const b = await postJson(sb, '/v2/compensations', body({ type: { id: recurring }, interval: 'QUARTERLY' }), t);
    expect(b.body.interval).toBe('QUARTERLY');
  });

  it('validates person, type, value, date, currency and interval with 400 and details', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ value: -5 }, /value must be greater than 0/],
      [{ value: 0 }, /value must be greater than 0/],
      [{ value: 1.999 }, /at most 2 decimal places/],
      [{ value: '19.99' }, /value is required and must be a number/],
      [{ value: undefined }, /value is required/],
      [{ person: { id: '424242' } }, /person.id 424242 does not exist/],
      [{ person: undefined }, /person.id is required/],
      [{ type: { id: 'nope' } }, /type.id nope does not exist/],
      [{ effective_from: '2025-02-30' }, /effective_from/],
      [{ effective_from: '31.03.2025' }, /effective_from/],
      [{ currency: 'euro' }, /currency/],
      [{ interval: 'WEEKLY' }, /interval/],
    ];
    for (const [over, detail] of cases) {
      const res = await postJson(sb, '/v2/compensations', body(over), t);
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(envelopeDetails(res).join(' ')).toMatch(detail);
    }
    const many = await postJson(sb, '/v2/compensations', { value: -1 }, t);
    expect(envelopeDetails(many).length).toBeGreaterThanOrEqual(4);
    expect(await sb.admin.listCompensations()).toEqual([]);
  });

  it('needs both compensations read and write', async () => {
    const writeOnly = await credentialWithToken(sb, 'write-only', [COMP_WRITE]);
    const readOnly = await credentialWithToken(sb, 'read-only', [COMP_READ]);
    const both = await credentialWithToken(sb, 'both', [COMP_READ, COMP_WRITE]);
    expect((await postJson(sb, '/v2/compensations', body(), writeOnly)).status).toBe(403);
    expect((await postJson(sb, '/v2/compensations', body(), readOnly)).status).toBe(403);
    expect((await postJson(sb, '/v2/compensations', body(), both)).status).toBe(201);
    expect(await sb.admin.listCompensations()).toHaveLength(1);
  });
});

describe('GET /v2/compensations', () => {
  async function seedMonthData() {
    const other = (await sb.admin.addPersons([{ email: 'b@acme.test' }]))[0]!.id;
    await sb.admin.addCompensation({ personId, typeId, value: 10, effectiveFrom: '2025-03-01', comment: 'first' });
    await sb.admin.addCompensation({ personId, typeId, value: 0, effectiveFrom: '2025-03-02' });
    await sb.admin.addCompensation({ personId: other, typeId, value: 20.5, effectiveFrom: '2025-03-31', legalEntityId: 'le-1', currency: 'CHF' });
    await sb.admin.addCompensation({ personId, typeId, value: 30, effectiveFrom: '2025-04-01' });
    await sb.admin.addCompensation({ personId, typeId, value: 40, effectiveFrom: '2025-02-28' });
    return other;
  }

  it('defaults to the current month, omits value 0 and renders the read shape', async () => {
    const other = await seedMonthData();
    const res = await get(sb, '/v2/compensations', t);
    expect(res.status).toBe(200);
    expect(res.body._data).toEqual([
      { id: expect.any(String), person: { id: personId }, type: { id: typeId, name: 'Meal', category: 'ONE_TIME' }, amount: { value: 10, currency: 'EUR' }, effective_from: '2025-03-01', comment: 'first' },
      { id: expect.any(String), person: { id: other }, type: { id: typeId, name: 'Meal', category: 'ONE_TIME' }, amount: { value: 20.5, currency: 'CHF' }, effective_from: '2025-03-31', comment: null, legal_entity: { id: 'le-1' } },
    ]);
    sb.clock.now = new Date('2025-04-10T00:00:00Z');
    expect((await get(sb, '/v2/compensations', t)).status).toBe(401); // the token lived 24 h
    t = await credentialWithToken(sb, 'acme');
    expect((await get(sb, '/v2/compensations', t)).body._data.map((c: { amount: { value: number } }) => c.amount.value)).toEqual([30]);
  });

  it('filters by window, person.id and legal_entity.id', async () => {
    const other = await seedMonthData();
    const feb = await get(sb, '/v2/compensations?start_date=2025-02-01&end_date=2025-02-28', t);
    expect(feb.body._data.map((c: { amount: { value: number } }) => c.amount.value)).toEqual([40]);
    const people = await get(sb, `/v2/compensations?start_date=2025-03-01&end_date=2025-03-31&person.id=${other},777`, t);
    expect(people.body._data.map((c: { person: { id: string } }) => c.person.id)).toEqual([other]);
    const le = await get(sb, '/v2/compensations?start_date=2025-03-01&end_date=2025-03-31&legal_entity.id=le-1', t);
    expect(le.body._data).toHaveLength(1);
    const onlyStart = await get(sb, '/v2/compensations?start_date=2025-03-15', t);
    expect(onlyStart.body._data.map((c: { amount: { value: number } }) => c.amount.value)).toEqual([20.5, 30]);
  });

  it('allows a window of at most one month', async () => {
    const ok = ['start_date=2025-01-01&end_date=2025-01-31', 'start_date=2025-01-15&end_date=2025-02-14', 'start_date=2024-02-01&end_date=2024-02-29', 'start_date=2025-03-05&end_date=2025-03-05'];
    for (const q of ok) expect((await get(sb, `/v2/compensations?${q}`, t)).status, q).toBe(200);
    const bad = ['start_date=2025-01-01&end_date=2025-02-01', 'start_date=2025-01-15&end_date=2025-02-15', 'start_date=2025-01-01&end_date=2025-12-31', 'start_date=2025-02-01&end_date=2025-01-31', 'start_date=2025-13-01&end_date=2025-13-02', 'start_date=yesterday'];
    for (const q of bad) {
      const res = await get(sb, `/v2/compensations?${q}`, t);
      expect(res.status, q).toBe(400);
      envelopeDetails(res);
    }
    expect(envelopeDetails(await get(sb, '/v2/compensations?start_date=2025-01-01&end_date=2025-03-01', t))[0]).toMatch(/one month/);
  });

  it('pages with limit ≤ 100 and answers 400 for 0 or 101', async () => {
    for (let i = 0; i < 130; i++) await sb.admin.addCompensation({ personId, typeId, value: i + 1, effectiveFrom: '2025-03-10' });
    const first = await get(sb, '/v2/compensations?start_date=2025-03-01&end_date=2025-03-31', t);
    expect(first.body._data).toHaveLength(100);
    const second = await get(sb, first.body._meta.links.next.href, t);
    expect(second.body._data).toHaveLength(30);
    expect(second.body._data[29].amount.value).toBe(130);
    expect(second.body._meta.links.next).toBeUndefined();
    const small = await get(sb, '/v2/compensations?start_date=2025-03-01&end_date=2025-03-31&limit=7', t);
    expect(small.body._data).toHaveLength(7);
    for (const limit of [0, 101]) expect((await get(sb, `/v2/compensations?limit=${limit}`, t)).status).toBe(400);
  });

  it('renders a compensation of a deleted type with the type id only', async () => {
    await sb.admin.addCompensation({ personId, typeId, value: 5, effectiveFrom: '2025-03-10' });
    await sb.admin.deleteCompensationType(typeId);
    expect((await get(sb, '/v2/compensations', t)).body._data[0].type).toEqual({ id: typeId });
  });
});
