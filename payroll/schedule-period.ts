// Which payroll period a scheduled run exports: derived from the *scheduled* time (never the wall clock)
// in the schedule's time zone. Pure and deterministic: used inside workflow code.
import type { SchedulePeriodMode } from '../contracts/schedule.js';
import { shiftPeriod } from './period.js';

/** The calendar month (YYYY-MM) that `instant` falls in, in `timeZone`. */
export function localMonth(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(instant);
  const year = parts.find((p) => p.type === 'year')?.value;
  const month = parts.find((p) => p.type === 'month')?.value;
  if (!year || !month) throw new RangeError(`cannot read the month of ${instant.toISOString()} in ${timeZone}`);
  return `${year}-${month}`;
}

export function periodForScheduledTime(scheduledAt: Date, timeZone: string, mode: SchedulePeriodMode): string {
  const month = localMonth(scheduledAt, timeZone);
  return mode === 'previous' ? shiftPeriod(month, -1) : month;
}
