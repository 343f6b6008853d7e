import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { CompensationTypeOption } from '../../contracts/connection-test.js';
import { companyCollections, replaceBenefitMappings, type BenefitMapping } from '../../db/companies.js';
import { requireCompany } from '../company-guard.js';
import { fetchCompensationTypes } from '../compensation-types.js';
import type { ApiDeps } from '../deps.js';
import { ApiProblem, type FieldProblem } from '../problem.js';
import { bodyProblemResponses, companyParams, problemResponses, rateLimitedResponses } from '../schemas/common.js';
import { benefitMappingsInputSchema, benefitMappingsSchema, unmappableTypesProblemSchema } from '../schemas/benefit-mappings.js';
import { personioProblemResponses } from '../schemas/compensation-types.js';

const mappingsResponse = {
  description: 'The mapping set',
  content: { 'application/json': { schema: benefitMappingsSchema } },
} as const;

export const TYPE_NOT_MAPPABLE = 'urn:payroll-sync:problem:compensation-type-not-mappable';

/** Every mapping to a type Personio does not have, or to one that is not ONE_TIME: the field and why. */
export function unmappableTypes(mappings: readonly BenefitMapping[], types: readonly CompensationTypeOption[]) {
  const problems: (FieldProblem & { benefitKey: string; compensationTypeId: string; typeName: string | null; category: string | null })[] = [];
  mappings.forEach((m, index) => {
    if (m.compensationTypeId === null) return;
    const type = types.find((t) => t.id === m.compensationTypeId);
    const base = { field: `[${index}].compensationTypeId`, benefitKey: m.benefitKey, compensationTypeId: m.compensationTypeId };
    if (!type) problems.push({ ...base, typeName: null, category: null, reason: `Personio has no compensation type ${m.compensationTypeId}.` });
    else if (!type.suitableForBenefits) {
      problems.push({
        ...base,
        typeName: type.name,
        category: type.category,
        reason: `Benefit "${m.benefitName}" cannot be mapped to "${type.name}" (category ${type.category ?? 'unknown'}): only ONE_TIME types take monthly benefits. ${type.unsuitableReason ?? ''}`.trim(),
      });
    }
  });
  return problems;
}

export function registerBenefitMappingRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const { benefitMappings } = companyCollections(deps.db);

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/companies/{companyId}/benefit-mappings',
      operationId: 'putBenefitMappings',
      tags: ['Benefit mappings'],
      summary: 'Replace the mapping of benefits to Personio compensation types',
      description:
        'compensationTypeId null: the first sync looks up a ONE_TIME type named benefitName, or creates it. A mapped type is checked in Personio (through the worker): it must exist and be ONE_TIME, else 422.',
      request: { params: companyParams, body: { required: true, content: { 'application/json': { schema: benefitMappingsInputSchema } } } },
      responses: {
        200: {
          ...mappingsResponse,
          links: {
            GetBenefitMappings: { operationId: 'getBenefitMappings', parameters: { companyId: '$request.path.companyId' }, description: 'The mapping set' },
            PutPayrollEntries: { operationId: 'putPayrollEntries', parameters: { companyId: '$request.path.companyId' }, description: 'Upload entries of the mapped benefits' },
          },
        },
        ...problemResponses,
        ...personioProblemResponses,
        422: { description: 'A mapped type does not exist in Personio or is not ONE_TIME', content: { 'application/problem+json': { schema: unmappableTypesProblemSchema } } },
        ...bodyProblemResponses,
        ...rateLimitedResponses,
      },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      const mappings = c.req.valid('json');
      await requireCompany(deps.db, companyId);
      if (mappings.some((m) => m.compensationTypeId !== null)) {
        const problems = unmappableTypes(mappings, await fetchCompensationTypes(deps, companyId));
        if (problems.length > 0) {
          throw new ApiProblem(422, 'Compensation type not allowed', {
            type: TYPE_NOT_MAPPABLE,
            detail: problems.map((p) => p.reason).join(' '),
            errors: problems.map(({ field, reason }) => ({ field, reason })),
            types: problems.map(({ benefitKey, compensationTypeId, typeName, category }) => ({ benefitKey, compensationTypeId, name: typeName, category })),
          });
        }
      }
      await replaceBenefitMappings(deps.db, companyId, mappings);
      return c.json(mappings, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/companies/{companyId}/benefit-mappings',
      operationId: 'getBenefitMappings',
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
