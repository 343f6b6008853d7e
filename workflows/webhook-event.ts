// Webhook events: emitted by other workflows as a child workflow of their own per event, which records the
// event once and delivers it to every subscribed endpoint with backoff for up to a day. The child is
// abandoned by its parent: a connection test ends in seconds, a delivery may take 24 h.
import { ActivityFailure, ApplicationFailure, TimeoutFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  WEBHOOK_DELIVERY_FAILED,
  webhookEventWorkflowId,
  type PublishWebhookEventInput,
  type PublishWebhookEventResult,
  type RecordedWebhookEvent,
  type WebhookDeliveryResult,
  type WebhookEvent,
} from '../contracts/webhooks.js';

const { recordWebhookEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

function deliveries(retry: RecordedWebhookEvent['retry']) {
  return proxyActivities<Activities>({
    startToCloseTimeout: retry.attemptTimeoutMs,
    scheduleToCloseTimeout: retry.deliverForMs,
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maxIntervalMs,
      // No maximumAttempts: unlimited, the schedule-to-close timeout ends them.
    },
  });
}

/** Delivers one event to every endpoint subscribed to it (started by `emitWebhookEvent`, or directly). */
export async function publishWebhookEvent(input: PublishWebhookEventInput): Promise<PublishWebhookEventResult> {
  const recorded = await recordWebhookEvent.executeWithOptions({ summary: `record ${input.event.type}` }, [input]);
  const { deliverWebhook } = deliveries(recorded.retry);
  const results = await Promise.all(
    recorded.deliveryIds.map(async (deliveryId, index): Promise<WebhookDeliveryResult> => {
      try {
        return await deliverWebhook.executeWithOptions({ summary: `deliver ${input.event.type} (${index + 1}/${recorded.deliveryIds.length})` }, [{ deliveryId }]);
      } catch (error) {
        // The retry window closed (every attempt is in the delivery log); other failures are bugs and fail the workflow.
        if (error instanceof ActivityFailure && isDeliveryTimeout(error)) return { deliveryId, outcome: 'gave_up' };
        throw error;
      }
    }),
  );
  return { eventId: input.event.eventId, deliveries: results };
}

/** Out of time: a schedule-to-close timeout, or the last failed attempt when no further one fits in the window. */
function isDeliveryTimeout(error: ActivityFailure): boolean {
  const cause = error.cause;
  return cause instanceof TimeoutFailure || (cause instanceof ApplicationFailure && cause.type === WEBHOOK_DELIVERY_FAILED);
}

/**
 * Emits a webhook event from a workflow: starts `publishWebhookEvent` as an abandoned child with the event's
 * own workflow id. An event emitted again (a retried or replayed emitter) finds that id taken and is done.
 */
export async function emitWebhookEvent(event: WebhookEvent): Promise<void> {
  try {
    await startChild(publishWebhookEvent, {
      workflowId: webhookEventWorkflowId(event.eventId),
      args: [{ event }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // Never a second run for the same event, even after the first has closed.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `webhook ${event.type} for ${event.companyId}`,
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    throw error;
  }
}
