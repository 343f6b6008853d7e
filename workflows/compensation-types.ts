import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { CompensationTypeOption } from '../activities/compensation-types.js';

const { listPersonioCompensationTypes } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

/** Fetches the company's compensation types through the worker: the API never calls Personio itself. */
export async function listCompensationTypes(input: { companyId: string }): Promise<CompensationTypeOption[]> {
  return listPersonioCompensationTypes({ companyId: input.companyId });
}
