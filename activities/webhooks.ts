// Webhooks to the platform: an event is recorded once (its body serialised once), then delivered to each
// subscribed endpoint, one signed POST per activity attempt, every attempt logged. Temporal's retry policy
// (set by workflows/webhook-event.ts from recordWebhookEvent's answer) provides the backoff.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import {
  WEBHOOK_DELIVERY_FAILED,
  WEBHOOK_EVENT_TYPES,
  type PublishWebhookEventInput,
  type RecordedWebhookEvent,
  type WebhookDeliveryResult,
  type WebhookJson,
  type WebhookRetryTuning,
} from '../contracts/webhooks.js';
import { findDelivery, findEndpoint, findEvent, listEndpoints, markDelivered, recordAttempt, recordEvent, subscribes, type WebhookAttemptOutcome } from '../db/webhooks.js';
import { decryptWebhookSecret } from '../security/webhook-secrets.js';
import type { ActivityDeps, WebhookDeliveryConfig } from './deps.js';
import { postWebhook, type WebhookPostResult } from './webhook-http.js';

export const DEFAULT_WEBHOOK_DELIVERY: WebhookDeliveryConfig = { allowPrivateTargets: false, timeoutMs: 10_000, retryInitialIntervalMs: 10_000, retryMaxIntervalMs: 3_600_000 };

/** Standard Webhooks asks senders to keep retrying for about a day. */
const DELIVER_FOR_MS = 24 * 60 * 60 * 1000;

const jsonSchema: z.ZodType<WebhookJson> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonSchema), z.record(z.string(), jsonSchema)]));

const publishInputSchema = z.object({
  event: z.object({
    eventId: z.string().min(1).max(300),
    type: z.enum(WEBHOOK_EVENT_TYPES),
    companyId: z.string().min(1).max(64),
    occurredAt: z.iso.datetime({ offset: true }),
    data: z.record(z.string(), jsonSchema),
  }),
});

export function retryTuning(config: WebhookDeliveryConfig): WebhookRetryTuning {
  return {
    initialIntervalMs: config.retryInitialIntervalMs,
    maxIntervalMs: Math.max(config.retryMaxIntervalMs, config.retryInitialIntervalMs),
    backoffCoefficient: 2,
    deliverForMs: DELIVER_FOR_MS,
    // The POST's own deadline covers DNS and HTTP; the rest is MongoDB.
    attemptTimeoutMs: config.timeoutMs + 20_000,
  };
}

const outcomeOf = (post: WebhookPostResult): WebhookAttemptOutcome =>
  post.kind === 'refused' ? 'refused' : post.kind === 'answered' && post.statusCode >= 200 && post.statusCode < 300 ? 'delivered' : 'failed';

export function createWebhookActivities(deps: ActivityDeps) {
  // Read per call, not captured: a test may point deps.webhooks elsewhere.
  const config = (): WebhookDeliveryConfig => deps.webhooks ?? DEFAULT_WEBHOOK_DELIVERY;

  return {
    /** Records the event once and answers the deliveries to make (one per subscribed endpoint) and how to retry them. */
    async recordWebhookEvent(input: PublishWebhookEventInput): Promise<RecordedWebhookEvent> {
      const parsed = publishInputSchema.safeParse(input);
      if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid webhook event: ${z.prettifyError(parsed.error)}`, 'InvalidWebhookEvent');
      const { event } = parsed.data;
      const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event.data });
      const endpoints = (await listEndpoints(deps.db)).filter((endpoint) => subscribes(endpoint, event.type, event.companyId));
      const recorded = await recordEvent(deps.db, { _id: event.eventId, type: event.type, companyId: event.companyId, body }, endpoints);
      return { deliveryIds: recorded.deliveryIds, retry: retryTuning(config()) };
    },

    /**
     * One signed POST of an event to one endpoint. A 2xx delivers; anything else throws for Temporal to retry;
     * a private target (when not allowed) or an endpoint deleted or unsubscribed meanwhile ends the delivery.
     */
    async deliverWebhook(input: { deliveryId: string }): Promise<WebhookDeliveryResult> {
      const { attempt } = Context.current().info;
      const { deliveryId } = input;
      const log = deps.logger.child({ deliveryId, attempt });
      const delivery = await findDelivery(deps.db, deliveryId);
      if (!delivery) throw ApplicationFailure.nonRetryable(`no webhook delivery ${deliveryId}`, 'WebhookDeliveryNotFound');
      // An earlier attempt delivered and its completion was lost: not sent twice.
      if (delivery.deliveredAt) return { deliveryId, outcome: 'delivered' };
      const endpoint = await findEndpoint(deps.db, delivery.endpointId);
      if (!endpoint || endpoint.incarnation !== delivery.incarnation) {
        log.warn('webhook endpoint deleted: delivery stopped', { endpointId: delivery.endpointId, eventId: delivery.eventId });
        return { deliveryId, outcome: 'endpoint_deleted' };
      }
      if (!subscribes(endpoint, delivery.type, delivery.companyId)) {
        log.warn('webhook endpoint no longer subscribed: delivery stopped', { endpointId: endpoint._id, eventId: delivery.eventId, type: delivery.type });
        return { deliveryId, outcome: 'unsubscribed' };
      }
      const event = await findEvent(deps.db, delivery.eventId);
      if (!event) throw ApplicationFailure.nonRetryable(`no webhook event ${delivery.eventId}`, 'WebhookEventNotFound');

      const at = new Date();
      const signature = new Webhook(decryptWebhookSecret(deps.cipher, endpoint._id, endpoint.incarnation, endpoint.secret)).sign(delivery.messageId, at, event.body);
      const { timeoutMs, allowPrivateTargets } = config();
      const post = await postWebhook({
        url: endpoint.url,
        body: event.body,
        timeoutMs,
        allowPrivateTargets,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'personio-payroll-sync-webhooks/1',
          'webhook-id': delivery.messageId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
      });
      const outcome = outcomeOf(post);
      await recordAttempt(deps.db, {
        deliveryId,
        endpointId: endpoint._id,
        incarnation: endpoint.incarnation,
        eventId: delivery.eventId,
        messageId: delivery.messageId,
        type: delivery.type,
        attempt,
        at,
        statusCode: post.kind === 'answered' ? post.statusCode : null,
        error: post.kind === 'failed' ? post.error : post.kind === 'refused' ? post.reason : null,
        durationMs: post.durationMs,
        outcome,
      });
      const fields = { endpointId: endpoint._id, eventId: delivery.eventId, type: delivery.type, durationMs: post.durationMs };
      if (outcome === 'delivered') {
        await markDelivered(deps.db, deliveryId, at);
        log.info('webhook delivered', { ...fields, statusCode: post.kind === 'answered' ? post.statusCode : null });
        return { deliveryId, outcome: 'delivered' };
      }
      if (post.kind === 'refused') {
        log.warn('webhook target refused: private-network address', { ...fields, reason: post.reason });
        return { deliveryId, outcome: 'refused' };
      }
      const why = post.kind === 'answered' ? `the endpoint answered HTTP ${post.statusCode}` : `the POST failed: ${post.error}`;
      log.info('webhook attempt failed, retried with backoff', { ...fields, why });
      throw ApplicationFailure.retryable(why, WEBHOOK_DELIVERY_FAILED);
    },
  };
}
