import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Filter } from 'mongodb';
import { hasCredentials, type CompanyDoc } from '../../db/companies.js';
import { syncRunCollections, type SyncRunDoc } from '../../db/sync-runs.js';
import { readActiveEntrySet } from '../../db/entry-sets.js';
import { requireCompany } from '../company-guard.js';
import type { ApiDeps } from '../deps.js';
import { ApiProblem } from '../problem.js';
import { bodyProblemResponses, companyIdSchema, problemResponses, problemSchema, rateLimitedResponses } from '../schemas/common.js';
import { nextPageLink, syncLinks } from '../schemas/links.js';
import {
  periodClosedProblemSchema,
  retrySyncInputSchema,
  startSyncInputSchema,
  syncDetailQuerySchema,
  syncDetailSchema,
  syncIdSchema,
  syncListQuerySchema,
  syncConflictProblemSchema,
  syncListSchema,
  syncStartedSchema,
} from '../schemas/payroll-syncs.js';
import { cutoffPassesAt, isPastCutoff } from '../../payroll/cutoff.js';
import { settleEndedRuns } from '../ended-runs.js';
import { requirePeriodInWindow } from '../period-window.js';
import { emptyJsonBodyIsNoBody } from '../validation.js';
import { startPayrollSync, type StartSyncRequest } from '../sync-starter.js';
import { workflowUiUrl } from '../../contracts/temporal-ui.js';
import { syncDetailView, syncSummaryView } from '../sync-views.js';

const companyParams = z.object({ companyId: companyIdSchema });
const syncParams = z.object({ companyId: companyIdSchema, syncId: syncIdSchema });

const conflictResponse = {
  409: {
    description:
      'A sync of this company and period is already running (SyncConflictProblem); the period is past its payroll cut-off (PayrollPeriodClosedProblem, type urn:payroll-sync:problem:payroll-period-closed); or the company has no Personio credentials or the period no entries (Problem)',
    content: { 'application/problem+json': { schema: z.union([syncConflictProblemSchema, periodClosedProblemSchema, problemSchema]) } },
  },
};

/** 422 of the routes that start a sync. */
const unprocessableStart = {
  422: {
    description:
      'The period is outside 2000-01 … December ten years ahead, or the company requires approval and no actor was named (a retry: the same for the actor)',
    content: { 'application/problem+json': { schema: problemSchema } },
  },
};

const startedResponse = {
  description: 'Started',
  content: { 'application/json': { schema: syncStartedSchema } },
  links: {
    ...syncLinks(),
    ListPayrollSyncs: { operationId: 'listPayrollSyncs', parameters: { companyId: '$request.path.companyId' }, description: 'The export log' },
  },
};

interface Cursor {
  t: number;
  id: string;
}
const encodeCursor = (run: SyncRunDoc) => Buffer.from(JSON.stringify({ t: run.startedAt.getTime(), id: run._id } satisfies Cursor)).toString('base64url');
function decodeCursor(value: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof parsed.t === 'number' && typeof parsed.id === 'string') return { t: parsed.t, id: parsed.id };
  } catch {
    // fall through
  }
  throw new ApiProblem(400, 'Invalid request', { errors: [{ field: 'cursor', reason: 'is not a cursor returned by this API' }] });
}

/** Problem type of a sync refused because its period's payroll has closed. */
export const PAYROLL_PERIOD_CLOSED = 'urn:payroll-sync:problem:payroll-period-closed';

export function registerPayrollSyncRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const { syncRuns } = syncRunCollections(deps.db);
  const viewConfig = { temporalUiUrl: deps.config.temporalUiUrl, temporalNamespace: deps.config.temporalNamespace };

  /**
   * A real sync of a period whose payroll cut-off has passed is refused unless the request allows it; a dry run
   * goes ahead and says so. A retry of a sync that was allowed after the cut-off is allowed too.
   */
  function checkCutoff(company: CompanyDoc, request: Pick<StartSyncRequest, 'period' | 'dryRun'>, allowAfterCutoff: boolean): boolean {
    const past = isPastCutoff(request.period, company.payrollCutoffDay, company.timezone, new Date());
    if (past && !request.dryRun && !allowAfterCutoff) {
      const closedAt = cutoffPassesAt(request.period, company.payrollCutoffDay as number, company.timezone);
      throw new ApiProblem(409, 'Payroll period closed', {
        type: PAYROLL_PERIOD_CLOSED,
        detail: `The payroll of ${request.period} closed on day ${company.payrollCutoffDay} of the following month (${company.timezone}); it is now past that. Send "allowAfterCutoff": true to export it anyway, as a late export.`,
        errors: [{ field: 'period', reason: `past its payroll cut-off (${closedAt.toISOString()})` }],
        closedAt: closedAt.toISOString(),
      });
    }
    return past;
  }

  /** With four eyes, whoever starts a real sync is named: that person cannot approve it. */
  function requireActorIfApproval(company: CompanyDoc, actor: string | undefined, dryRun: boolean): string | undefined {
    if (company.approval === 'required' && !dryRun && !actor) {
      throw new ApiProblem(422, 'Actor required', {
        detail: 'This company requires approval by a second person: say who starts the sync ("actor"), so that someone else approves it.',
        errors: [{ field: 'actor', reason: 'required when the company requires approval' }],
      });
    }
    return actor;
  }

  async function start(request: StartSyncRequest) {
    if (!(await hasCredentials(deps.db, request.companyId))) throw new ApiProblem(409, 'Personio credentials missing', { detail: 'Store the Personio client ID and secret for this company first.' });
    const entries = await readActiveEntrySet(deps.db, request.companyId, request.period);
    if (!entries || entries.entryCount === 0) {
      throw new ApiProblem(409, 'No entries for this period', {
        detail: `Upload the entries of ${request.period} first (PUT /v1/companies/${request.companyId}/payroll-periods/${request.period}/entries).`,
        errors: [{ field: 'period', reason: 'has no entries' }],
      });
    }
    const outcome = await startPayrollSync({ db: deps.db, temporal: deps.temporal, taskQueue: deps.config.taskQueue, ...(deps.syncTuning ? { syncTuning: deps.syncTuning } : {}) }, request);
    if (!outcome.started) {
      throw new ApiProblem(409, request.dryRun ? 'Dry run already running' : 'Sync already running', {
        detail: `A ${request.dryRun ? 'dry run' : 'sync'} of ${request.period} is already running for this company${outcome.runningSyncId ? ` (sync ${outcome.runningSyncId})` : ''}.`,
        workflowId: outcome.workflowId,
        runningSyncId: outcome.runningSyncId ?? null,
        temporalUiUrl: workflowUiUrl(viewConfig, outcome.workflowId),
        ...(outcome.runningSyncId ? { runningSync: `/v1/companies/${request.companyId}/payroll-syncs/${outcome.runningSyncId}` } : {}),
      });
    }
    return {
      syncId: outcome.syncId,
      status: 'running' as const,
      workflowId: outcome.workflowId,
      runId: outcome.runId,
      temporalUiUrl: workflowUiUrl(viewConfig, outcome.workflowId, outcome.runId),
      dryRun: request.dryRun,
      pastCutoff: request.pastCutoff ?? false,
    };
  }

  async function requireRun(companyId: string, syncId: string): Promise<SyncRunDoc> {
    const run = await syncRuns.findOne({ _id: syncId, companyId });
    if (!run) throw new ApiProblem(404, 'Not Found', { detail: `No sync ${syncId} for company ${companyId}.`, errors: [{ field: 'syncId', reason: 'unknown sync' }] });
    const [settled] = await settleEndedRuns(deps, [run]);
    return settled ?? run;
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/companies/{companyId}/payroll-syncs',
      operationId: 'startPayrollSync',
      tags: ['Payroll syncs'],
      summary: 'Start the payroll export of a period (or a dry run that writes nothing to Personio)',
      request: { params: companyParams, body: { required: true, content: { 'application/json': { schema: startSyncInputSchema } } } },
      responses: { 202: startedResponse, ...problemResponses, ...conflictResponse, ...unprocessableStart, ...bodyProblemResponses, ...rateLimitedResponses },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      const body = c.req.valid('json');
      requirePeriodInWindow(body.period);
      const company = await requireCompany(deps.db, companyId);
      const actor = requireActorIfApproval(company, body.actor, body.dryRun);
      const pastCutoff = checkCutoff(company, body, body.allowAfterCutoff);
      const started = await start({ companyId, period: body.period, dryRun: body.dryRun, trigger: 'api', pastCutoff, ...(actor ? { actor } : {}) });
      c.header('location', `/v1/companies/${companyId}/payroll-syncs/${started.syncId}`);
      return c.json(started, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/companies/{companyId}/payroll-syncs',
      operationId: 'listPayrollSyncs',
      tags: ['Payroll syncs'],
      summary: 'The export log: syncs newest first, filterable by period and status',
      request: { params: companyParams, query: syncListQuerySchema },
      responses: {
        200: {
          description: 'A page of syncs',
          content: { 'application/json': { schema: syncListSchema } },
          links: {
            ...nextPageLink('listPayrollSyncs', { companyId: '$request.path.companyId' }),
            ...syncLinks('$response.body#/items/0/syncId'),
          },
        },
        ...problemResponses,
      },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      const query = c.req.valid('query');
      await requireCompany(deps.db, companyId);
      const filter: Filter<SyncRunDoc> = { companyId, ...(query.period ? { period: query.period } : {}), ...(query.status ? { status: query.status } : {}) };
      if (query.cursor) {
        const cursor = decodeCursor(query.cursor);
        const at = new Date(cursor.t);
        filter.$or = [{ startedAt: { $lt: at } }, { startedAt: at, _id: { $lt: cursor.id } }];
      }
      const runs = await settleEndedRuns(deps, await syncRuns.find(filter).sort({ startedAt: -1, _id: -1 }).limit(query.limit + 1).toArray());
      const page = runs.slice(0, query.limit);
      const last = page[page.length - 1];
      return c.json({ items: page.map((run) => syncSummaryView(viewConfig, run)), nextCursor: runs.length > query.limit && last ? encodeCursor(last) : null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/companies/{companyId}/payroll-syncs/{syncId}',
      operationId: 'getPayrollSync',
      tags: ['Payroll syncs'],
      summary: 'One sync: status, counts, totals, live progress, created types and per-entry results (paginated)',
      request: { params: syncParams, query: syncDetailQuerySchema },
      responses: { 200: { description: 'The sync', content: { 'application/json': { schema: syncDetailSchema } } }, ...problemResponses },
    }),
    async (c) => {
      const { companyId, syncId } = c.req.valid('param');
      const query = c.req.valid('query');
      await requireCompany(deps.db, companyId);
      const run = await requireRun(companyId, syncId);
      const view = await syncDetailView({ db: deps.db, temporal: deps.temporal, config: viewConfig }, run, {
        offset: query.resultsOffset,
        limit: query.resultsLimit,
        ...(query.resultStatus ? { statuses: query.resultStatus.split(',') } : {}),
      });
      return c.json(view, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/companies/{companyId}/payroll-syncs/{syncId}/retry',
      operationId: 'retryPayrollSync',
      middleware: [emptyJsonBodyIsNoBody],
      tags: ['Payroll syncs'],
      summary: 'Run the period again: only what is not yet in Personio is pushed',
      request: { params: syncParams, body: { required: false, content: { 'application/json': { schema: retrySyncInputSchema } } } },
      responses: { 202: startedResponse, ...problemResponses, ...conflictResponse, ...unprocessableStart, ...bodyProblemResponses, ...rateLimitedResponses },
    }),
    async (c) => {
      const { companyId, syncId } = c.req.valid('param');
      const body = c.req.valid('json') ?? {};
      const company = await requireCompany(deps.db, companyId);
      const run = await requireRun(companyId, syncId);
      if (run.status === 'running' || run.status === 'awaiting_approval') {
        throw new ApiProblem(409, 'Sync still running', { detail: `Sync ${syncId} is ${run.status === 'running' ? 'still running' : 'awaiting approval'}; retry it once it has finished.`, runningSyncId: syncId });
      }
      const actor = requireActorIfApproval(company, body.actor, run.dryRun);
      const pastCutoff = checkCutoff(company, run, run.pastCutoff === true);
      const started = await start({ companyId, period: run.period, dryRun: run.dryRun, trigger: 'retry', retryOf: syncId, pastCutoff, ...(actor ? { actor } : {}) });
      c.header('location', `/v1/companies/${companyId}/payroll-syncs/${started.syncId}`);
      return c.json(started, 202);
    },
  );
}
