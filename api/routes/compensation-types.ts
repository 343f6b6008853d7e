import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { fetchCompensationTypes } from '../compensation-types.js';
import { requireCompany } from '../company-guard.js';
import type { ApiDeps } from '../deps.js';
import { companyParams, problemResponses } from '../schemas/common.js';

const compensationTypeOptionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    category: z.string().nullable(),
    suitableForBenefits: z.boolean().openapi({ description: 'Whether a benefit can be mapped to this type: ONE_TIME types only.' }),
    unsuitableReason: z.string().nullable().openapi({ description: 'Why the type cannot take benefit amounts (null when it can).' }),
  })
  .openapi('CompensationTypeOption');

export function registerCompensationTypeRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/companies/{companyId}/personio/compensation-types',
      tags: ['Personio connection'],
      summary: 'The company’s Personio compensation types, for the benefit-mapping dropdown',
      description: 'Fetched by the worker (a short workflow), never by the API process itself.',
      request: { params: companyParams },
      responses: {
        200: { description: 'Types, sorted by name', content: { 'application/json': { schema: z.object({ compensationTypes: z.array(compensationTypeOptionSchema) }) } } },
        ...problemResponses,
      },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      await requireCompany(deps.db, companyId);
      return c.json({ compensationTypes: await fetchCompensationTypes(deps, companyId) }, 200);
    },
  );
}
