// The connection test's and the type list's workflow contracts.

export type ConnectionCheckId = 'credentials' | 'persons_readable' | 'email_readable' | 'compensation_types_readable' | 'compensations_writable';

export interface ConnectionCheck {
  id: ConnectionCheckId;
  ok: boolean;
  /** `not_checked` when an earlier failure makes this check impossible (e.g. no token, no persons). */
  status: 'passed' | 'failed' | 'not_checked';
  message: string;
  /** How the check was decided when not by a call that exercised it: `compensations_writable` is judged from the granted scopes. */
  judgedFrom?: 'granted_scopes';
}

export interface ConnectionTestInput {
  companyId: string;
  /** Absent in tests started before triggers existed: treated as `api`. */
  trigger?: ConnectionTestTrigger;
}

export interface ConnectionTestResult {
  ok: boolean;
  unreachable: boolean;
  checks: ConnectionCheck[];
  testedAt: string;
  personioTraceId?: string;
  /** The company's connection status after this test (absent in results of tests from before connection health). */
  personioConnection?: PersonioConnectionState;
}

/** What the test activity answers its workflow: the result, and the transition this test decided, which the workflow announces. */
export interface ConnectionTestOutcome extends ConnectionTestResult {
  transition?: ConnectionTransition;
}

/** The sync's guard: go on, or (the connection was broken and still is) fail fast with this reason. */
export interface ConnectionGuardOutcome {
  usable: boolean;
  reason?: string;
  failingChecks?: ConnectionCheckId[];
  /** The re-test found it working again: the sync announces it. */
  transition?: ConnectionTransition;
}

export interface CompensationTypesInput {
  companyId: string;
}

/** A Personio compensation type as the benefit-mapping dropdown shows it. */
export interface CompensationTypeOption {
  id: string;
  name: string;
  category: string | null;
  /** Monthly benefits go to ONE_TIME types only (see payroll/benefit-types.ts). */
  suitableForBenefits: boolean;
  unsuitableReason: string | null;
}

/** Who started a connection test: a person (API), the daily health check, or the check before a scheduled export. */
export type ConnectionTestTrigger = 'api' | 'health_check' | 'sync_guard';

export type PersonioConnectionStatus = 'ok' | 'broken' | 'unknown';

/** A company's Personio connection as the last decisive connection test left it (an unreachable Personio decides nothing). */
export interface PersonioConnectionState {
  status: PersonioConnectionStatus;
  /** When the status was last decided (ISO 8601); null before the first test. */
  checkedAt: string | null;
  failingChecks: ConnectionCheckId[];
  /** Since when the status holds (ISO 8601). */
  since: string | null;
}

/** A change between ok and broken, announced once (email, webhook). `seq` counts the company's transitions from 1. */
export interface ConnectionTransition {
  transitionId: string;
  companyId: string;
  seq: number;
  kind: 'broken' | 'restored';
  at: string;
  failingChecks: ConnectionCheckId[];
  /** For `restored`: when it broke. */
  brokenSince?: string;
}
