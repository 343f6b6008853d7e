// Validation of a period's entry list. Every row is checked and every problem reported; a list with any bad
// row is rejected whole. Hand-written (no per-row zod parse) because 50,000 rows must validate in milliseconds.
import { z } from 'zod';
import type { PeriodEntry } from './entries.js';
import { decimalToCents } from './money.js';

export const MAX_ENTRIES_PER_REQUEST = 50_000;
/** 1,000,000.00 per row. */
export const MAX_AMOUNT_CENTS = 100_000_000;
/** The problem body lists at most this many errors; `errorCount` has the total. */
export const MAX_LISTED_ERRORS = 1_000;
export const DEFAULT_CURRENCY = 'EUR';

export const ENTRIES_NOT_ARRAY_REASON = 'must be an array of entries (an empty array clears the period)';
export const TOO_MANY_ENTRIES_REASON = `must have at most ${MAX_ENTRIES_PER_REQUEST} entries per request`;

/** One problem of the entry list; `index` is the row's position (absent for problems of the list itself). */
export interface EntryProblem {
  index?: number;
  field: string;
  reason: string;
}

export type EntryValidation =
  | { ok: true; entries: PeriodEntry[]; currency: string }
  | { ok: false; errors: EntryProblem[]; errorCount: number };

export type AmountParse = { ok: true; cents: number } | { ok: false; reason: string };

const ROW_FIELDS = new Set(['employeeEmail', 'benefitKey', 'amount', 'currency']);
/** The same rule as every other email of the API (zod's `z.email()`), after trimming and lower-casing. */
const EMAIL_PATTERN = z.regexes.email;
const MAX_EMAIL_LENGTH = 254;
const CURRENCY_PATTERN = /^[A-Z]{3}$/;
const SIGNED_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

const AMOUNT_FORMAT = 'must be a decimal amount such as 12.50 (a JSON number or a string)';
const AMOUNT_POSITIVE = 'must be greater than 0';
const AMOUNT_DECIMALS = 'must have at most 2 decimal places';
const AMOUNT_MAX = 'must be at most 1000000.00';

/**
 * 12.5 | "12.50" → 1250 cents. Numbers are read through their shortest decimal text (`String(12.5)` is
 * "12.5"), so no float arithmetic touches the amount: 0.1 is 10 cents, 19.99 is 1999 cents.
 */
export function parseAmountCents(value: unknown): AmountParse {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: AMOUNT_FORMAT };
    if (value <= 0) return { ok: false, reason: AMOUNT_POSITIVE };
    if (value > MAX_AMOUNT_CENTS / 100) return { ok: false, reason: AMOUNT_MAX };
    text = String(value);
    // A positive number of at most a million written with an exponent is tiny (1e-7): too many decimals.
    if (text.includes('e')) return { ok: false, reason: AMOUNT_DECIMALS };
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return { ok: false, reason: AMOUNT_FORMAT };
  }
  const match = SIGNED_DECIMAL.exec(text);
  if (!match) return { ok: false, reason: AMOUNT_FORMAT };
  if (match[1]) return { ok: false, reason: AMOUNT_POSITIVE };
  if ((match[3]?.length ?? 0) > 2) return { ok: false, reason: AMOUNT_DECIMALS };
  const cents = decimalToCents(text);
  if (cents === undefined) return { ok: false, reason: AMOUNT_MAX }; // more than 12 integer digits
  if (cents === 0) return { ok: false, reason: AMOUNT_POSITIVE };
  if (cents > MAX_AMOUNT_CENTS) return { ok: false, reason: AMOUNT_MAX };
  return { ok: true, cents };
}

/** Echoes client text in a reason without letting a huge value blow up the problem body. */
function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

/**
 * Validates the `entries` of a PUT. `benefitKeys` are the company's mapped benefit keys; a row's key
 * matches case-insensitively (the mapping set forbids keys differing only in case) and is stored in the
 * mapping's spelling. Emails are trimmed and lower-cased. Returns the normalized entries with `index` = row
 * position, or every problem (listing at most MAX_LISTED_ERRORS; `errorCount` is the total).
 */
export function validateEntries(rows: unknown, benefitKeys: Iterable<string>): EntryValidation {
  if (!Array.isArray(rows)) return { ok: false, errors: [{ field: 'entries', reason: ENTRIES_NOT_ARRAY_REASON }], errorCount: 1 };
  if (rows.length > MAX_ENTRIES_PER_REQUEST) {
    return { ok: false, errors: [{ field: 'entries', reason: `${TOO_MANY_ENTRIES_REASON} (got ${rows.length})` }], errorCount: 1 };
  }

  const canonicalKeys = new Map<string, string>();
  for (const key of benefitKeys) canonicalKeys.set(key.toLowerCase(), key);

  const errors: EntryProblem[] = [];
  let errorCount = 0;
  const report = (index: number, field: string | undefined, reason: string) => {
    errorCount += 1;
    if (errors.length < MAX_LISTED_ERRORS) errors.push({ index, field: field === undefined ? `entries[${index}]` : `entries[${index}].${field}`, reason });
  };

  const entries: PeriodEntry[] = [];
  const firstIndexOf = new Map<string, number>();
  let setCurrency: string | undefined;
  let setCurrencyIndex = -1;

  for (let index = 0; index < rows.length; index += 1) {
    const row: unknown = rows[index];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      report(index, undefined, 'must be an object with employeeEmail, benefitKey, amount and optionally currency');
      continue;
    }
    const fields = row as Record<string, unknown>;
    const errorsBefore = errorCount;

    let employeeEmail: string | undefined;
    const rawEmail = fields.employeeEmail;
    if (rawEmail === undefined) report(index, 'employeeEmail', 'is required');
    else if (typeof rawEmail !== 'string') report(index, 'employeeEmail', 'must be an email address');
    else {
      const email = rawEmail.trim().toLowerCase();
      if (email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email)) report(index, 'employeeEmail', 'must be an email address');
      else employeeEmail = email;
    }

    let benefitKey: string | undefined;
    const rawKey = fields.benefitKey;
    if (rawKey === undefined) report(index, 'benefitKey', 'is required');
    else if (typeof rawKey !== 'string' || rawKey === '') report(index, 'benefitKey', 'must be a benefit key (a non-empty string)');
    else {
      benefitKey = canonicalKeys.get(rawKey.toLowerCase());
      if (benefitKey === undefined) report(index, 'benefitKey', `unknown benefit ${quote(rawKey)}: add it to the benefit mappings first`);
    }

    let amountCents: number | undefined;
    if (fields.amount === undefined) report(index, 'amount', 'is required');
    else {
      const amount = parseAmountCents(fields.amount);
      if (amount.ok) amountCents = amount.cents;
      else report(index, 'amount', amount.reason);
    }

    let currency: string | undefined;
    const rawCurrency = fields.currency;
    if (rawCurrency === undefined) currency = DEFAULT_CURRENCY;
    else if (typeof rawCurrency === 'string' && CURRENCY_PATTERN.test(rawCurrency)) currency = rawCurrency;
    else report(index, 'currency', 'must be an ISO 4217 code of three upper-case letters, such as EUR');

    for (const key of Object.keys(fields)) {
      if (!ROW_FIELDS.has(key)) report(index, key, 'unknown field (rows have employeeEmail, benefitKey, amount and currency)');
    }

    if (employeeEmail !== undefined && benefitKey !== undefined) {
      const pairKey = `${employeeEmail}\n${benefitKey}`;
      const first = firstIndexOf.get(pairKey);
      if (first !== undefined) report(index, 'employeeEmail', `duplicates index ${first}: the same employee and benefit may appear only once`);
      else firstIndexOf.set(pairKey, index);
    }

    if (currency !== undefined) {
      if (setCurrency === undefined) {
        setCurrency = currency;
        setCurrencyIndex = index;
      } else if (currency !== setCurrency) {
        report(index, 'currency', `is ${currency} but index ${setCurrencyIndex} is ${setCurrency}: all entries of a period share one currency`);
      }
    }

    if (errorCount === errorsBefore && employeeEmail !== undefined && benefitKey !== undefined && amountCents !== undefined && currency !== undefined) {
      entries.push({ index, employeeEmail, benefitKey, amountCents, currency });
    }
  }

  if (errorCount > 0) return { ok: false, errors, errorCount };
  return { ok: true, entries, currency: setCurrency ?? DEFAULT_CURRENCY };
}
