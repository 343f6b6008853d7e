// How a connection test decides a company's Personio connection status, and when a change is announced.
// Announcements alternate: the 1st, 3rd, 5th… transition of a company is `broken`, the 2nd, 4th… `restored`,
// so the number of transitions so far says what the platform and the managers were last told.
import type { ConnectionCheckId, ConnectionTestResult, PersonioConnectionStatus } from '../contracts/connection-test.js';

export interface DecidedStatus {
  status: PersonioConnectionStatus;
  failingChecks: ConnectionCheckId[];
}

/**
 * The status a finished test decides, or null when it decides nothing: Personio did not answer (an outage is not a
 * broken credential). No stored credentials is `unknown`: nothing was ever connected, so nothing broke.
 */
export function decideStatus(result: Pick<ConnectionTestResult, 'unreachable' | 'checks'>, credentialsMissing: boolean): DecidedStatus | null {
  if (result.unreachable) return null;
  const failingChecks = result.checks.filter((check) => check.status === 'failed').map((check) => check.id);
  if (credentialsMissing) return { status: 'unknown', failingChecks };
  return { status: failingChecks.length === 0 ? 'ok' : 'broken', failingChecks };
}

/** What the company was last told after `transitions` announcements: none yet counts as ok. */
export const announcedStatus = (transitions: number): 'ok' | 'broken' => (transitions % 2 === 1 ? 'broken' : 'ok');

/** The announcement a newly decided status calls for, if any. `unknown` never announces. */
export function transitionFor(transitions: number, status: PersonioConnectionStatus): 'broken' | 'restored' | null {
  const announced = announcedStatus(transitions);
  if (status === 'broken' && announced === 'ok') return 'broken';
  if (status === 'ok' && announced === 'broken') return 'restored';
  return null;
}


export interface CheckTime {
  /** Absent: every day. */
  dayOfMonth?: number;
  hour: number;
  minute: number;
}

/** The daily health check, company time: early, before anyone starts an export by hand. */
export const DAILY_CHECK: CheckTime = { hour: 6, minute: 0 };
export const HOURS_BEFORE_EXPORT = 3;

/**
 * The check a few hours before a scheduled export (company time), leaving time to fix the credentials. An export in
 * the first hours of day 1 is checked at 00:00 that day: the day before is a different day of month each month.
 */
export function checkBeforeExport(run: { dayOfMonth: number; hour: number; minute: number }): CheckTime {
  if (run.hour >= HOURS_BEFORE_EXPORT) return { dayOfMonth: run.dayOfMonth, hour: run.hour - HOURS_BEFORE_EXPORT, minute: run.minute };
  if (run.dayOfMonth > 1) return { dayOfMonth: run.dayOfMonth - 1, hour: run.hour + 24 - HOURS_BEFORE_EXPORT, minute: run.minute };
  return { dayOfMonth: 1, hour: 0, minute: 0 };
}
