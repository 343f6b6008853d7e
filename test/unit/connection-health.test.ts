// How a connection test decides the status, when a change is announced, and when the check before an export runs.
import { describe, expect, it } from 'vitest';
import type { ConnectionCheck } from '../../contracts/connection-test.js';
import { announcedStatus, checkBeforeExport, decideStatus, transitionFor } from '../../payroll/connection-health.js';

const check = (id: ConnectionCheck['id'], status: ConnectionCheck['status']): ConnectionCheck => ({ id, status, ok: status === 'passed', message: '' });
const allPassed = [check('credentials', 'passed'), check('persons_readable', 'passed'), check('email_readable', 'passed'), check('compensation_types_readable', 'passed'), check('compensations_writable', 'passed')];

describe('connection status of a test', () => {
  it('is ok when every check passed, and broken with the failed checks otherwise', () => {
    expect(decideStatus({ unreachable: false, checks: allPassed }, false)).toEqual({ status: 'ok', failingChecks: [] });
    const noWrite = [...allPassed.slice(0, 4), check('compensations_writable', 'failed')];
    expect(decideStatus({ unreachable: false, checks: noWrite }, false)).toEqual({ status: 'broken', failingChecks: ['compensations_writable'] });
  });

  it('counts a check that could not run (no employees yet) as no failure', () => {
    const noPersons = allPassed.map((c) => (c.id === 'email_readable' ? check('email_readable', 'not_checked') : c));
    expect(decideStatus({ unreachable: false, checks: noPersons }, false)?.status).toBe('ok');
  });

  it('decides nothing when Personio did not answer, and unknown without stored credentials', () => {
    expect(decideStatus({ unreachable: true, checks: [check('credentials', 'failed')] }, false)).toBeNull();
    expect(decideStatus({ unreachable: false, checks: [check('credentials', 'failed')] }, true)).toEqual({ status: 'unknown', failingChecks: ['credentials'] });
  });
});

describe('announcements', () => {
  it('announces broken once, then restored once, alternating', () => {
    expect(transitionFor(0, 'ok')).toBeNull();
    expect(transitionFor(0, 'broken')).toBe('broken');
    expect(announcedStatus(1)).toBe('broken');
    expect(transitionFor(1, 'broken')).toBeNull();
    expect(transitionFor(1, 'ok')).toBe('restored');
    expect(transitionFor(2, 'ok')).toBeNull();
    expect(transitionFor(2, 'broken')).toBe('broken');
  });

  it('never announces unknown (credentials removed), and a broken connection that comes back after it is still restored', () => {
    expect(transitionFor(0, 'unknown')).toBeNull();
    expect(transitionFor(1, 'unknown')).toBeNull();
    expect(transitionFor(1, 'ok')).toBe('restored');
  });
});

describe('the check before a scheduled export', () => {
  it('runs three hours earlier the same day', () => {
    expect(checkBeforeExport({ dayOfMonth: 5, hour: 10, minute: 30 })).toEqual({ dayOfMonth: 5, hour: 7, minute: 30 });
  });
  it('runs the evening before an export in the small hours', () => {
    expect(checkBeforeExport({ dayOfMonth: 5, hour: 1, minute: 15 })).toEqual({ dayOfMonth: 4, hour: 22, minute: 15 });
  });
  it('runs at midnight before an export in the small hours of day 1 (the day before differs by month)', () => {
    expect(checkBeforeExport({ dayOfMonth: 1, hour: 2, minute: 0 })).toEqual({ dayOfMonth: 1, hour: 0, minute: 0 });
  });
});
