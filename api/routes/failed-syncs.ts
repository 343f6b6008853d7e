import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { syncRunCollections } from '../../db/sync-runs.js';
import { settleEndedRuns } from '../ended-runs.js';
import type { ApiDeps } from '../deps.js';
import { problemResponses } from '../schemas/common.js';
import { syncLinks } from '../schemas/links.js';
import { failedSyncListSchema } from '../schemas/payroll-syncs.js';
import { syncSummaryView } from '../sync-views.js';

const querySchema = z.object({
  status: z
    .string()
    .regex(/^(failed|partially_failed)(,(failed|partially_failed))?$/, 'must be failed, partially_failed or both, comma-separated')
    .default('failed,partially_failed'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Operators' view across companies, from the export log in MongoDB (see README: why not Temporal visibility). */
/** Running runs checked against Temporal per call of the failed-sync list. */
const SETTLE_AT_MOST = 200;

export function registerFailedSyncRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/payroll-syncs',
      operationId: 'listFailedPayrollSyncs',
      tags: ['Operations'],
      summary: 'Failed and partially failed syncs across companies, newest first, each with its retry link',
      request: { query: querySchema },
      responses: {
        200: {
          description: 'Syncs',
          content: { 'application/json': { schema: failedSyncListSchema } },
          // The newest one's operations (each item's links carry the others' paths).
          links: syncLinks('$response.body#/items/0/syncId', '$response.body#/items/0/companyId'),
        },
        ...problemResponses,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const statuses = query.status.split(',') as ('failed' | 'partially_failed')[];
      // Runs whose workflow was terminated or timed out are failed too, though nothing recorded it yet.
      if (statuses.includes('failed')) await settleEndedRuns(deps, await syncRunCollections(deps.db).syncRuns.find({ status: 'running' }).limit(SETTLE_AT_MOST).toArray());
      const runs = await syncRunCollections(deps.db)
        .syncRuns.find({ status: { $in: statuses } })
        .sort({ startedAt: -1 })
        .limit(query.limit)
        .toArray();
      const config = { temporalUiUrl: deps.config.temporalUiUrl, temporalNamespace: deps.config.temporalNamespace };
      return c.json({ items: runs.map((run) => syncSummaryView(config, run)) }, 200);
    },
  );
}
