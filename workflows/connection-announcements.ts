// Announces a change of a company's Personio connection (broken / restored): one mail to the managers and one
// webhook event. Called by whichever workflow's test decided the change (a connection test, or a sync's guard).
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ConnectionTransition } from '../contracts/connection-test.js';
import type { WebhookEvent } from '../contracts/webhooks.js';
import { emitWebhookEvent } from './webhook-event.js';

// The activity retries the send itself and records a failure instead of throwing.
const mail = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '5 seconds', maximumAttempts: 3 },
});

export function connectionEvent(transition: ConnectionTransition): WebhookEvent {
  const company = `/v1/companies/${encodeURIComponent(transition.companyId)}`;
  return {
    eventId: `personio_connection.${transition.transitionId}`,
    type: transition.kind === 'broken' ? 'personio_connection.broken' : 'personio_connection.restored',
    companyId: transition.companyId,
    occurredAt: transition.at,
    data: {
      companyId: transition.companyId,
      status: transition.kind === 'broken' ? 'broken' : 'ok',
      checkedAt: transition.at,
      failingChecks: transition.failingChecks,
      ...(transition.brokenSince ? { brokenSince: transition.brokenSince } : {}),
      links: { company, connectionTest: `${company}/connection-test` },
    },
  };
}

export async function announceConnectionTransition(transition: ConnectionTransition): Promise<void> {
  await mail.sendConnectionAlert.executeWithOptions({ summary: `connection ${transition.kind}: mail the managers` }, [{ transitionId: transition.transitionId }]);
  await emitWebhookEvent(connectionEvent(transition));
}
