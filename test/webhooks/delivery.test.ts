// Webhooks on the real stack: endpoints through the API, events delivered by the worker's Temporal activities to
// real HTTP receivers, signed the Standard Webhooks way and verified with the `standardwebhooks` package; retries
// with backoff, every attempt in the delivery log; the signing secret shown once and nowhere else.
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../contracts/webhooks.js';
import { generateWebhookSecret } from '../../security/webhook-secrets.js';
import { createdWebhookEndpointSchema, problemSchema, webhookDeliveryPageSchema, webhookEndpointListSchema, webhookEndpointSchema } from '../support/api-schemas.js';
import { startHarness, type Harness } from '../support/harness.js';
import { databaseText, historyText } from '../support/secrets.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.js';
import { publish, publishWorkflowId, startPublish, syncCompletedEvent } from './support.js';

let h: Harness;
const receivers: WebhookReceiver[] = [];
/** Every answer except the PUTs that created an endpoint (the only ones that may show its secret). */
const otherResponses: string[] = [];
const secrets: string[] = [];
const publishedEvents: WebhookEvent[] = [];
let counter = 0;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await h?.close();
});

async function receiver(statuses: number[] = []): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(statuses);
  receivers.push(r);
  return r;
}

/** Creates an endpoint through the API and answers its id and secret. */
async function createEndpoint(body: Record<string, unknown>): Promise<{ endpointId: string; secret: string }> {
  const endpointId = `ep-${++counter}`;
  const res = await h.apiAs(createdWebhookEndpointSchema, 'PUT', `/v1/webhook-endpoints/${endpointId}`, body);
  expect(res.status, res.text).toBe(201);
  secrets.push(res.json.secret);
  return { endpointId, secret: res.json.secret };
}

async function deliveries(endpointId: string, query = '') {
  const res = await h.apiAs(webhookDeliveryPageSchema, 'GET', `/v1/webhook-endpoints/${endpointId}/deliveries${query}`);
  otherResponses.push(res.text);
  expect(res.status).toBe(200);
  return res.json;
}

const headersOf = (request: ReceivedWebhook) => ({
  'webhook-id': String(request.headers['webhook-id']),
  'webhook-timestamp': String(request.headers['webhook-timestamp']),
  'webhook-signature': String(request.headers['webhook-signature']),
});

async function publishAndRemember(event: WebhookEvent) {
  publishedEvents.push(event);
  return publish(h, event);
}

describe('webhook endpoints', () => {
  it('creates an endpoint whose secret is shown once, in the creating answer; GET, list and update never show it', async () => {
    const url = 'http://127.0.0.1:9/never-called';
    const created = await h.apiAs(createdWebhookEndpointSchema, 'PUT', '/v1/webhook-endpoints/platform-main', {
      url,
      events: ['payroll_sync.completed', 'payroll_sync.failed'],
      description: 'the platform',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/webhook-endpoints/platform-main');
    const { secret } = created.json;
    secrets.push(secret);
    // Standard Webhooks: whsec_ + base64 of the key (32 random bytes here).
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(created.json).toMatchObject({ endpointId: 'platform-main', url, events: ['payroll_sync.completed', 'payroll_sync.failed'], description: 'the platform', companyIds: null });

    const read = await h.apiAs(webhookEndpointSchema, 'GET', '/v1/webhook-endpoints/platform-main');
    otherResponses.push(read.text);
    expect(read.status).toBe(200);
    expect(read.json).not.toHaveProperty('secret');
    expect(read.json.links.deliveries).toBe('/v1/webhook-endpoints/platform-main/deliveries');

    const updated = await h.apiAs(webhookEndpointSchema, 'PUT', '/v1/webhook-endpoints/platform-main', { url, events: ['payroll_sync.failed'], companyIds: ['acme-gmbh'] });
    otherResponses.push(updated.text);
    expect(updated.status).toBe(200);
    expect(updated.json).not.toHaveProperty('secret');
    expect(updated.json).toMatchObject({ events: ['payroll_sync.failed'], companyIds: ['acme-gmbh'], description: null, createdAt: read.json.createdAt });

    const list = await h.apiAs(webhookEndpointListSchema, 'GET', '/v1/webhook-endpoints');
    otherResponses.push(list.text);
    expect(list.json.items.map((e) => e.endpointId)).toContain('platform-main');

    const removed = await h.api('DELETE', '/v1/webhook-endpoints/platform-main');
    expect(removed.status).toBe(204);
    const gone = await h.apiAs(problemSchema, 'GET', '/v1/webhook-endpoints/platform-main');
    otherResponses.push(gone.text);
    expect(gone.status).toBe(404);
    expect((await h.api('DELETE', '/v1/webhook-endpoints/platform-main')).status).toBe(404);
  });

  it.each([
    [{ url: 'ftp://platform.example/hooks', events: ['payroll_sync.completed'] }, 'url', /http:\/\/ or https:\/\//],
    [{ url: 'not a url', events: ['payroll_sync.completed'] }, 'url', /absolute URL/],
    [{ url: 'https://user:pass@platform.example/hooks', events: ['payroll_sync.completed'] }, 'url', /user name or password/],
    [{ url: 'https://platform.example/hooks', events: [] }, 'events', /at least one event/],
    [{ url: 'https://platform.example/hooks', events: ['payroll_sync.failed', 'payroll_sync.failed'] }, 'events', /twice/],
    [{ url: 'https://platform.example/hooks', events: ['payroll_sync.started'] }, 'events[0]', /./],
    [{ url: 'https://platform.example/hooks', events: ['payroll_sync.failed'], companyIds: [] }, 'companyIds', /at least one company/],
    [{ url: 'https://platform.example/hooks', events: ['payroll_sync.failed'], secret: 'whsec_mine' }, '(body)', /secret/],
  ])('refuses %j naming the field %s', async (body, field, reason) => {
    const res = await h.apiAs(problemSchema, 'PUT', '/v1/webhook-endpoints/bad-input', body);
    otherResponses.push(res.text);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = res.json.errors?.find((e) => e.field === field);
    expect(problem, JSON.stringify(res.json.errors)).toBeDefined();
    expect(problem!.reason).toMatch(reason);
    expect((await h.api('GET', '/v1/webhook-endpoints/bad-input')).status).toBe(404);
  });
});

describe('webhook delivery', () => {
  it('delivers a signed event to the subscribed endpoints only; it verifies with the returned secret and not with another', async () => {
    const [subscribed, otherType, otherCompany] = await Promise.all([receiver(), receiver(), receiver()]);
    const { endpointId, secret } = await createEndpoint({ url: subscribed.url, events: ['payroll_sync.completed', 'payroll_sync.failed'], companyIds: ['acme-gmbh'] });
    await createEndpoint({ url: otherType.url, events: ['personio_connection.broken'] });
    await createEndpoint({ url: otherCompany.url, events: ['payroll_sync.completed'], companyIds: ['other-gmbh'] });

    const event = syncCompletedEvent('acme-gmbh');
    const result = await publishAndRemember(event);
    expect(result.deliveries.map((d) => d.outcome)).toEqual(['delivered']);
    expect(subscribed.received).toHaveLength(1);
    expect(otherType.received).toHaveLength(0);
    expect(otherCompany.received).toHaveLength(0);

    const [request] = subscribed.received as [ReceivedWebhook];
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]+$/);
    expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    // The receiver's side: the standardwebhooks verifier with the secret the PUT returned.
    const payload = new Webhook(secret).verify(request.body, headersOf(request));
    expect(payload).toEqual({ type: 'payroll_sync.completed', timestamp: event.occurredAt, data: event.data });
    expect(() => new Webhook(generateWebhookSecret()).verify(request.body, headersOf(request))).toThrow(WebhookVerificationError);
    expect(() => new Webhook(secret).verify(request.body.replace('"succeeded"', '"failed"'), headersOf(request))).toThrow(WebhookVerificationError);

    const log = await deliveries(endpointId);
    expect(log.items).toEqual([
      expect.objectContaining({ eventId: event.eventId, type: 'payroll_sync.completed', webhookId: request.headers['webhook-id'], attempt: 1, statusCode: 200, error: null, outcome: 'delivered' }),
    ]);

    // The same event once more (a replayed emitter): recorded once, delivered once.
    const again = await publishAndRemember(event);
    expect(again.deliveries.map((d) => d.outcome)).toEqual(['delivered']);
    expect(subscribed.received).toHaveLength(1);
    expect((await deliveries(endpointId)).items).toHaveLength(1);
  });

  it('retries a receiver that answers 500 three times with backoff: four requests with one webhook-id and body, four attempts logged', async () => {
    const flaky = await receiver([500, 500, 500]);
    const { endpointId, secret } = await createEndpoint({ url: flaky.url, events: ['payroll_sync.failed'], companyIds: ['retry-gmbh'] });
    const event = syncCompletedEvent('retry-gmbh', { type: 'payroll_sync.failed' });
    event.eventId = event.eventId.replace(':completed', ':failed');
    event.data = { companyId: 'retry-gmbh', syncId: String(event.data.syncId), period: '2026-05', status: 'failed', failureType: 'Personio.unauthorized', counts: { entries: 12, failed: 12 } };

    const result = await publishAndRemember(event);
    expect(result.deliveries.map((d) => d.outcome)).toEqual(['delivered']);
    expect(flaky.received).toHaveLength(4);
    expect(new Set(flaky.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(flaky.received.map((r) => r.body)).size).toBe(1);
    // Every attempt is signed afresh (its own timestamp) and verifies.
    for (const request of flaky.received) expect(new Webhook(secret).verify(request.body, headersOf(request))).toMatchObject({ type: 'payroll_sync.failed' });
    // Backoff 200 ms, 400 ms, 800 ms (the harness's tuning): not three immediate retries.
    expect(flaky.received[3]!.receivedAt - flaky.received[0]!.receivedAt).toBeGreaterThanOrEqual(1_300);

    const log = await deliveries(endpointId);
    expect(log.items.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [4, 200, 'delivered'],
      [3, 500, 'failed'],
      [2, 500, 'failed'],
      [1, 500, 'failed'],
    ]);
    expect(new Set(log.items.map((a) => a.webhookId))).toEqual(new Set([flaky.received[0]!.headers['webhook-id']]));
    expect(log.items.every((a) => a.durationMs >= 0 && Date.parse(a.at) > 0)).toBe(true);
    expect(log.nextCursor).toBeNull();

    const first = await deliveries(endpointId, '?limit=3');
    expect(first.items.map((a) => a.attempt)).toEqual([4, 3, 2]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await deliveries(endpointId, `?limit=3&cursor=${first.nextCursor}`);
    expect(second.items.map((a) => a.attempt)).toEqual([1]);
    expect(second.nextCursor).toBeNull();
  });

  it('stops retrying when the endpoint is deleted meanwhile', async () => {
    const down = await receiver(Array.from({ length: 100 }, () => 503));
    const { endpointId } = await createEndpoint({ url: down.url, events: ['payroll_sync.completed'], companyIds: ['deleted-gmbh'] });
    const event = syncCompletedEvent('deleted-gmbh');
    publishedEvents.push(event);
    const handle = await startPublish(h, event);
    await down.waitFor(2);
    expect((await h.api('DELETE', `/v1/webhook-endpoints/${endpointId}`)).status).toBe(204);
    const result = await handle.result();
    expect(result.deliveries.map((d) => d.outcome)).toEqual(['endpoint_deleted']);
    const calls = down.received.length;
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(3); // at most the attempt that was under way during the DELETE
    expect(h.logs.some((line) => line.includes('webhook endpoint deleted: delivery stopped') && line.includes(endpointId))).toBe(true);
    expect((await h.api('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`)).status).toBe(404);
  });

  it('keeps the secret out of every other answer, out of MongoDB in clear, out of the Temporal histories and the logs', async () => {
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    const stored = await databaseText(h.db);
    // Stored, encrypted: every endpoint document holds a ciphertext of its secret.
    const endpointDocs = await h.db.collection('webhook_endpoints').find({}).toArray();
    expect(endpointDocs.length).toBeGreaterThan(0);
    for (const doc of endpointDocs) expect(doc.secret).toMatchObject({ keyId: 'test-key', ciphertext: expect.any(String), iv: expect.any(String), tag: expect.any(String) });
    const histories = await Promise.all(publishedEvents.map(async (event) => historyText(await h.temporal.workflow.getHandle(publishWorkflowId(event)).fetchHistory())));
    expect(histories.join('\n')).toContain('deliverWebhook');
    for (const secret of secrets) {
      const key = secret.slice('whsec_'.length);
      for (const [where, text] of [
        ['an API answer', otherResponses.join('\n')],
        ['MongoDB', stored],
        ['a Temporal history', histories.join('\n')],
        ['the logs', h.logs.join('\n')],
      ] as const) {
        expect(text.includes(key), `the secret appears in ${where}`).toBe(false);
      }
    }
  });
});
