// Webhooks to the platform: endpoints (with their encrypted signing secret), recorded events (the exact body
// every attempt sends), one delivery per event and endpoint, and the log of every delivery attempt.
// Events, deliveries and attempts are write-once documents with deterministic ids (insert-once is atomic on
// FerretDB too, its conditional updates are not).
import { createHash } from 'node:crypto';
import type { Db, Filter } from 'mongodb';
import type { WebhookEventType } from '../contracts/webhooks.js';
import type { EncryptedSecret } from '../security/credentials-cipher.js';
import { insertOnce, isDuplicateKey } from './insert-once.js';

export interface WebhookEndpointDoc {
  _id: string;
  /** New on every creation: a delivery or attempt of a deleted endpoint never counts for one re-created with its id. */
  incarnation: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  /** null: every company. */
  companyIds: string[] | null;
  secret: EncryptedSecret;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookEndpointSettings = Pick<WebhookEndpointDoc, 'url' | 'events' | 'description' | 'companyIds'>;

export interface WebhookEventDoc {
  _id: string; // eventId
  type: WebhookEventType;
  companyId: string;
  /** The JSON body `{type, timestamp, data}`, serialised once: every attempt to every endpoint sends these bytes. */
  body: string;
  deliveryIds: string[];
  recordedAt: Date;
}

export interface WebhookDeliveryDoc {
  _id: string; // deliveryId
  eventId: string;
  endpointId: string;
  incarnation: string;
  /** The `webhook-id` header: the same on every attempt, so receivers can drop duplicates. */
  messageId: string;
  type: WebhookEventType;
  companyId: string;
  createdAt: Date;
  deliveredAt?: Date;
}

export type WebhookAttemptOutcome = 'delivered' | 'failed' | 'refused';

export interface WebhookAttemptDoc {
  _id: string; // `${deliveryId}:${attempt}`
  deliveryId: string;
  endpointId: string;
  incarnation: string;
  eventId: string;
  messageId: string;
  type: WebhookEventType;
  /** Temporal's attempt number of the delivery activity, from 1. */
  attempt: number;
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  outcome: WebhookAttemptOutcome;
}

export function webhookCollections(db: Db) {
  return {
    endpoints: db.collection<WebhookEndpointDoc>('webhook_endpoints'),
    events: db.collection<WebhookEventDoc>('webhook_events'),
    deliveries: db.collection<WebhookDeliveryDoc>('webhook_deliveries'),
    attempts: db.collection<WebhookAttemptDoc>('webhook_attempts'),
  };
}

export async function ensureWebhookIndexes(db: Db): Promise<void> {
  const { attempts, deliveries } = webhookCollections(db);
  await Promise.all([attempts.createIndex({ endpointId: 1, incarnation: 1, at: -1 }), deliveries.createIndex({ endpointId: 1 })]);
}

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 32);

/** Deterministic per event and endpoint incarnation: a retried recording finds the same deliveries. */
export function deliveryIdentity(eventId: string, endpointId: string, incarnation: string): { deliveryId: string; messageId: string } {
  const hash = digest(eventId, endpointId, incarnation);
  return { deliveryId: `dlv_${hash}`, messageId: `msg_${hash}` };
}

// --- endpoints ---

/** Inserts a new endpoint; false when one with this id exists already (the caller updates it instead). */
export async function insertEndpoint(db: Db, doc: WebhookEndpointDoc): Promise<boolean> {
  try {
    await webhookCollections(db).endpoints.insertOne(doc);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

export async function updateEndpoint(db: Db, endpointId: string, settings: WebhookEndpointSettings): Promise<WebhookEndpointDoc | null> {
  return webhookCollections(db).endpoints.findOneAndUpdate({ _id: endpointId }, { $set: { ...settings, updatedAt: new Date() } }, { returnDocument: 'after' });
}

export async function findEndpoint(db: Db, endpointId: string): Promise<WebhookEndpointDoc | null> {
  return webhookCollections(db).endpoints.findOne({ _id: endpointId });
}

export async function listEndpoints(db: Db): Promise<WebhookEndpointDoc[]> {
  return webhookCollections(db).endpoints.find({}).sort({ _id: 1 }).toArray();
}

/** Deletes an endpoint and its attempt log; deliveries still under way find it gone and stop. */
export async function deleteEndpoint(db: Db, endpointId: string): Promise<boolean> {
  const { endpoints, attempts } = webhookCollections(db);
  const deleted = await endpoints.findOneAndDelete({ _id: endpointId });
  if (!deleted) return false;
  await attempts.deleteMany({ endpointId, incarnation: deleted.incarnation });
  return true;
}

export const subscribes = (endpoint: Pick<WebhookEndpointDoc, 'events' | 'companyIds'>, type: WebhookEventType, companyId: string): boolean =>
  endpoint.events.includes(type) && (endpoint.companyIds === null || endpoint.companyIds.includes(companyId));

// --- events and deliveries ---

/**
 * Records an event once, with a delivery for each endpoint subscribed to it now. A second recording of the
 * same event (a retried activity) keeps the first one's body and deliveries and answers them.
 */
export async function recordEvent(db: Db, event: Omit<WebhookEventDoc, 'deliveryIds' | 'recordedAt'>, endpoints: WebhookEndpointDoc[]): Promise<WebhookEventDoc> {
  const { events, deliveries } = webhookCollections(db);
  const existing = await events.findOne({ _id: event._id });
  if (existing) return existing;
  const now = new Date();
  const docs: WebhookDeliveryDoc[] = endpoints.map((endpoint) => {
    const { deliveryId, messageId } = deliveryIdentity(event._id, endpoint._id, endpoint.incarnation);
    return { _id: deliveryId, eventId: event._id, endpointId: endpoint._id, incarnation: endpoint.incarnation, messageId, type: event.type, companyId: event.companyId, createdAt: now };
  });
  // Deliveries first: an event document always names deliveries that exist.
  await insertOnce(deliveries, docs);
  await insertOnce(events, [{ ...event, deliveryIds: docs.map((d) => d._id), recordedAt: now }]);
  const recorded = await events.findOne({ _id: event._id });
  if (!recorded) throw new Error(`webhook event ${event._id} was not recorded`);
  return recorded;
}

export async function findDelivery(db: Db, deliveryId: string): Promise<WebhookDeliveryDoc | null> {
  return webhookCollections(db).deliveries.findOne({ _id: deliveryId });
}

export async function findEvent(db: Db, eventId: string): Promise<WebhookEventDoc | null> {
  return webhookCollections(db).events.findOne({ _id: eventId });
}

export async function markDelivered(db: Db, deliveryId: string, at: Date): Promise<void> {
  await webhookCollections(db).deliveries.updateOne({ _id: deliveryId }, { $set: { deliveredAt: at } });
}

// --- attempts ---

/** Logs one attempt; a second log of the same attempt number (the activity's completion was lost) keeps the first. */
export async function recordAttempt(db: Db, attempt: Omit<WebhookAttemptDoc, '_id'>): Promise<void> {
  await insertOnce(webhookCollections(db).attempts, [{ _id: `${attempt.deliveryId}:${attempt.attempt}`, ...attempt }]);
}

export interface AttemptCursor {
  at: Date;
  id: string;
}

/** An endpoint's attempts, newest first; `after` continues a page. Reads one more than `limit` to tell whether more follow. */
export async function listAttempts(db: Db, endpoint: Pick<WebhookEndpointDoc, '_id' | 'incarnation'>, opts: { limit: number; after?: AttemptCursor }): Promise<WebhookAttemptDoc[]> {
  const filter: Filter<WebhookAttemptDoc> = { endpointId: endpoint._id, incarnation: endpoint.incarnation };
  if (opts.after) filter.$or = [{ at: { $lt: opts.after.at } }, { at: opts.after.at, _id: { $lt: opts.after.id } }];
  return webhookCollections(db).attempts.find(filter).sort({ at: -1, _id: -1 }).limit(opts.limit + 1).toArray();
}
