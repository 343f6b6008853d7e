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
}

export interface ConnectionTestResult {
  ok: boolean;
  unreachable: boolean;
  checks: ConnectionCheck[];
  testedAt: string;
  personioTraceId?: string;
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
