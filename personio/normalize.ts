// The forms months and batches are sent to Personio in.
import { periodDays } from '../payroll/period.js';

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
