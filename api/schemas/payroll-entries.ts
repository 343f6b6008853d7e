import { z } from '@hono/zod-openapi';
import { PERIOD_PATTERN } from '../../payroll/period.js';
import {
  DEFAULT_CURRENCY,
  ENTRIES_NOT_ARRAY_REASON,
  MAX_ENTRIES_PER_REQUEST,
  MAX_LISTED_ERRORS,
  TOO_MANY_ENTRIES_REASON,
} from '../../payroll/entry-validation.js';
import { companyIdSchema } from './common.js';

export const PERIOD_REASON = 'must be a calendar month written YYYY-MM, such as 2025-01';

/**
 * Checked in the handler (not here) so that a bad period is a 400 naming `period` on GET too; the hook
 * answers 404 for bad path parameters of a GET.
 */
export const periodParamSchema = z
  .string()
  .openapi({ param: { name: 'period', in: 'path' }, pattern: PERIOD_PATTERN.source, example: '2025-01', description: 'Payroll period, YYYY-MM' });

export const entriesParams = z.object({ companyId: companyIdSchema, period: periodParamSchema });

/**
 * One row as documented in OpenAPI. Rows are validated by hand (payroll/entry-validation.ts) so that every
 * bad row is reported with its index and 50,000 rows validate in milliseconds; zod only checks the envelope.
 */
export const payrollEntryInputSchema = z.unknown().openapi('PayrollEntryInput', {
  type: 'object',
  additionalProperties: false,
  required: ['employeeEmail', 'benefitKey', 'amount'],
  properties: {
    employeeEmail: { type: 'string', format: 'email', description: 'Trimmed and lower-cased before it is stored and compared.', example: 'anna.schmidt@acme.example' },
    benefitKey: { type: 'string', description: 'A benefitKey of the company\'s benefit mappings (matched case-insensitively).', example: 'meal' },
    amount: {
      anyOf: [
        { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000 },
        { type: 'string', pattern: '^\\d+(\\.\\d{1,2})?$' },
      ],
      description: 'Greater than 0, at most 1000000.00, at most 2 decimal places.',
      example: '12.50',
    },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', default: DEFAULT_CURRENCY, description: 'ISO 4217; every row of a period has the same currency.' },
  },
});

export const putEntriesBodySchema = z
  .object({
    entries: z.array(payrollEntryInputSchema, { error: ENTRIES_NOT_ARRAY_REASON }).max(MAX_ENTRIES_PER_REQUEST, TOO_MANY_ENTRIES_REASON),
  })
  .strict()
  .openapi('PayrollEntriesInput');

export const entriesQuerySchema = z.object({
  offset: z.coerce
    .number()
    .int('must be an integer')
    .min(0, 'must be 0 or more')
    .default(0)
    .openapi({ param: { name: 'offset', in: 'query' }, type: 'integer', example: 0 }),
  limit: z.coerce
    .number()
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(100)
    .openapi({ param: { name: 'limit', in: 'query' }, example: 100 }),
});

export const benefitEntryTotalSchema = z
  .object({
    benefitKey: z.string(),
    entries: z.number().int(),
    amount: z.string().openapi({ example: '123.45' }),
    amountCents: z.number().int(),
  })
  .openapi('BenefitEntryTotal');

export const entrySetSummarySchema = z
  .object({
    companyId: z.string(),
    period: z.string(),
    entrySetId: z.string(),
    entryCount: z.number().int(),
    currency: z.string(),
    totals: z.array(benefitEntryTotalSchema),
  })
  .openapi('PayrollEntrySet');

export const storedEntrySchema = z
  .object({
    index: z.number().int(),
    employeeEmail: z.string(),
    benefitKey: z.string(),
    amount: z.string().openapi({ example: '12.50' }),
    amountCents: z.number().int(),
    currency: z.string(),
  })
  .openapi('PayrollEntry');

export const entriesPageSchema = z
  .object({
    companyId: z.string(),
    period: z.string(),
    entrySetId: z.string(),
    entryCount: z.number().int(),
    chunkCount: z.number().int(),
    currency: z.string(),
    updatedAt: z.string(),
    offset: z.number().int(),
    limit: z.number().int(),
    nextOffset: z.number().int().nullable(),
    entries: z.array(storedEntrySchema),
  })
  .openapi('PayrollEntriesPage');

export const entriesProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ index: z.number().int().optional(), field: z.string(), reason: z.string() })).optional(),
    errorCount: z.number().int().optional().openapi({ description: `Total problems; at most ${MAX_LISTED_ERRORS} are listed in errors.` }),
  })
  .openapi('PayrollEntriesProblem');
