import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Db } from 'mongodb';
import { APPROVAL_DEFAULTS, companyCollections, deleteCredentials, forgetConnectionTest, upsertCompany, type CompanyDoc } from '../../db/companies.js';
import { connectionStateView } from '../../db/connection-health.js';
import { refreshHealthSchedule } from '../connection-health-schedules.js';
import { saveCredentials } from '../../security/credentials-store.js';
import { requireCompany } from '../company-guard.js';
import { ApiProblem } from '../problem.js';
import type { ApiDeps } from '../deps.js';
import { bodyProblemResponses, companyParams, problemResponses } from '../schemas/common.js';
import { companyLinks, credentialsLinks, type Links } from '../schemas/links.js';
import { companyInputSchema, companySchema, credentialsInputSchema } from '../schemas/company.js';

async function companyView(db: Db, company: CompanyDoc) {
  const creds = await companyCollections(db).personioCredentials.findOne({ _id: company._id }, { projection: { clientId: 1 } });
  return {
    companyId: company._id,
    name: company.name,
    managerEmails: company.managerEmails,
    locale: company.locale,
    timezone: company.timezone,
    payrollCutoffDay: company.payrollCutoffDay ?? null,
    approval: company.approval ?? 'none',
    approvalReminderAfterHours: company.approvalReminderAfterHours ?? APPROVAL_DEFAULTS.reminderAfterHours,
    approvalExpiresAfterHours: company.approvalExpiresAfterHours ?? APPROVAL_DEFAULTS.expiresAfterHours,
    // The secret is never returned, only whether one is stored.
    personio: creds ? { clientId: creds.clientId, hasSecret: true } : null,
    lastConnectionTest: company.lastConnectionTest ?? null,
    personioConnection: connectionStateView(company.personioConnection),
    createdAt: company.createdAt.toISOString(),
    updatedAt: company.updatedAt.toISOString(),
  };
}

const json = (schema: typeof companySchema, description: string, links?: Links) => ({ description, content: { 'application/json': { schema } }, ...(links ? { links } : {}) });

export function registerCompanyRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const healthCtx = { temporal: deps.temporal, interactiveTaskQueue: deps.config.interactiveTaskQueue };
  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/companies/{companyId}',
      operationId: 'putCompany',
      tags: ['Companies'],
      summary: 'Create or update a company',
      request: { params: companyParams, body: { required: true, content: { 'application/json': { schema: companyInputSchema } } } },
      responses: { 200: json(companySchema, 'The company', companyLinks('$response.body#/companyId')), ...problemResponses, ...bodyProblemResponses },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      const input = c.req.valid('json');
      const company = await upsertCompany(deps.db, companyId, input);
      // The health checks run in the company's time zone.
      await refreshHealthSchedule(healthCtx, deps.db, companyId);
      return c.json(await companyView(deps.db, company), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/companies/{companyId}',
      operationId: 'getCompany',
      tags: ['Companies'],
      summary: 'Read a company (the Personio secret is never returned)',
      request: { params: companyParams },
      responses: { 200: json(companySchema, 'The company'), ...problemResponses },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      const company = await requireCompany(deps.db, companyId);
      return c.json(await companyView(deps.db, company), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/companies/{companyId}/personio-credentials',
      operationId: 'putPersonioCredentials',
      tags: ['Companies'],
      summary: 'Store the Personio client ID and secret (encrypted at rest)',
      request: { params: companyParams, body: { required: true, content: { 'application/json': { schema: credentialsInputSchema } } } },
      responses: {
        200: json(companySchema, 'The company, showing clientId and hasSecret', credentialsLinks('$response.body#/companyId')),
        ...problemResponses,
        ...bodyProblemResponses,
      },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      const input = c.req.valid('json');
      const company = await requireCompany(deps.db, companyId);
      await saveCredentials(deps.db, deps.cipher, companyId, input);
      // A previous test result says nothing about new credentials.
      const updated = await forgetConnectionTest(deps.db, companyId);
      await refreshHealthSchedule(healthCtx, deps.db, companyId);
      return c.json(await companyView(deps.db, updated ?? company), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/companies/{companyId}/personio-credentials',
      operationId: 'deletePersonioCredentials',
      tags: ['Companies'],
      summary: 'Remove the stored Personio credentials (the company disconnects)',
      description: 'The encrypted secret is deleted, the connection status becomes unknown and the health checks stop; later syncs are refused (409, no credentials) until new credentials are stored.',
      request: { params: companyParams },
      responses: { 204: { description: 'Removed' }, ...problemResponses },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      await requireCompany(deps.db, companyId);
      if (!(await deleteCredentials(deps.db, companyId))) {
        throw new ApiProblem(404, 'Not Found', { detail: `Company "${companyId}" has no stored Personio credentials.`, errors: [{ field: 'companyId', reason: 'no credentials stored' }] });
      }
      await refreshHealthSchedule(healthCtx, deps.db, companyId);
      deps.logger.info('Personio credentials removed', { companyId });
      return c.body(null, 204);
    },
  );
}
