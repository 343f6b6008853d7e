/** The date window of GET /v2/compensations, and which compensations a window shows. */
import { addDays, addMonths, currentMonth } from './dates.js';
import type { Parsed } from './pagination.js';

export interface ListingWindow {
  start: string;
  end: string;
}

/** The window from valid (or absent) start_date / end_date: default the current month, at most one month. */
export function listingWindow(rawStart: string | null, rawEnd: string | null, now: Date): Parsed<ListingWindow> {
  let start: string;
  let end: string;
  if (rawStart === null && rawEnd === null) ({ start, end } = currentMonth(now));
  else if (rawStart !== null && rawEnd !== null) [start, end] = [rawStart, rawEnd];
  else if (rawStart !== null) [start, end] = [rawStart, addDays(addMonths(rawStart, 1), -1)];
  else [start, end] = [addDays(addMonths(rawEnd as string, -1), 1), rawEnd as string];
  if (end < start) return { ok: false, detail: 'end_date must not be before start_date.' };
  // The window may span at most one month: end_date must come before the same day of the next month.
  if (end >= addMonths(start, 1)) return { ok: false, detail: 'The period between start_date and end_date must not exceed one month.' };
  return { ok: true, value: { start, end } };
}

/**
 * A compensation shows in the window containing its effective_from. One that keeps applying (a RECURRING one
 * under the recurringInLaterMonths personality) also shows in every window after that, unchanged.
 */
export function showsInWindow(window: ListingWindow, effectiveFrom: string, keepsApplying: boolean): boolean {
  return effectiveFrom <= window.end && (keepsApplying || effectiveFrom >= window.start);
}
