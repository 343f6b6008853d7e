// Payroll periods are calendar months, written YYYY-MM. Pure functions: safe in workflow code.

export const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(value: string): boolean {
  return PERIOD_PATTERN.test(value);
}

/** The last day of the period as YYYY-MM-DD: the effective date of the period's compensations. */
export function periodEffectiveDate(period: string): string {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) throw new RangeError(`not a period: ${period}`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${match[1]}-${match[2]}-${String(lastDay).padStart(2, '0')}`;
}

/** The period `offset` months from `period` (e.g. -1 for the previous month). */
export function shiftPeriod(period: string, offset: number): string {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) throw new RangeError(`not a period: ${period}`);
  const index = Number(match[1]) * 12 + (Number(match[2]) - 1) + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
