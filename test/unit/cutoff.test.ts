import { describe, expect, it } from 'vitest';
import { cutoffPassesAt, isPastCutoff } from '../../payroll/cutoff.js';

describe('payroll cut-off', () => {
  it('passes at midnight after the cut-off day of the following month, in the company\'s time zone', () => {
    // October's payroll closes on 5 November, Berlin time (UTC+1 in November).
    expect(cutoffPassesAt('2026-10', 5, 'Europe/Berlin').toISOString()).toBe('2026-11-05T23:00:00.000Z');
    // December closes in January of the next year; New York is UTC-5 then.
    expect(cutoffPassesAt('2026-12', 28, 'America/New_York').toISOString()).toBe('2027-01-29T05:00:00.000Z');
  });

  it('is not past on the cut-off day itself, past the second after it, and never without a cut-off', () => {
    expect(isPastCutoff('2026-10', 5, 'Europe/Berlin', new Date('2026-11-05T22:59:59Z'))).toBe(false);
    expect(isPastCutoff('2026-10', 5, 'Europe/Berlin', new Date('2026-11-05T23:00:00Z'))).toBe(true);
    expect(isPastCutoff('2026-10', null, 'Europe/Berlin', new Date('2030-01-01T00:00:00Z'))).toBe(false);
  });
});
