// Preview of a sync's summary email: the very HTML (or text part) the managers get, rendered on demand.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { loadSummary } from '../../email/summary-data.js';
import { renderSyncSummary } from '../../email/render.js';
import { requireCompany } from '../company-guard.js';
import type { ApiDeps } from '../deps.js';
import { ApiProblem } from '../problem.js';
import { companyIdSchema, problemResponses, problemSchema } from '../schemas/common.js';
import { syncIdSchema } from '../schemas/payroll-syncs.js';

const params = z.object({ companyId: companyIdSchema, syncId: syncIdSchema });
const query = z.object({
  format: z.enum(['html', 'text']).default('html').openapi({ description: '`html` (default) or `text`, the plain-text alternative' }),
});


export function registerSummaryEmailRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const platformBaseUrl = deps.config.platformBaseUrl;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/companies/{companyId}/payroll-syncs/{syncId}/summary-email',
      operationId: 'getSyncSummaryEmail',
      tags: ['Payroll syncs'],
      summary: "Preview of the sync's summary email to the managers (HTML, or the text part with ?format=text)",
      request: { params, query },
      responses: {
        200: {
          description: 'The rendered email',
          content: { 'text/html': { schema: z.string() }, 'text/plain': { schema: z.string() } },
        },
        ...problemResponses,
        409: { description: 'The sync has not finished yet (running, or awaiting approval)', content: { 'application/problem+json': { schema: problemSchema } } },
      },
    }),
    async (c) => {
      const { companyId, syncId } = c.req.valid('param');
      const { format } = c.req.valid('query');
      await requireCompany(deps.db, companyId);
      const loaded = await loadSummary(deps.db, syncId, { platformBaseUrl, companyId });
      if (!loaded) throw new ApiProblem(404, 'Not Found', { detail: `No sync ${syncId} for company ${companyId}.`, errors: [{ field: 'syncId', reason: 'unknown sync' }] });
      // Awaiting approval is not finished either: the summary says how it ended (written, rejected, expired).
      if (loaded.run.status === 'running' || loaded.run.status === 'awaiting_approval') {
        const state = loaded.run.status === 'running' ? 'is still running' : 'is awaiting approval';
        throw new ApiProblem(409, 'Sync still running', { detail: `Sync ${syncId} ${state}; its summary exists once it has finished.`, runningSyncId: syncId, syncStatus: loaded.run.status });
      }
      const mail = await renderSyncSummary(loaded.input);
      const headers = {
        'x-content-type-options': 'nosniff',
        // The preview is opened in a browser: no scripts, no outside requests, whatever the data holds.
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'",
        'x-email-subject': encodeURIComponent(mail.subject),
      };
      if (format === 'text') return c.body(mail.text, 200, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      return c.body(mail.html, 200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
    },
  );
}
