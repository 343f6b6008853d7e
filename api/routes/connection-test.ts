import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Context } from 'hono';
import { randomUUID } from 'node:crypto';
import type { ConnectionTestInput, ConnectionTestResult } from '../../contracts/connection-test.js';
import { connectionTestWorkflowId, WORKFLOW_TYPES } from '../../contracts/ids.js';
import { workflowUiUrl } from '../../contracts/temporal-ui.js';
import { requireCompany } from '../company-guard.js';
import type { ApiDeps } from '../deps.js';
import { ApiProblem } from '../problem.js';
import { companyIdSchema, problemResponses, rateLimitedResponses, UUID_PATTERN } from '../schemas/common.js';
import { connectionTestFinishedSchema as finishedSchema } from '../schemas/company.js';
import { workflowFailureProblem } from '../workflow-failure.js';

const testIdSchema = z.uuid('must be a connection test id').openapi({ param: { name: 'testId', in: 'path' }, pattern: UUID_PATTERN });

const runningSchema = z
  .object({ testId: z.string(), status: z.literal('running'), poll: z.string(), temporalUiUrl: z.string() })
  .openapi('ConnectionTestRunning');

/** From a started test to polling it. */
const pollLinks = {
  GetConnectionTest: {
    operationId: 'getConnectionTest',
    parameters: { companyId: '$request.path.companyId', testId: '$response.body#/testId' },
    description: 'Poll the test (a finished one keeps its result)',
  },
};

export function registerConnectionTestRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const pollUrl = (companyId: string, testId: string) => `/v1/companies/${companyId}/connection-tests/${testId}`;
  const uiUrl = (workflowId: string) => workflowUiUrl(deps.config, workflowId);

  async function answer(c: Context, companyId: string, testId: string, waitMs: number) {
    const workflowId = connectionTestWorkflowId(companyId, testId);
    const handle = deps.temporal.workflow.getHandle<(input: ConnectionTestInput) => Promise<ConnectionTestResult>>(workflowId);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), waitMs);
    });
    try {
      const outcome: ConnectionTestResult | 'timeout' = await Promise.race([handle.result(), timeout]);
      if (outcome === 'timeout') {
        c.header('location', pollUrl(companyId, testId));
        c.header('retry-after', '2');
        return c.json({ testId, status: 'running' as const, poll: pollUrl(companyId, testId), temporalUiUrl: uiUrl(workflowId) }, 202);
      }
      return c.json({ testId, status: 'completed' as const, ...outcome }, 200);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new ApiProblem(404, 'Not Found', { detail: `No connection test ${testId} for this company.` });
      throw workflowFailureProblem(error) ?? error;
    } finally {
      clearTimeout(timer);
    }
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/companies/{companyId}/connection-test',
      operationId: 'startConnectionTest',
      tags: ['Personio connection'],
      summary: 'Test the stored Personio credentials against every requirement',
      description: 'Answers with the result when the test finishes within the wait time, else 202 with a link to poll.',
      request: { params: z.object({ companyId: companyIdSchema }) },
      responses: {
        200: { description: 'Finished test', content: { 'application/json': { schema: finishedSchema } }, links: pollLinks },
        202: { description: 'Still running', content: { 'application/json': { schema: runningSchema } }, links: pollLinks },
        ...problemResponses,
        ...rateLimitedResponses,
      },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      await requireCompany(deps.db, companyId);
      const testId = randomUUID();
      await deps.temporal.workflow.start<(input: ConnectionTestInput) => Promise<ConnectionTestResult>>(WORKFLOW_TYPES.connectionTest, {
        workflowId: connectionTestWorkflowId(companyId, testId),
        taskQueue: deps.config.interactiveTaskQueue,
        args: [{ companyId, trigger: 'api' }],
        workflowExecutionTimeout: '10 minutes',
      });
      return answer(c, companyId, testId, deps.config.connectionTestWaitMs);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/companies/{companyId}/connection-tests/{testId}',
      operationId: 'getConnectionTest',
      tags: ['Personio connection'],
      summary: 'Poll a connection test',
      request: { params: z.object({ companyId: companyIdSchema, testId: testIdSchema }) },
      responses: {
        200: { description: 'Finished test', content: { 'application/json': { schema: finishedSchema } } },
        202: { description: 'Still running', content: { 'application/json': { schema: runningSchema } } },
        ...problemResponses,
      },
    }),
    async (c) => {
      const { companyId, testId } = c.req.valid('param');
      await requireCompany(deps.db, companyId);
      return answer(c, companyId, testId, 1_000);
    },
  );
}
