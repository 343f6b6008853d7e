import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ConnectionTestInput, ConnectionTestResult } from '../contracts/connection-test.js';

const { testPersonioConnection } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // The activity turns Personio's answers into check results; only infrastructure errors are retried.
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

/** Tests a company's Personio credentials. The input carries the company id only: secrets stay in MongoDB. */
export async function connectionTest(input: ConnectionTestInput): Promise<ConnectionTestResult> {
  return testPersonioConnection({ companyId: input.companyId });
}
