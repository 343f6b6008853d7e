import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { applyRetention } = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1 minute', maximumAttempts: 5 },
});

/** Run daily by the data-retention schedule: prunes sync artefacts and replaced entry sets older than the retention. */
export async function dataRetention(): Promise<Awaited<ReturnType<Activities['applyRetention']>>> {
  return applyRetention();
}
