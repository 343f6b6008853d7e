// The company's Personio compensation types, fetched by the worker (a short workflow): the API never calls Personio.
import { randomUUID } from 'node:crypto';
import type { CompensationTypeOption, CompensationTypesInput } from '../contracts/connection-test.js';
import { compensationTypesWorkflowId, WORKFLOW_TYPES } from '../contracts/ids.js';
import type { ApiDeps } from './deps.js';
import { workflowFailureProblem } from './workflow-failure.js';

export async function fetchCompensationTypes(deps: ApiDeps, companyId: string): Promise<CompensationTypeOption[]> {
  try {
    return await deps.temporal.workflow.execute<(input: CompensationTypesInput) => Promise<CompensationTypeOption[]>>(WORKFLOW_TYPES.listCompensationTypes, {
      workflowId: compensationTypesWorkflowId(companyId, randomUUID()),
      taskQueue: deps.config.interactiveTaskQueue,
      args: [{ companyId }],
      workflowExecutionTimeout: '1 minute',
    });
  } catch (error) {
    throw workflowFailureProblem(error) ?? error;
  }
}
