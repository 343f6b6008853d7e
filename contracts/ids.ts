// Every workflow and schedule id and workflow type name, built in one place. The payroll sync's id is the lock
// that allows one sync per company and period, whatever starts it (API, schedule, retry).

export const WORKFLOW_TYPES = {
  payrollSync: 'payrollSync',
  scheduledPayrollSync: 'scheduledPayrollSync',
  connectionTest: 'connectionTest',
  listCompensationTypes: 'listCompensationTypes',
  dataRetention: 'dataRetention',
} as const;

/** The one schedule of the service itself (not of a company): the daily data retention. */
export const dataRetentionScheduleId = 'data-retention';

/** The one-sync-per-company-and-period lock. */
export const payrollSyncWorkflowId = (companyId: string, period: string) => `payroll-sync:${companyId}:${period}`;
/** One dry run per company and period at a time: it writes nothing, but it spends the credential's Personio budget. */
export const dryRunWorkflowId = (companyId: string, period: string) => `payroll-dry-run:${companyId}:${period}`;
/** The preview of a sync awaiting approval (a dry run of its own, under the sync's lock). */
export const previewWorkflowId = (companyId: string, period: string, previewSyncId: string) => `payroll-preview:${companyId}:${period}:${previewSyncId}`;
export const connectionTestWorkflowId = (companyId: string, testId: string) => `connection-test:${companyId}:${testId}`;
export const compensationTypesWorkflowId = (companyId: string, requestId: string) => `compensation-types:${companyId}:${requestId}`;
export const payrollScheduleId = (companyId: string) => `payroll-schedule:${companyId}`;
/** Temporal appends the scheduled time to it. */
export const scheduledRunWorkflowId = (companyId: string) => `payroll-schedule-run:${companyId}`;
/** The company's Personio connection health check: daily, and a few hours before each scheduled export. */
export const connectionHealthScheduleId = (companyId: string) => `personio-health:${companyId}`;
/** Temporal appends the scheduled time to it. */
export const connectionHealthRunWorkflowId = (companyId: string) => `personio-health-run:${companyId}`;
