// Helpers of the webhook tests: events as the emitting workflows build them, and their delivery started the way
// `emitWebhookEvent` starts it (the publishWebhookEvent workflow on the harness's task queue).
import { randomUUID } from 'node:crypto';
import { PUBLISH_WEBHOOK_EVENT_WORKFLOW, webhookEventWorkflowId, type WebhookEvent, type WebhookEventType } from '../../contracts/webhooks.js';
import type { publishWebhookEvent } from '../../workflows/webhook-event.js';
import type { Harness } from '../support/harness.js';

export function syncCompletedEvent(companyId: string, overrides: Partial<WebhookEvent> = {}): WebhookEvent {
  const syncId = randomUUID();
  return {
    eventId: `payroll-sync:${companyId}:${syncId}:completed`,
    type: 'payroll_sync.completed' satisfies WebhookEventType,
    companyId,
    occurredAt: new Date().toISOString(),
    data: {
      companyId,
      syncId,
      period: '2026-05',
      status: 'succeeded',
      trigger: 'api',
      counts: { entries: 12, compensationsCreated: 12, failed: 0 },
      links: { sync: `http://platform.test/v1/companies/${companyId}/payroll-syncs/${syncId}` },
    },
    ...overrides,
  };
}

export const publishWorkflowId = (event: WebhookEvent) => webhookEventWorkflowId(event.eventId);

export function startPublish(h: Harness, event: WebhookEvent) {
  return h.temporal.workflow.start<typeof publishWebhookEvent>(PUBLISH_WEBHOOK_EVENT_WORKFLOW, {
    taskQueue: h.taskQueue,
    workflowId: publishWorkflowId(event),
    args: [{ event }],
  });
}

export async function publish(h: Harness, event: WebhookEvent) {
  return (await startPublish(h, event)).result();
}
