import { z } from '@hono/zod-openapi';
import { problemSchema } from './common.js';

export const compensationTypeOptionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    category: z.string().nullable(),
    suitableForBenefits: z.boolean().openapi({ description: 'Whether a benefit can be mapped to this type: ONE_TIME types only.' }),
    unsuitableReason: z.string().nullable().openapi({ description: 'Why the type cannot take benefit amounts (null when it can).' }),
  })
  .openapi('CompensationTypeOption');

export const compensationTypeListSchema = z.object({ compensationTypes: z.array(compensationTypeOptionSchema) }).openapi('CompensationTypeList');

/** A Personio answer the worker got while serving the request (502: refused, 503: unreachable). */
export const personioProblemSchema = problemSchema
  .extend({
    personioErrorKind: z.string().optional(),
    missingScope: z.string().optional(),
    personioTraceId: z.string().optional(),
  })
  .openapi('PersonioProblem');

/** Statuses of a route that asks Personio through the worker. */
export const personioProblemResponses = {
  409: { description: 'No Personio credentials are stored for the company', content: { 'application/problem+json': { schema: problemSchema } } },
  502: { description: 'Personio refused the request', content: { 'application/problem+json': { schema: personioProblemSchema } } },
  503: { description: 'Personio could not be reached', content: { 'application/problem+json': { schema: personioProblemSchema } } },
} as const;
