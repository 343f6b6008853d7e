// publishWebhookEvent's own logic with fake activities on the tier's Temporal dev server: the retry policy comes
// from recordWebhookEvent's answer, a delivery whose window closes without a 2xx is given up (the others are not
// held back by it), and a delivery failing for another reason fails the workflow.
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../activities/index.js';
import { PUBLISH_WEBHOOK_EVENT_WORKFLOW, WEBHOOK_DELIVERY_FAILED, type RecordedWebhookEvent, type WebhookEvent } from '../../contracts/webhooks.js';
import type { publishWebhookEvent } from '../../workflows/webhook-event.js';
import { connectTestEnv, uniqueId, withWorker } from './support.js';

type WebhookActivities = Pick<Activities, 'recordWebhookEvent' | 'deliverWebhook'>;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await connectTestEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const event = (): WebhookEvent => ({
  eventId: uniqueId('event'),
  type: 'personio_connection.broken',
  companyId: 'acme-gmbh',
  occurredAt: new Date().toISOString(),
  data: { companyId: 'acme-gmbh', status: 'broken', failingChecks: ['credentials'] },
});

/** A delivery window of 3 s with 100 ms between attempts (the dev server spaces them about a second apart). */
const recorded = (deliveryIds: string[]): RecordedWebhookEvent => ({
  deliveryIds,
  retry: { initialIntervalMs: 100, maxIntervalMs: 100, backoffCoefficient: 2, deliverForMs: 3_000, attemptTimeoutMs: 1_000 },
});

function run(taskQueue: string, input: WebhookEvent) {
  return env.client.workflow.execute<typeof publishWebhookEvent>(PUBLISH_WEBHOOK_EVENT_WORKFLOW, { taskQueue, workflowId: uniqueId('publish'), args: [{ event: input }] });
}

describe('publishWebhookEvent', () => {
  it('gives up a delivery when its window closes without a 2xx, after retrying it; the others are delivered', async () => {
    const attempts: Record<string, number> = {};
    const activities: WebhookActivities = {
      recordWebhookEvent: async () => recorded(['to-a-good-endpoint', 'to-a-dead-endpoint']),
      deliverWebhook: async ({ deliveryId }) => {
        attempts[deliveryId] = (attempts[deliveryId] ?? 0) + 1;
        if (deliveryId === 'to-a-good-endpoint') return { deliveryId, outcome: 'delivered' };
        throw ApplicationFailure.retryable('the endpoint answered HTTP 503', WEBHOOK_DELIVERY_FAILED);
      },
    };
    const result = await withWorker(env, activities, (taskQueue) => run(taskQueue, event()));
    expect(result.deliveries).toEqual([
      { deliveryId: 'to-a-good-endpoint', outcome: 'delivered' },
      { deliveryId: 'to-a-dead-endpoint', outcome: 'gave_up' },
    ]);
    expect(attempts['to-a-good-endpoint']).toBe(1);
    expect(attempts['to-a-dead-endpoint']).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('delivers nothing when no endpoint is subscribed to the event', async () => {
    let delivered = 0;
    const activities: WebhookActivities = {
      recordWebhookEvent: async () => recorded([]),
      deliverWebhook: async ({ deliveryId }) => {
        delivered++;
        return { deliveryId, outcome: 'delivered' };
      },
    };
    const input = event();
    const result = await withWorker(env, activities, (taskQueue) => run(taskQueue, input));
    expect(result).toEqual({ eventId: input.eventId, deliveries: [] });
    expect(delivered).toBe(0);
  });

  it('fails on a delivery failure that is not the endpoint refusing the event', async () => {
    const activities: WebhookActivities = {
      recordWebhookEvent: async () => recorded(['lost']),
      deliverWebhook: async () => {
        throw ApplicationFailure.nonRetryable('no webhook delivery lost', 'WebhookDeliveryNotFound');
      },
    };
    await expect(withWorker(env, activities, (taskQueue) => run(taskQueue, event()))).rejects.toThrow(WorkflowFailedError);
  });
});
