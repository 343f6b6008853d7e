import { z } from '@hono/zod-openapi';
import { EMAIL_PATTERN, NOT_BLANK_PATTERN, timezoneSchema } from './common.js';

export const companyInputSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200).openapi({ pattern: NOT_BLANK_PATTERN, description: 'Not blank; trimmed.' }),
    managerEmails: z
      .array(
        z
          .string()
          .trim()
          .toLowerCase()
          .pipe(z.email('must be an email address'))
          .openapi({ format: 'email', pattern: EMAIL_PATTERN, description: 'Trimmed and lower-cased before it is stored.', example: 'hr@acme.example' }),
      )
      .min(1, 'at least one manager receives the sync summary')
      .max(100),
    locale: z.enum(['de', 'en']).default('de'),
    timezone: timezoneSchema.default('Europe/Berlin'),
    /** Payroll of month P closes on this day of month P+1 (company time zone): later syncs of P are refused. null = no guard. */
    payrollCutoffDay: z.number().int().min(1, 'must be 1–28').max(28, 'must be 1–28').nullable().default(null),
    approval: z
      .enum(['none', 'required'])
      .default('none')
      .openapi({ description: '`required`: every sync is previewed and waits until a second person (not the one who started it) approves it; nothing is written before.' }),
    approvalReminderAfterHours: z
      .number()
      .int()
      .min(1, 'must be 1–720')
      .max(720, 'must be 1–720')
      .default(24)
      .openapi({
        description: 'A sync awaiting approval reminds the managers once after this long. Must be less than approvalExpiresAfterHours (its default 72 when absent), else 400.',
      }),
    approvalExpiresAfterHours: z.number().int().min(1, 'must be 1–720').max(720, 'must be 1–720').default(72).openapi({ description: 'A sync not approved within this long expires (status `expired`, nothing written).' }),
  })
  .strict()
  .refine((company) => company.approvalReminderAfterHours < company.approvalExpiresAfterHours, {
    path: ['approvalReminderAfterHours'],
    message: 'must be less than approvalExpiresAfterHours',
  })
  .openapi('CompanyInput', {
    description:
      'approvalReminderAfterHours must be less than approvalExpiresAfterHours (defaults applied), else 400: JSON Schema cannot compare two properties, the extension keyword x-property-less-than states it.',
    'x-property-less-than': { approvalReminderAfterHours: 'approvalExpiresAfterHours' },
  });

const checkIdSchema = z.enum(['credentials', 'persons_readable', 'email_readable', 'compensation_types_readable', 'compensations_writable']);

const connectionCheckSchema = z.object({
  id: checkIdSchema,
  ok: z.boolean(),
  status: z.enum(['passed', 'failed', 'not_checked']),
  message: z.string(),
  judgedFrom: z
    .enum(['granted_scopes'])
    .optional()
    .openapi({ description: 'Set when the check was not exercised by a call: write rights are judged from the granted scopes (a test write would be a real payment).' }),
});

export const personioConnectionSchema = z
  .object({
    status: z.enum(['ok', 'broken', 'unknown']).openapi({ description: '`unknown` until a test decided it (and while no credentials are stored); a test that could not reach Personio changes nothing.' }),
    checkedAt: z.string().nullable().openapi({ description: 'When a test last decided the status.' }),
    failingChecks: z.array(checkIdSchema),
    since: z.string().nullable().openapi({ description: 'Since when the status holds.' }),
  })
  .openapi('PersonioConnection', {
    description: 'Kept by every connection test (the daily health check, the check a few hours before a scheduled export, POST …/connection-test). A change to broken mails the managers once and sends personio_connection.broken; back to ok mails once and sends personio_connection.restored.',
  });

export const connectionTestResultSchema = z
  .object({
    ok: z.boolean(),
    unreachable: z.boolean(),
    checks: z.array(connectionCheckSchema),
    testedAt: z.string(),
    personioTraceId: z.string().optional(),
    personioConnection: personioConnectionSchema.optional().openapi({ description: 'The company’s connection status after this test.' }),
  })
  .openapi('ConnectionTestResult');

export const companySchema = z
  .object({
    companyId: z.string(),
    name: z.string(),
    managerEmails: z.array(z.string()),
    locale: z.enum(['de', 'en']),
    timezone: z.string(),
    payrollCutoffDay: z.number().nullable(),
    approval: z.enum(['none', 'required']),
    approvalReminderAfterHours: z.number(),
    approvalExpiresAfterHours: z.number(),
    personio: z.object({ clientId: z.string(), hasSecret: z.boolean() }).nullable(),
    lastConnectionTest: connectionTestResultSchema.nullable(),
    personioConnection: personioConnectionSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Company');

export const credentialsInputSchema = z
  .object({
    clientId: z.string().trim().min(1, 'must not be empty').max(200).openapi({ pattern: NOT_BLANK_PATTERN, description: 'Not blank; trimmed.' }),
    clientSecret: z.string().min(1, 'must not be empty').max(1000),
  })
  .strict()
  .openapi('PersonioCredentialsInput');

/** A finished connection test, as POST …/connection-test and GET …/connection-tests/{testId} answer it. */
export const connectionTestFinishedSchema = connectionTestResultSchema.extend({ testId: z.string(), status: z.literal('completed') }).openapi('ConnectionTest');
