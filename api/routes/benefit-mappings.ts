import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { collections } from '../../db/collections.js';
import { requireCompany } from '../company-guard.js';
import type { ApiDeps } from '../deps.js';
import { companyParams, problemResponses } from '../schemas/common.js';
import { benefitMappingSchema, benefitMappingsInputSchema } from '../schemas/benefit-mappings.js';

const mappingsResponse = {
  description: 'The mapping set',
  content: { 'application/json': { schema: z.array(benefitMappingSchema) } },
} as const;

export function registerBenefitMappingRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const { benefitMappings } = collections(deps.db);

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/companies/{companyId}/benefit-mappings',
      tags: ['Benefit mappings'],
      summary: 'Replace the mapping of benefits to Personio compensation types',
      description: 'compensationTypeId null: the first sync looks up a ONE_TIME type named benefitName, or creates it.',
      request: { params: companyParams, body: { required: true, content: { 'application/json': { schema: benefitMappingsInputSchema } } } },
      responses: { 200: mappingsResponse, ...problemResponses },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      const mappings = c.req.valid('json');
      const company = await requireCompany(deps.db, companyId);
      // One document per company: the whole set is replaced atomically, never half written.
      await benefitMappings.updateOne(
        { _id: companyId },
        { $set: { mappings, updatedAt: new Date() }, $inc: { version: 1 } },
        { upsert: true },
      );
      return c.json(mappings, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/companies/{companyId}/benefit-mappings',
      tags: ['Benefit mappings'],
      summary: 'The mapping of benefits to Personio compensation types',
      request: { params: companyParams },
      responses: { 200: mappingsResponse, ...problemResponses },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      await requireCompany(deps.db, companyId);
      const doc = await benefitMappings.findOne({ _id: companyId });
      return c.json(
        (doc?.mappings ?? []).map(({ benefitKey, benefitName, compensationTypeId }) => ({ benefitKey, benefitName, compensationTypeId })),
        200,
      );
    },
  );
}
