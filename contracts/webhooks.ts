// The webhook events this service sends to the platform, and the workflow that delivers one event to every
// endpoint subscribed to it. Workflows emit events; activities record and deliver them.

export const WEBHOOK_EVENT_TYPES = [
  'payroll_sync.completed',
  'payroll_sync.failed',
  'payroll_sync.awaiting_approval',
  'personio_connection.broken',
  'personio_connection.restored',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export type WebhookJson = string | number | boolean | null | WebhookJson[] | { [key: string]: WebhookJson };

export interface WebhookEvent {
  /** Deterministic per occurrence (one event per sync outcome, one per connection transition): delivering it twice is the same message. */
  eventId: string;
  type: WebhookEventType;
  companyId: string;
  /** When it happened (ISO 8601): the body's `timestamp`. */
  occurredAt: string;
  /** Ids, statuses, counts and links only: never a secret, never entry-level personal data. */
  data: { [key: string]: WebhookJson };
}

export interface PublishWebhookEventInput {
  event: WebhookEvent;
}

export const PUBLISH_WEBHOOK_EVENT_WORKFLOW = 'publishWebhookEvent';
/** One delivery workflow per event: emitting an event twice (a replayed or retried emitter) starts it once. */
export const webhookEventWorkflowId = (eventId: string) => `webhook-event:${eventId}`;

/** Application failure type of a delivery attempt the endpoint did not accept (retried with backoff). */
export const WEBHOOK_DELIVERY_FAILED = 'WebhookDeliveryFailed';

/** How deliveries back off, from the worker's configuration, recorded in history by `recordWebhookEvent`. */
export interface WebhookRetryTuning {
  initialIntervalMs: number;
  maxIntervalMs: number;
  backoffCoefficient: number;
  /** A delivery is given up this long after its first attempt (Standard Webhooks: about a day). */
  deliverForMs: number;
  /** One attempt, DNS and HTTP included, may take this long before Temporal retries it. */
  attemptTimeoutMs: number;
}

export interface RecordedWebhookEvent {
  /** One per endpoint subscribed to the event's type and company when the event was recorded. */
  deliveryIds: string[];
  retry: WebhookRetryTuning;
}

/**
 * What became of one endpoint's delivery: `delivered` (a 2xx), `refused` (the target is a private address
 * and such targets are not allowed), the endpoint `endpoint_deleted` (or re-created) or `unsubscribed` from
 * the event meanwhile, `gave_up` when the retry window closed without a 2xx.
 */
export type WebhookDeliveryOutcome = 'delivered' | 'refused' | 'endpoint_deleted' | 'unsubscribed' | 'gave_up';

export interface WebhookDeliveryResult {
  deliveryId: string;
  outcome: WebhookDeliveryOutcome;
}

export interface PublishWebhookEventResult {
  eventId: string;
  deliveries: WebhookDeliveryResult[];
}
