import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { fetchCompensationTypes } from '../compensation-types.js';
import { requireCompany } from '../company-guard.js';
import type { ApiDeps } from '../deps.js';
import { companyParams, problemResponses, rateLimitedResponses } from '../schemas/common.js';
import { compensationTypeListSchema, personioProblemResponses } from '../schemas/compensation-types.js';


export function registerCompensationTypeRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/companies/{companyId}/personio/compensation-types',
      operationId: 'listCompensationTypes',
      tags: ['Personio connection'],
      summary: 'The company’s Personio compensation types, for the benefit-mapping dropdown',
      description: 'Fetched by the worker (a short workflow), never by the API process itself.',
      request: { params: companyParams },
      responses: {
        200: { description: 'Types, sorted by name', content: { 'application/json': { schema: compensationTypeListSchema } } },
        ...problemResponses,
        ...personioProblemResponses,
        ...rateLimitedResponses,
      },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      await requireCompany(deps.db, companyId);
      return c.json({ compensationTypes: await fetchCompensationTypes(deps, companyId) }, 200);
    },
  );
}
