import { z } from '@hono/zod-openapi';
import { NOT_BLANK_PATTERN, problemSchema } from './common.js';

const BENEFIT_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const BENEFIT_KEY_PATTERN = BENEFIT_KEY.source;

export const benefitKeySchema = z.string().regex(BENEFIT_KEY, 'must be 1–64 letters, digits, "_", "." or "-"');

export const benefitMappingSchema = z
  .object({
    benefitKey: benefitKeySchema,
    benefitName: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').openapi({ pattern: NOT_BLANK_PATTERN, description: 'Not blank; trimmed.' }),
    compensationTypeId: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .openapi({ pattern: NOT_BLANK_PATTERN, description: 'A ONE_TIME compensation type of the company in Personio (else 422); null: found or created by name.' })
      .nullable(),
  })
  .strict()
  .openapi('BenefitMapping');

export const benefitMappingsInputSchema = z
  .array(benefitMappingSchema)
  .max(200)
  .superRefine((mappings, ctx) => {
    const seen = new Map<string, number>();
    mappings.forEach((mapping, index) => {
      const key = mapping.benefitKey.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [index, 'benefitKey'], message: `duplicates the benefitKey of item ${first}` });
      } else seen.set(key, index);
    });
  })
  .openapi('BenefitMappingsInput', {
    uniqueItems: true,
    'x-unique-item-properties': ['benefitKey'],
    description:
      'Each benefitKey at most once, compared case-insensitively (a repeat is a 400 naming it). JSON Schema can only say that the items differ (uniqueItems); the extension keyword x-unique-item-properties names the property that must differ.',
  });

/** 422: a mapped type Personio does not have, or one that is not ONE_TIME — each named with its category. */
export const unmappableTypesProblemSchema = problemSchema
  .extend({
    types: z.array(z.object({ benefitKey: z.string(), compensationTypeId: z.string(), name: z.string().nullable(), category: z.string().nullable() })),
  })
  .openapi('UnmappableTypesProblem');

/** The stored mapping set, as GET and PUT answer it. */
export const benefitMappingsSchema = z.array(benefitMappingSchema).openapi('BenefitMappings');
