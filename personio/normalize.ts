// The forms names, months and batches are compared and sent in.
import { periodDays } from '../payroll/period.js';

/** Case-insensitive, trimmed, inner whitespace collapsed: the form type names are compared in. */
export function normalizeTypeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** `YYYY-MM` → the whole month as Personio's start_date/end_date. */
export function monthWindow(period: string): { startDate: string; endDate: string } {
  const { first, last } = periodDays(period);
  return { startDate: first, endDate: last };
}

/** `items` in consecutive slices of at most `size` (filter lists Personio takes per request). */
export function chunkOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
