// The readings of compensation behaviours: comments in listings, comment length, RECURRING in later months,
// and 403 on a write for a type the credential may not write.
import { beforeEach, describe, expect, it } from 'vitest';
import { credentialWithToken, envelopeDetails, get, postJson, useTestSandbox } from './support.js';

const sb = useTestSandbox({ clock: true });
let t: string;
let personId: string;
let oneTime: string;
let recurring: string;
beforeEach(async () => {
  t = await credentialWithToken(sb, 'acme');
  personId = (await sb.admin.addPersons([{ email: 'a@acme.test' }]))[0]!.id;
  oneTime = (await sb.admin.addCompensationType({ name: 'Meal', category: 'ONE_TIME' })).id;
  recurring = (await sb.admin.addCompensationType({ name: 'Rent', category: 'RECURRING' })).id;
});

const post = (over: Record<string, unknown> = {}) =>
  postJson(sb, '/v2/compensations', { person: { id: personId }, type: { id: oneTime }, value: 19.99, effective_from: '2025-03-10', ...over }, t);

async function listed(window: string): Promise<Record<string, unknown>[]> {
  const res = await get(sb, `/v2/compensations?${window}`, t);
  expect(res.status).toBe(200);
  return res.body._data as Record<string, unknown>[];
}

describe('listComments', () => {
  it('true (default): listings carry comment, null when none', async () => {
    await post({ comment: 'benefits march' });
    await post();
    expect((await listed('')).map((c) => c.comment)).toEqual(['benefits march', null]);
  });

  it('false: listings leave comment out entirely; the POST answer is unchanged', async () => {
    await sb.admin.setPersonality({ listComments: false });
    const created = await post({ comment: 'benefits march' });
    expect(created.status).toBe(201);
    expect(created.body.comment).toBe('benefits march');
    expect((await post()).body.comment).toBeNull();
    const items = await listed('');
    expect(items).toHaveLength(2);
    for (const item of items) expect(item).not.toHaveProperty('comment');
    expect((await sb.admin.listCompensations())[0]!.comment).toBe('benefits march');
  });
});

describe('commentMaxLength', () => {
  it('null (default): comments are stored as posted', async () => {
    const long = 'x'.repeat(2000);
    expect((await post({ comment: long })).body.comment).toBe(long);
    expect((await listed(''))[0]!.comment).toBe(long);
  });

  it('n: longer comments are cut silently to their first n characters when stored', async () => {
    await sb.admin.setPersonality({ commentMaxLength: 10 });
    const created = await post({ comment: 'ref-123456 benefits march' });
    expect(created.status).toBe(201);
    await post({ comment: 'short' });
    await post({ comment: 'exactly 10' });
    await post({ comment: 'ab😀cdefghijk' }); // characters, not UTF-16 units
    expect((await listed('')).map((c) => c.comment)).toEqual(['ref-123456', 'short', 'exactly 10', 'ab😀cdefghi']);
    expect((await sb.admin.listCompensations()).map((c) => c.comment)).toEqual(['ref-123456', 'short', 'exactly 10', 'ab😀cdefghi']);
  });
});

describe('recurringInLaterMonths', () => {
  const MARCH = 'start_date=2025-03-01&end_date=2025-03-31';
  const APRIL = 'start_date=2025-04-01&end_date=2025-04-30';
  const MAY = 'start_date=2025-05-01&end_date=2025-05-31';
  const FEBRUARY = 'start_date=2025-02-01&end_date=2025-02-28';

  async function seed() {
    const rent = await post({ type: { id: recurring }, value: 500 });
    const meal = await post({ value: 20 });
    expect([rent.status, meal.status]).toEqual([201, 201]);
    return { rent: rent.body.id as string, meal: meal.body.id as string };
  }

  it('false (default): every compensation only in the window containing its effective_from', async () => {
    const { rent, meal } = await seed();
    expect((await listed(MARCH)).map((c) => c.id)).toEqual([rent, meal]);
    expect(await listed(APRIL)).toEqual([]);
    expect(await listed(MAY)).toEqual([]);
  });

  it('true: a RECURRING compensation from March is also listed in April and May, unchanged; ONE_TIME never repeats', async () => {
    await sb.admin.setPersonality({ recurringInLaterMonths: true });
    const { rent, meal } = await seed();
    expect((await listed(MARCH)).map((c) => c.id)).toEqual([rent, meal]);
    for (const window of [APRIL, MAY, 'start_date=2025-04-15&end_date=2025-05-14']) {
      expect(await listed(window), window).toEqual([
        expect.objectContaining({ id: rent, effective_from: '2025-03-10', interval: 'MONTHLY', type: expect.objectContaining({ category: 'RECURRING' }) }),
      ]);
    }
    expect(await listed(FEBRUARY)).toEqual([]);
    expect(await listed('start_date=2025-03-01&end_date=2025-03-09')).toEqual([]);
  });
});

describe('writeForbiddenTypeIds', () => {
  it('answers 403 for a listed type even with both scopes, and stores nothing', async () => {
    await sb.admin.setPersonality({ writeForbiddenTypeIds: [recurring] });
    const res = await post({ type: { id: recurring } });
    expect(res.status).toBe(403);
    expect(envelopeDetails(res)).toEqual(['The API credential is not allowed to create compensations of this compensation type.']);
    expect(res.body.errors[0].type).toMatch(/common.forbidden$/);
    expect(await sb.admin.listCompensations()).toEqual([]);
    expect((await post()).status).toBe(201);
    expect(await sb.admin.listCompensations()).toHaveLength(1);
  });

  it('is empty by default', async () => {
    expect((await post({ type: { id: recurring } })).status).toBe(201);
  });
});
