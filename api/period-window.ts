// A well-formed period outside the accepted window is refused as unprocessable (422), naming the window.
import { isInPeriodWindow, periodWindow } from '../payroll/period.js';
import { ApiProblem } from './problem.js';

export function requirePeriodInWindow(period: string, now = new Date(), field = 'period'): void {
  if (isInPeriodWindow(period, now)) return;
  const { first, last } = periodWindow(now);
  throw new ApiProblem(422, 'Period out of range', {
    detail: `Payroll periods from ${first} to ${last} are accepted.`,
    errors: [{ field, reason: `must be between ${first} and ${last}` }],
  });
}
