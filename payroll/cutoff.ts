// The payroll cut-off: a company closes the payroll of month P on day `cutoffDay` of the month after P, in its time
// zone. An export of P after that day comes too late for that month's payroll run.
import { DateTime } from 'luxon';

/** The first instant after the cut-off of `period` (YYYY-MM): 00:00 of the day after the cut-off day, local time. */
export function cutoffPassesAt(period: string, cutoffDay: number, timezone: string): Date {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return DateTime.fromObject({ year, month, day: 1 }, { zone: timezone }).plus({ months: 1 }).set({ day: cutoffDay }).plus({ days: 1 }).startOf('day').toJSDate();
}

export function isPastCutoff(period: string, cutoffDay: number | null | undefined, timezone: string, now: Date): boolean {
  if (!cutoffDay) return false;
  return now.getTime() >= cutoffPassesAt(period, cutoffDay, timezone).getTime();
}
