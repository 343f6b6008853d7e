import { describe, expect, it } from 'vitest';
import { centsToDecimalString, decimalToCents } from '../../payroll/money.js';
import { isInPeriodWindow, periodEffectiveDate, periodWindow, shiftPeriod } from '../../payroll/period.js';

describe('money', () => {
  it('turns decimals into exact cents without float drift', () => {
    expect(decimalToCents(0.1 + 0.2)).toBeUndefined(); // 0.30000000000000004 has more than 2 places
    expect(decimalToCents('19.99')).toBe(1999);
    expect(decimalToCents(1234.5)).toBe(123450);
    expect(decimalToCents('0.07')).toBe(7);
    expect(decimalToCents('1.234')).toBeUndefined();
    expect(decimalToCents('-1')).toBeUndefined();
    expect(decimalToCents('1e3')).toBeUndefined();
    expect(centsToDecimalString(123450)).toBe('1234.50');
    expect(centsToDecimalString(7)).toBe('0.07');
  });
});

describe('period', () => {
  it('dates compensations on the last day of the month, leap years included', () => {
    expect(periodEffectiveDate('2026-02')).toBe('2026-02-28');
    expect(periodEffectiveDate('2028-02')).toBe('2028-02-29');
    expect(periodEffectiveDate('2026-12')).toBe('2026-12-31');
  });
  it('shifts across year boundaries', () => {
    expect(shiftPeriod('2026-01', -1)).toBe('2025-12');
    expect(shiftPeriod('2026-12', 1)).toBe('2027-01');
  });
});

import { periodForScheduledTime } from '../../payroll/schedule-period.js';

describe('scheduled period', () => {
  it('takes the month of the scheduled time in the schedule’s time zone, winter and summer', () => {
    // 00:30 on the 1st in Berlin is still the previous day in UTC.
    const winter = new Date('2025-12-31T23:30:00Z'); // 2026-01-01 00:30 CET
    const summer = new Date('2026-06-30T22:30:00Z'); // 2026-07-01 00:30 CEST
    expect(periodForScheduledTime(winter, 'Europe/Berlin', 'current')).toBe('2026-01');
    expect(periodForScheduledTime(winter, 'Europe/Berlin', 'previous')).toBe('2025-12');
    expect(periodForScheduledTime(summer, 'Europe/Berlin', 'current')).toBe('2026-07');
    expect(periodForScheduledTime(summer, 'Europe/Berlin', 'previous')).toBe('2026-06');
    expect(periodForScheduledTime(summer, 'UTC', 'previous')).toBe('2026-05');
  });
});

describe('the accepted period window', () => {
  const now = new Date('2026-11-30T12:00:00Z');
  it('runs from 2000-01 to December ten years ahead', () => {
    expect(periodWindow(now)).toEqual({ first: '2000-01', last: '2036-12' });
    expect(['2000-01', '2026-11', '2036-12'].map((p) => isInPeriodWindow(p, now))).toEqual([true, true, true]);
  });
  it('leaves out the typos: year 1, year 1999, year 0099 (19xx in Date.UTC) and far futures', () => {
    expect(['0001-01', '0099-05', '1999-12', '2037-01', '9999-12'].map((p) => isInPeriodWindow(p, now))).toEqual([false, false, false, false, false]);
  });
});
