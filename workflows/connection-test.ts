import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ConnectionTestInput, ConnectionTestResult } from '../contracts/connection-test.js';
import { announceConnectionTransition } from './connection-announcements.js';

const { testPersonioConnection } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // The activity turns Personio's answers into check results; only infrastructure errors are retried.
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

/** Tests before this patch decided no connection status, so they have nothing to announce. */
const PATCH_ANNOUNCE_TRANSITIONS = 'announce-connection-transitions';

/**
 * Tests a company's Personio credentials (started from the API, or by the company's health schedule) and announces
 * a change of the connection's status. The input carries the company id only: secrets stay in MongoDB.
 */
export async function connectionTest(input: ConnectionTestInput): Promise<ConnectionTestResult> {
  const { transition, ...result } = await testPersonioConnection({ companyId: input.companyId });
  if (transition && patched(PATCH_ANNOUNCE_TRANSITIONS)) await announceConnectionTransition(transition);
  return result;
}
