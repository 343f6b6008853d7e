// Four eyes: approve or reject a sync awaiting approval. Both are Temporal Updates of the sync's workflow, with
// validators there (the state, and that the approver did not start the sync); the answer says whether it took effect.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { rootApplicationFailure } from '../../contracts/failures.js';
import { APPROVAL_REFUSED, APPROVE_UPDATE, REJECT_UPDATE, type ApprovalDecisionInput, type ApprovalDecisionResult } from '../../contracts/sync.js';
import { findRun, type SyncRunDoc } from '../../db/sync-runs.js';
import { requireCompany } from '../company-guard.js';
import type { ApiDeps } from '../deps.js';
import { ApiProblem } from '../problem.js';
import { bodyProblemResponses, companyIdSchema, problemResponses, problemSchema } from '../schemas/common.js';
import { approvalDecisionInputSchema, approvalDecisionResultSchema, approvalRefusedProblemSchema, syncIdSchema } from '../schemas/payroll-syncs.js';

const params = z.object({ companyId: companyIdSchema, syncId: syncIdSchema });
export const APPROVAL_PROBLEM = {
  fourEyes: 'urn:payroll-sync:problem:four-eyes',
  notAwaiting: 'urn:payroll-sync:problem:not-awaiting-approval',
  outdated: 'urn:payroll-sync:problem:preview-outdated',
} as const;

export function registerSyncApprovalRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const selfOf = (run: SyncRunDoc) => `/v1/companies/${run.companyId}/payroll-syncs/${run._id}`;

  async function decide(companyId: string, syncId: string, update: string, decision: ApprovalDecisionInput) {
    await requireCompany(deps.db, companyId);
    const run = await findRun(deps.db, syncId);
    if (!run || run.companyId !== companyId) throw new ApiProblem(404, 'Not Found', { detail: `No sync ${syncId} for company ${companyId}.`, errors: [{ field: 'syncId', reason: 'unknown sync' }] });
    const notAwaiting = (detail: string) => new ApiProblem(409, 'Not awaiting approval', { type: APPROVAL_PROBLEM.notAwaiting, detail, syncStatus: run.status });
    if (run.dryRun || !run.runId) throw notAwaiting(`Sync ${syncId} does not wait for approval.`);
    // The export log says so first; the workflow's validator decides the races (decided or re-previewed meanwhile).
    if (run.status !== 'awaiting_approval') throw notAwaiting(`Sync ${syncId} is ${run.status} and does not wait for approval.`);
    let result: ApprovalDecisionResult;
    try {
      result = await deps.temporal.workflow.getHandle(run.workflowId, run.runId).executeUpdate<ApprovalDecisionResult, [ApprovalDecisionInput]>(update, { args: [decision] });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notAwaiting(`Sync ${syncId} has ended (${run.status}).`);
      const refused = error instanceof WorkflowUpdateFailedError ? rootApplicationFailure(error) : undefined;
      if (refused?.type === APPROVAL_REFUSED.FourEyes) {
        throw new ApiProblem(409, 'Four eyes', { type: APPROVAL_PROBLEM.fourEyes, detail: refused.message, errors: [{ field: 'actor', reason: 'started this sync' }] });
      }
      if (refused?.type === APPROVAL_REFUSED.NotAwaiting) throw notAwaiting(refused.message);
      // A running sync outside its approval step (no approval required, or not yet previewed) has no handler for the
      // Update: Temporal refuses it, which is "not awaiting approval", not a server error.
      if (refused && /no registered handler for update/i.test(refused.message)) throw notAwaiting(`Sync ${syncId} is ${run.status} and does not wait for approval.`);
      if (refused?.type === APPROVAL_REFUSED.NoActor) throw new ApiProblem(422, 'Invalid request', { errors: [{ field: 'actor', reason: 'required' }] });
      // An Update sent to a workflow that has just closed.
      if (/already completed|workflow execution already completed|not found/i.test(error instanceof Error ? error.message : '')) throw notAwaiting(`Sync ${syncId} has ended.`);
      throw error;
    }
    if (!result.accepted) {
      if (result.reason === 'preview_outdated') {
        throw new ApiProblem(409, 'Preview outdated', {
          type: APPROVAL_PROBLEM.outdated,
          detail: 'The entries or benefit mappings changed since the preview: a new preview is being computed and will be mailed. Approve that one.',
          syncStatus: result.status,
          ...(run.approval ? { previewSyncId: run.approval.previewSyncId } : {}),
        });
      }
      throw notAwaiting(`Sync ${syncId} was decided meanwhile (${result.status}).`);
    }
    return { syncId, accepted: true as const, status: result.status, links: { self: selfOf(run) } };
  }

  const responses = {
    200: {
      description: 'The decision took effect',
      content: { 'application/json': { schema: approvalDecisionResultSchema } },
      links: {
        GetPayrollSync: { operationId: 'getPayrollSync', parameters: { companyId: '$request.path.companyId', syncId: '$response.body#/syncId' }, description: 'The sync' },
      },
    },
    ...problemResponses,
    409: { description: 'Refused: four eyes, not awaiting approval, or the preview is outdated', content: { 'application/problem+json': { schema: approvalRefusedProblemSchema } } },
    422: { description: 'The workflow asks for an actor (none was named)', content: { 'application/problem+json': { schema: problemSchema } } },
    ...bodyProblemResponses,
  };
  const body = { required: true, content: { 'application/json': { schema: approvalDecisionInputSchema } } } as const;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/companies/{companyId}/payroll-syncs/{syncId}/approve',
      operationId: 'approvePayrollSync',
      tags: ['Payroll syncs'],
      summary: 'Approve a sync awaiting approval: it then writes exactly what its preview showed',
      description: 'Refused (409) when the approver started the sync, when it is not awaiting approval, or when entries or mappings changed since the preview (a new preview is then computed and mailed).',
      request: { params, body },
      responses,
    }),
    async (c) => {
      const { companyId, syncId } = c.req.valid('param');
      return c.json(await decide(companyId, syncId, APPROVE_UPDATE, c.req.valid('json')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/companies/{companyId}/payroll-syncs/{syncId}/reject',
      operationId: 'rejectPayrollSync',
      tags: ['Payroll syncs'],
      summary: 'Reject a sync awaiting approval: it ends as rejected, nothing is written',
      request: { params, body },
      responses,
    }),
    async (c) => {
      const { companyId, syncId } = c.req.valid('param');
      return c.json(await decide(companyId, syncId, REJECT_UPDATE, c.req.valid('json')), 200);
    },
  );
}
