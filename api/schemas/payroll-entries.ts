import { z } from '@hono/zod-openapi';
import { PERIOD_PATTERN } from '../../payroll/period.js';
import {
  DEFAULT_CURRENCY,
  ENTRIES_NOT_ARRAY_REASON,
  MAX_ENTRIES_PER_REQUEST,
  MAX_LISTED_ERRORS,
  TOO_MANY_ENTRIES_REASON,
} from '../../payroll/entry-validation.js';
import { companyIdSchema, EMAIL_PATTERN } from './common.js';
import { BENEFIT_KEY_PATTERN } from './benefit-mappings.js';

/**
 * An amount as a decimal string, as the validator reads it (payroll/entry-validation.ts): greater than 0, at most
 * 1000000.00, at most two decimals. The validator also takes leading zeros and surrounding blanks; the document
 * states the plain form.
 */
export const AMOUNT_TEXT_PATTERN = '^(?:1000000(?:\\.0{1,2})?|[1-9]\\d{0,5}(?:\\.\\d{1,2})?|0\\.(?:[1-9]\\d?|0[1-9]))$';

export const PERIOD_REASON = 'must be a calendar month written YYYY-MM, such as 2025-01';

/**
 * Checked in the handler (not here) so that a bad period is a 400 naming `period` on GET too; the hook
 * answers 404 for bad path parameters of a GET.
 */
export const periodParamSchema = z.string().openapi({
  param: { name: 'period', in: 'path' },
  pattern: PERIOD_PATTERN.source,
  example: '2026-10',
  description: 'Payroll period, YYYY-MM, from 2000-01 to December ten years ahead (outside that window: 422).',
});

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
    employeeEmail: {
      type: 'string',
      format: 'email',
      pattern: EMAIL_PATTERN,
      maxLength: 254,
      description: 'Trimmed and lower-cased before it is stored and compared.',
      example: 'anna.schmidt@acme.example',
    },
    benefitKey: {
      type: 'string',
      pattern: BENEFIT_KEY_PATTERN,
      description: "A benefitKey of the company's benefit mappings (matched case-insensitively); a key the company has not mapped is a 422.",
      example: 'meal',
    },
    amount: {
      anyOf: [
        { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000, multipleOf: 0.01 },
        { type: 'string', pattern: AMOUNT_TEXT_PATTERN },
      ],
      description: 'Greater than 0, at most 1000000.00, at most 2 decimal places: a JSON number, or the same as a decimal string.',
      example: '12.50',
    },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', default: DEFAULT_CURRENCY, description: 'ISO 4217; every row of a period has the same currency.' },
  },
});

export const putEntriesBodySchema = z
  .object({
    entries: z
      .array(payrollEntryInputSchema, { error: ENTRIES_NOT_ARRAY_REASON })
      .max(MAX_ENTRIES_PER_REQUEST, TOO_MANY_ENTRIES_REASON)
      .openapi({
        uniqueItems: true,
        'x-unique-item-properties': ['employeeEmail', 'benefitKey'],
        'x-same-item-property': 'currency',
        description:
          'Each employee and benefit at most once (emails and keys compared trimmed and case-insensitively), and one currency for all rows (a row without currency is EUR): else 400 naming the row. JSON Schema cannot say either; the extension keywords x-unique-item-properties and x-same-item-property do.',
      }),
  })
  .strict()
  .openapi('PayrollEntriesInput');

export const entriesQuerySchema = z.object({
  offset: z.coerce
    .number()
    .int('must be an integer')
    .min(0, 'must be 0 or more')
    .default(0)
    .openapi({ param: { name: 'offset', in: 'query' }, type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0, example: 0 }),
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
