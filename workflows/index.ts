// Workflow entry point for the worker's bundle. Deterministic code only: no I/O, no clocks, no node modules.
export { connectionTest } from './connection-test.js';
export { listCompensationTypes } from './compensation-types.js';
export { payrollSync } from './payroll-sync.js';
export { scheduledPayrollSync } from './scheduled-payroll-sync.js';
export { publishWebhookEvent } from './webhook-event.js';
export { dataRetention } from './data-retention.js';
