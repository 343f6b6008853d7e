// The API's answers as its own zod schemas document them (api/schemas/*.ts), for `h.apiAs(schema, …)`.
export { benefitMappingsSchema, unmappableTypesProblemSchema } from '../../api/schemas/benefit-mappings.js';
export { problemSchema } from '../../api/schemas/common.js';
export { companySchema, connectionTestFinishedSchema } from '../../api/schemas/company.js';
export { compensationTypeListSchema } from '../../api/schemas/compensation-types.js';
export { entriesPageSchema, entriesProblemSchema, entrySetSummarySchema } from '../../api/schemas/payroll-entries.js';
export { scheduleViewSchema } from '../../api/schemas/payroll-schedule.js';
export {
  failedSyncListSchema,
  syncConflictProblemSchema,
  syncDetailSchema,
  syncListSchema,
  syncStartedSchema,
  syncSummarySchema,
} from '../../api/schemas/payroll-syncs.js';
export {
  createdWebhookEndpointSchema,
  webhookDeliveryPageSchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
} from '../../api/schemas/webhook-endpoints.js';
