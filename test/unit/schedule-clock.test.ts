import { describe, expect, it } from 'vitest';
import { findClockProblem, suggestSafeTime } from '../../payroll/schedule-clock.js';

describe('monthly run times and daylight saving', () => {
  it('finds the day a run time is skipped (Berlin, 26th 02:30: 26 March 2028 is the last Sunday of March)', () => {
    const run = { timezone: 'Europe/Berlin', dayOfMonth: 26, hour: 2, minute: 30 };
    expect(findClockProblem(run, 2026)).toEqual({ kind: 'skipped', date: '2028-03-26' });
    expect(suggestSafeTime(run, 2026)).toEqual({ hour: 3, minute: 30 });
  });

  it('finds the day a run time is repeated (New York, 1st 01:30: 1 November 2026)', () => {
    const run = { timezone: 'America/New_York', dayOfMonth: 1, hour: 1, minute: 30 };
    expect(findClockProblem(run, 2026)).toEqual({ kind: 'repeated', date: '2026-11-01' });
    expect(suggestSafeTime(run, 2026)).toEqual({ hour: 2, minute: 30 });
  });

  it('accepts times no change touches: the 1st in Berlin (changes fall on the last Sunday), any time in UTC', () => {
    expect(findClockProblem({ timezone: 'Europe/Berlin', dayOfMonth: 1, hour: 2, minute: 30 }, 2026)).toBeUndefined();
    expect(findClockProblem({ timezone: 'UTC', dayOfMonth: 26, hour: 2, minute: 30 }, 2026)).toBeUndefined();
  });
});
