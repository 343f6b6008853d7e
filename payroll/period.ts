// Payroll periods are calendar months, written YYYY-MM. Pure functions: safe in workflow code.

export const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(value: string): boolean {
  return PERIOD_PATTERN.test(value);
}

/** The first and the last day of the period as YYYY-MM-DD. */
export function periodDays(period: string): { first: string; last: string } {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) throw new RangeError(`period must be YYYY-MM, got ${JSON.stringify(period)}`);
  const lastDay = new Date(Date.UTC(Number(match[1]), Number(match[2]), 0)).getUTCDate();
  return { first: `${period}-01`, last: `${period}-${String(lastDay).padStart(2, '0')}` };
}

/** The last day of the period: the effective date of the period's compensations. */
export function periodEffectiveDate(period: string): string {
  return periodDays(period).last;
}

/** The period `offset` months from `period` (e.g. -1 for the previous month). */
export function shiftPeriod(period: string, offset: number): string {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) throw new RangeError(`not a period: ${period}`);
  const index = Number(match[1]) * 12 + (Number(match[2]) - 1) + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Periods the API accepts: from 2000-01 (older years are typos, and years below 100 turn into 19xx in Date.UTC) to ten years ahead. */
export const FIRST_PERIOD = '2000-01';
export const YEARS_AHEAD = 10;

export function periodWindow(now: Date): { first: string; last: string } {
  return { first: FIRST_PERIOD, last: `${now.getUTCFullYear() + YEARS_AHEAD}-12` };
}

/** Whether a well-formed period lies in the window (YYYY-MM strings compare in calendar order). */
export function isInPeriodWindow(period: string, now: Date): boolean {
  const { first, last } = periodWindow(now);
  return period >= first && period <= last;
}
