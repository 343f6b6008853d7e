import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { CompensationTypeOption, CompensationTypesInput } from '../contracts/connection-test.js';

const { listPersonioCompensationTypes } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

/** Fetches the company's compensation types through the worker: the API never calls Personio itself. */
export async function listCompensationTypes(input: CompensationTypesInput): Promise<CompensationTypeOption[]> {
  return listPersonioCompensationTypes({ companyId: input.companyId });
}
