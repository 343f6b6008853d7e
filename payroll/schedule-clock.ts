// Whether a monthly local run time is safe in a time zone: Temporal matches a schedule's local clock literally, so
// a time that a daylight-saving change skips never fires that month, and one it repeats fires twice.
import { DateTime } from 'luxon';

export interface LocalRunTime {
  timezone: string;
  dayOfMonth: number;
  hour: number;
  minute: number;
}

export interface ClockProblem {
  kind: 'skipped' | 'repeated';
  /** The first such day, YYYY-MM-DD. */
  date: string;
}

/** Years checked ahead: 28 years repeat every weekday pattern of the Gregorian calendar (rules may change, of course). */
export const YEARS_CHECKED = 28;

/** The first day from `fromYear` on which the run's local time does not exist, or exists twice, in its time zone. */
export function findClockProblem(run: LocalRunTime, fromYear: number, years = YEARS_CHECKED): ClockProblem | undefined {
  for (let year = fromYear; year < fromYear + years; year++) {
    for (let month = 1; month <= 12; month++) {
      const local = DateTime.fromObject({ year, month, day: run.dayOfMonth, hour: run.hour, minute: run.minute }, { zone: run.timezone });
      const date = isoDate(year, month, run.dayOfMonth);
      // luxon moves a time the clocks jump over forward; a time they go back over has two offsets.
      if (local.hour !== run.hour || local.minute !== run.minute) return { kind: 'skipped', date };
      if (local.getPossibleOffsets().length > 1) return { kind: 'repeated', date };
    }
  }
  return undefined;
}

/** The nearest whole-hour shift of the run's time (later first) that is safe in every year checked. */
export function suggestSafeTime(run: LocalRunTime, fromYear: number): { hour: number; minute: number } | undefined {
  for (let shift = 1; shift < 24; shift++) {
    for (const hour of [run.hour + shift, run.hour - shift]) {
      if (hour < 0 || hour > 23) continue;
      if (!findClockProblem({ ...run, hour }, fromYear)) return { hour, minute: run.minute };
    }
  }
  return undefined;
}

const isoDate = (year: number, month: number, day: number) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
