// A period's entries over real HTTP: exact cents, whole-set replacement, every bad row reported, and the
// store's crash safety (chunks first, then one pointer switch).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENTRY_CHUNK_SIZE,
  activateEntrySet,
  iterateEntries,
  readActiveEntrySet,
  readEntryChunk,
  storeEntrySet,
  writeEntryChunks,
} from '../../db/entry-sets.js';
import type { PeriodEntry } from '../../payroll/entries.js';
import { MAX_ENTRIES_PER_REQUEST, validateEntries } from '../../payroll/entry-validation.js';
import type { z } from 'zod';
import { entriesPageSchema, entriesProblemSchema, entrySetSummarySchema } from '../support/api-schemas.js';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
const base = '/v1/companies/acme/payroll-periods';
const mappings = [
  { benefitKey: 'meal', benefitName: 'Essenszuschuss', compensationTypeId: null },
  { benefitKey: 'mobility', benefitName: 'Mobilitätsbudget', compensationTypeId: null },
  { benefitKey: 'internet', benefitName: 'Internetpauschale', compensationTypeId: null },
];

beforeAll(async () => {
  h = await startHarness();
  expect((await h.api('PUT', '/v1/companies/acme', { name: 'Acme GmbH', managerEmails: ['hr@acme.example'] })).status).toBe(200);
  expect((await h.api('PUT', '/v1/companies/acme/benefit-mappings', mappings)).status).toBe(200);
});
afterAll(async () => {
  await h?.close();
});

const pageEntries = (res: { json: z.output<typeof entriesPageSchema> }) => res.json.entries;

const validSet = [
  { employeeEmail: ' Anna.Schmidt@Acme.example ', benefitKey: 'meal', amount: 0.1 },
  { employeeEmail: 'ben@acme.example', benefitKey: 'meal', amount: 0.2, currency: 'EUR' },
  { employeeEmail: 'anna.schmidt@acme.example', benefitKey: 'mobility', amount: 19.99 },
  { employeeEmail: 'ben@acme.example', benefitKey: 'MOBILITY', amount: '1234.5' },
  { employeeEmail: 'cem@acme.example', benefitKey: 'internet', amount: '12.50' },
];

describe('payroll entries', () => {
  it('stores a valid set and reads it back with exact cents', async () => {
    const put = await h.apiAs(entrySetSummarySchema, 'PUT', `${base}/2025-01/entries`, { entries: validSet });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toEqual({
      companyId: 'acme',
      period: '2025-01',
      entrySetId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      entryCount: 5,
      currency: 'EUR',
      totals: [
        { benefitKey: 'internet', entries: 1, amount: '12.50', amountCents: 1250 },
        // 0.1 + 0.2 is 0.30000000000000004 in floating point; in cents it is 30.
        { benefitKey: 'meal', entries: 2, amount: '0.30', amountCents: 30 },
        { benefitKey: 'mobility', entries: 2, amount: '1254.49', amountCents: 125449 },
      ],
    });

    const get = await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-01/entries`);
    expect(get.status, get.text).toBe(200);
    expect(get.json).toMatchObject({
      companyId: 'acme',
      period: '2025-01',
      entrySetId: put.json.entrySetId,
      entryCount: 5,
      chunkCount: 1,
      currency: 'EUR',
      offset: 0,
      limit: 100,
      nextOffset: null,
    });
    expect(get.json.entries).toEqual([
      { index: 0, employeeEmail: 'anna.schmidt@acme.example', benefitKey: 'meal', amount: '0.10', amountCents: 10, currency: 'EUR' },
      { index: 1, employeeEmail: 'ben@acme.example', benefitKey: 'meal', amount: '0.20', amountCents: 20, currency: 'EUR' },
      { index: 2, employeeEmail: 'anna.schmidt@acme.example', benefitKey: 'mobility', amount: '19.99', amountCents: 1999, currency: 'EUR' },
      { index: 3, employeeEmail: 'ben@acme.example', benefitKey: 'mobility', amount: '1234.50', amountCents: 123450, currency: 'EUR' },
      { index: 4, employeeEmail: 'cem@acme.example', benefitKey: 'internet', amount: '12.50', amountCents: 1250, currency: 'EUR' },
    ]);

    // Stored as integers in one chunk of the active set.
    const set = await readActiveEntrySet(h.db, 'acme', '2025-01');
    expect(set).toMatchObject({ setId: put.json.entrySetId, entryCount: 5, chunkCount: 1, currency: 'EUR' });
    const chunk = await readEntryChunk(h.db, put.json.entrySetId, 0);
    expect(chunk.map((entry) => entry.amountCents)).toEqual([10, 20, 1999, 123450, 1250]);
    expect(chunk.every((entry) => Number.isInteger(entry.amountCents))).toBe(true);
  });

  it('replaces a set as a whole: the old rows are gone from GET, the old set is kept for running syncs', async () => {
    expect((await h.api('PUT', `${base}/2025-09/entries`, { entries: validSet })).status).toBe(200);
    const first = await h.apiAs(entrySetSummarySchema, 'PUT', `${base}/2025-02/entries`, { entries: validSet });
    expect(first.status).toBe(200);
    const replacement = [{ employeeEmail: 'dora@acme.example', benefitKey: 'internet', amount: 30 }];
    const second = await h.apiAs(entrySetSummarySchema, 'PUT', `${base}/2025-02/entries`, { entries: replacement });
    expect(second.status).toBe(200);
    expect(second.json.entrySetId).not.toBe(first.json.entrySetId);

    const get = await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-02/entries`);
    expect(get.json).toMatchObject({ entrySetId: second.json.entrySetId, entryCount: 1 });
    expect(get.json.entries).toEqual([
      { index: 0, employeeEmail: 'dora@acme.example', benefitKey: 'internet', amount: '30.00', amountCents: 3000, currency: 'EUR' },
    ]);
    // A sync that started on the first set still reads it, unchanged.
    expect((await readEntryChunk(h.db, first.json.entrySetId, 0)).length).toBe(5);
    // Other periods are untouched.
    expect((await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-09/entries`)).json.entryCount).toBe(5);
  });

  it('lists every bad row and leaves the stored set untouched', async () => {
    expect((await h.api('PUT', `${base}/2025-08/entries`, { entries: validSet })).status).toBe(200);
    const before = await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-08/entries`);
    const res = await h.apiAs(entriesProblemSchema, 'PUT', `${base}/2025-08/entries`, {
      entries: [
        { employeeEmail: 'anna.schmidt@acme.example', benefitKey: 'meal', amount: 10 },
        { employeeEmail: 'not-an-email', benefitKey: 'meal', amount: 10 },
        { employeeEmail: 'ben@acme.example', benefitKey: 'meal', amount: 12.345 },
        { employeeEmail: 'cem@acme.example', benefitKey: 'meal', amount: 0 },
        { employeeEmail: 'dora@acme.example', benefitKey: 'meal', amount: '-5.00' },
        { employeeEmail: 'emil@acme.example', benefitKey: 'gym', amount: 10 },
        { employeeEmail: 'fay@acme.example', benefitKey: 'meal', amount: 10, currency: 'eur' },
        { employeeEmail: '  ANNA.Schmidt@Acme.EXAMPLE ', benefitKey: 'meal', amount: 5 },
        { employeeEmail: 'gus@acme.example', benefitKey: 'meal', amount: 10, currency: 'USD' },
        { employeeEmail: 'hal@acme.example', benefitKey: 'internet', amount: '1000000.01', note: 'x' },
        { employeeEmail: 'ida@acme.example', benefitKey: 'internet', amount: '20.5' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.json.errors).toEqual([
      { index: 1, field: 'entries[1].employeeEmail', reason: 'must be an email address' },
      { index: 2, field: 'entries[2].amount', reason: 'must have at most 2 decimal places' },
      { index: 3, field: 'entries[3].amount', reason: 'must be greater than 0' },
      { index: 4, field: 'entries[4].amount', reason: 'must be greater than 0' },
      { index: 5, field: 'entries[5].benefitKey', reason: 'unknown benefit "gym": add it to the benefit mappings first' },
      { index: 6, field: 'entries[6].currency', reason: 'must be an ISO 4217 code of three upper-case letters, such as EUR' },
      { index: 7, field: 'entries[7].employeeEmail', reason: 'duplicates index 0: the same employee and benefit may appear only once' },
      { index: 8, field: 'entries[8].currency', reason: 'is USD but index 0 is EUR: all entries of a period share one currency' },
      { index: 9, field: 'entries[9].amount', reason: 'must be at most 1000000.00' },
      { index: 9, field: 'entries[9].note', reason: 'unknown field (rows have employeeEmail, benefitKey, amount and currency)' },
    ]);
    expect(res.json.errorCount).toBe(10);
    expect(res.json.detail).toContain('nothing was stored');

    const after = await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-08/entries`);
    expect(after.json).toEqual(before.json);
  });

  it('caps the listed errors at 1,000 and gives the total in errorCount', async () => {
    const entries = Array.from({ length: 1500 }, (_, i) => ({ employeeEmail: `e${i}@acme.example`, benefitKey: 'meal', amount: 0 }));
    const res = await h.apiAs(entriesProblemSchema, 'PUT', `${base}/2025-03/entries`, { entries });
    expect(res.status).toBe(400);
    expect(res.json.errors!.length).toBe(1000);
    expect(res.json.errors![999]).toEqual({ index: 999, field: 'entries[999].amount', reason: 'must be greater than 0' });
    expect(res.json.errorCount).toBe(1500);
    expect((await h.api('GET', `${base}/2025-03/entries`)).status).toBe(404);
  });

  it('requires an entries array; an empty list clears the period', async () => {
    for (const body of [{}, { entries: 'meal' }, { entries: null }, { entries: [], extra: true }]) {
      const res = await h.apiAs(entriesProblemSchema, 'PUT', `${base}/2025-04/entries`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.json.errors!.map((e) => e.field), JSON.stringify(body)).toEqual([Object.keys(body).includes('extra') ? '(body)' : 'entries']);
    }
    const notObjects = await h.apiAs(entriesProblemSchema, 'PUT', `${base}/2025-04/entries`, { entries: [42, null, ['a']] });
    expect(notObjects.json.errors!.map((e) => e.field)).toEqual(['entries[0]', 'entries[1]', 'entries[2]']);

    expect((await h.api('PUT', `${base}/2025-04/entries`, { entries: validSet })).status).toBe(200);
    const cleared = await h.apiAs(entrySetSummarySchema, 'PUT', `${base}/2025-04/entries`, { entries: [] });
    expect(cleared.status).toBe(200);
    expect(cleared.json).toMatchObject({ entryCount: 0, currency: 'EUR', totals: [] });
    const get = await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-04/entries`);
    expect(get.status).toBe(200);
    expect(get.json).toMatchObject({ entrySetId: cleared.json.entrySetId, entryCount: 0, chunkCount: 0, entries: [], nextOffset: null });
  });

  it('answers 400 naming period for an invalid period, 404 for an unknown company or a period without entries', async () => {
    for (const period of ['2025-13', '2025-1', '25-01', 'january']) {
      for (const [method, body] of [['PUT', { entries: [] }], ['GET', undefined]] as const) {
        const res = await h.apiAs(entriesProblemSchema, method, `${base}/${period}/entries`, body);
        expect(res.status, `${method} ${period}`).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.json.errors!.map((e) => e.field)).toEqual(['period']);
      }
    }
    for (const [method, body] of [['PUT', { entries: validSet }], ['GET', undefined]] as const) {
      const res = await h.api(method, '/v1/companies/nobody/payroll-periods/2025-01/entries', body);
      expect(res.status, method).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const none = await h.api('GET', `${base}/2030-12/entries`);
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
  });

  it('stores a multi-chunk set and pages through it across chunk boundaries', async () => {
    const entries = Array.from({ length: 2500 }, (_, i) => ({ employeeEmail: `e${i}@acme.example`, benefitKey: 'meal', amount: `${1 + (i % 50)}.05` }));
    const put = await h.apiAs(entrySetSummarySchema, 'PUT', `${base}/2025-05/entries`, { entries });
    expect(put.status, put.text).toBe(200);
    const expectedCents = entries.reduce((sum, _, i) => sum + (1 + (i % 50)) * 100 + 5, 0);
    expect(put.json.totals).toEqual([{ benefitKey: 'meal', entries: 2500, amount: `${Math.floor(expectedCents / 100)}.${String(expectedCents % 100).padStart(2, '0')}`, amountCents: expectedCents }]);

    const across = await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-05/entries?offset=990&limit=20`);
    expect(across.json).toMatchObject({ entryCount: 2500, chunkCount: 3, offset: 990, limit: 20, nextOffset: 1010 });
    expect(pageEntries(across).map((e) => e.index)).toEqual(Array.from({ length: 20 }, (_, i) => 990 + i));
    const last = await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-05/entries?offset=2450&limit=1000`);
    expect(pageEntries(last).length).toBe(50);
    expect(last.json.nextOffset).toBeNull();
    const beyond = await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-05/entries?offset=5000`);
    expect(beyond.json).toMatchObject({ entries: [], nextOffset: null });
    for (const query of ['limit=1001', 'limit=0', 'offset=-1', 'offset=abc']) {
      expect((await h.api('GET', `${base}/2025-05/entries?${query}`)).status, query).toBe(400);
    }

    const set = await readActiveEntrySet(h.db, 'acme', '2025-05');
    let count = 0;
    for await (const entry of iterateEntries(h.db, set!.setId, set!.chunkCount)) {
      expect(entry.index).toBe(count);
      count += 1;
    }
    expect(count).toBe(2500);
  });

  it(`validates ${MAX_ENTRIES_PER_REQUEST} rows quickly and rejects more`, async () => {
    const rows = Array.from({ length: MAX_ENTRIES_PER_REQUEST }, (_, i) => ({
      employeeEmail: ` Employee.${i}@Acme.example `,
      benefitKey: i % 2 ? 'meal' : 'mobility',
      amount: i % 3 ? `${1 + (i % 999)}.${String(i % 100).padStart(2, '0')}` : 0.25 + (i % 40),
    }));
    validateEntries(rows.slice(0, 1000), ['meal', 'mobility']); // warm up
    const started = performance.now();
    const result = validateEntries(rows, ['meal', 'mobility']);
    const elapsedMs = performance.now() - started;
    console.log(`validateEntries: ${MAX_ENTRIES_PER_REQUEST} rows in ${elapsedMs.toFixed(1)} ms`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.entries.length).toBe(MAX_ENTRIES_PER_REQUEST);

    const tooMany = validateEntries([...rows, rows[0]], ['meal', 'mobility']);
    expect(tooMany).toEqual({ ok: false, errors: [{ field: 'entries', reason: expect.stringContaining('at most 50000 entries') }], errorCount: 1 });
    // Over HTTP too, with tiny rows so the body stays under the harness's 2 MiB limit.
    const http = await h.apiAs(entriesProblemSchema, 'PUT', `${base}/2025-06/entries`, { entries: Array.from({ length: MAX_ENTRIES_PER_REQUEST + 1 }, () => ({})) });
    expect(http.status).toBe(400);
    expect(http.json.errors).toEqual([{ field: 'entries', reason: expect.stringContaining('at most 50000 entries') }]);

    // The full set (too large a body for the test harness) stored through the store, read back through the API.
    const writeStarted = performance.now();
    const stored = await storeEntrySet(h.db, 'acme', '2025-06', result.entries, result.currency);
    console.log(`storeEntrySet: ${MAX_ENTRIES_PER_REQUEST} rows in ${(performance.now() - writeStarted).toFixed(0)} ms`);
    expect(stored.chunkCount).toBe(MAX_ENTRIES_PER_REQUEST / ENTRY_CHUNK_SIZE);
    const tail = await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-06/entries?offset=49999&limit=10`);
    expect(tail.json.entries).toEqual([
      { index: 49999, employeeEmail: 'employee.49999@acme.example', benefitKey: 'meal', amount: '50.99', amountCents: 5099, currency: 'EUR' },
    ]);
  });

  it('keeps the old set active when a write stops between the chunks and the pointer switch', async () => {
    expect((await h.api('PUT', `${base}/2025-07/entries`, { entries: validSet })).status).toBe(200);
    const before = await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-07/entries`);
    const oldSetId = before.json.entrySetId;
    const newEntries: PeriodEntry[] = Array.from({ length: 2100 }, (_, i) => ({
      index: i,
      employeeEmail: `new${i}@acme.example`,
      benefitKey: 'meal',
      amountCents: 100,
      currency: 'EUR',
    }));

    // The first half of storeEntrySet, then a "crash": the pointer is never switched.
    const { setId, chunkCount } = await writeEntryChunks(h.db, 'acme', '2025-07', newEntries);
    expect(chunkCount).toBe(3);
    const written = await Promise.all([0, 1, 2].map((chunkNo) => readEntryChunk(h.db, setId, chunkNo)));
    expect(written.map((chunk) => chunk.length)).toEqual([1000, 1000, 100]);

    expect(await readActiveEntrySet(h.db, 'acme', '2025-07')).toMatchObject({ setId: oldSetId, entryCount: 5 });
    const after = await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-07/entries`);
    expect(after.json).toEqual(before.json);

    // Only the switch makes a written set visible.
    await activateEntrySet(h.db, 'acme', '2025-07', { setId, entryCount: newEntries.length, chunkCount, currency: 'EUR' });
    const switched = await h.apiAs(entriesPageSchema, 'GET', `${base}/2025-07/entries?offset=2095`);
    expect(switched.json).toMatchObject({ entrySetId: setId, entryCount: 2100 });
    expect(pageEntries(switched).map((e) => e.employeeEmail)).toEqual(
      [2095, 2096, 2097, 2098, 2099].map((i) => `new${i}@acme.example`),
    );
    await expect(readEntryChunk(h.db, setId, 3)).rejects.toThrow(/does not exist/);
  });
});
