// Webhook targets on private networks, with WEBHOOK_ALLOW_PRIVATE_TARGETS off (the production default) for the API
// and the worker: refused by the API with a 422 naming the url, and refused again, for good, at delivery time when
// a target has become private since it was set (DNS changes).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_TARGET_NOT_ALLOWED } from '../../api/routes/webhook-endpoints.js';
import { insertEndpoint } from '../../db/webhooks.js';
import { encryptWebhookSecret, generateWebhookSecret } from '../../security/webhook-secrets.js';
import { createdWebhookEndpointSchema, problemSchema, webhookDeliveryPageSchema } from '../support/api-schemas.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { publish, syncCompletedEvent } from './support.js';

let h: Harness;
let target: WebhookReceiver;
let counter = 0;

beforeAll(async () => {
  [h, target] = await Promise.all([startHarness({ webhookAllowPrivateTargets: false }), startWebhookReceiver()]);
});
afterAll(async () => {
  await target?.close();
  await h?.close();
});

// Subscribed to a company no event here is for: nothing is ever sent to these public addresses.
const putPublic = (url: string) => h.api('PUT', `/v1/webhook-endpoints/public-${++counter}`, { url, events: ['payroll_sync.completed'], companyIds: ['no-events-here'] });

describe('private-network webhook targets', () => {
  it.each([
    ['http://127.0.0.1:8080/hooks', 'loopback'],
    ['http://localhost/hooks', 'loopback'],
    ['http://0x7f.1/hooks', 'loopback'],
    ['http://[::1]/hooks', 'loopback'],
    ['http://[::ffff:127.0.0.1]/hooks', 'loopback'],
    ['http://10.1.2.3/hooks', 'private'],
    ['https://172.20.0.5/hooks', 'private'],
    ['http://192.168.1.20/hooks', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://[fe80::1]/hooks', 'linkLocal'],
    ['http://[fd00:ec2::254]/hooks', 'uniqueLocal'],
    ['http://100.64.0.1/hooks', 'carrierGradeNat'],
    ['http://0.0.0.0/hooks', 'unspecified'],
  ])('refuses %s (%s) with a 422 naming the url', async (url, range) => {
    const res = await h.apiAs(problemSchema, 'PUT', `/v1/webhook-endpoints/refused-${++counter}`, { url, events: ['payroll_sync.completed'] });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.json.type).toBe(WEBHOOK_TARGET_NOT_ALLOWED);
    expect(res.json.errors).toEqual([{ field: 'url', reason: expect.stringContaining(`private-network address (${range})`) }]);
    expect(res.json.detail).toContain('WEBHOOK_ALLOW_PRIVATE_TARGETS');
    expect((await h.api('GET', `/v1/webhook-endpoints/refused-${counter}`)).status).toBe(404);
  });

  it.each(['https://hooks.platform.example.com/payroll-sync', 'https://93.184.215.14/hooks', 'http://[2606:4700:4700::1111]/hooks'])('accepts a public target: %s', async (url) => {
    const res = await putPublic(url);
    expect(res.status, res.text).toBe(201);
    expect(createdWebhookEndpointSchema.parse(res.json).url).toBe(url);
    expect((await h.api('DELETE', `/v1/webhook-endpoints/public-${counter}`)).status).toBe(204);
  });

  it('refuses for good at delivery time a target that has become private since it was set', async () => {
    // As if the endpoint's name resolved publicly when it was set and to 127.0.0.1 now: stored as the API stores it.
    const endpointId = `rebound-${randomUUID().slice(0, 8)}`;
    const incarnation = randomUUID();
    const now = new Date();
    await insertEndpoint(h.db, {
      _id: endpointId,
      incarnation,
      url: target.url,
      events: ['payroll_sync.completed'],
      description: null,
      companyIds: ['acme-gmbh'],
      secret: encryptWebhookSecret(h.deps.cipher, endpointId, incarnation, generateWebhookSecret()),
      createdAt: now,
      updatedAt: now,
    });

    const result = await publish(h, syncCompletedEvent('acme-gmbh'));
    expect(result.deliveries.map((d) => d.outcome)).toEqual(['refused']);
    expect(target.received).toHaveLength(0);
    const log = await h.apiAs(webhookDeliveryPageSchema, 'GET', `/v1/webhook-endpoints/${endpointId}/deliveries`);
    // One attempt: a refusal is not retried.
    expect(log.json.items).toEqual([expect.objectContaining({ attempt: 1, outcome: 'refused', statusCode: null, error: expect.stringContaining('127.0.0.1 is a private-network address (loopback)') })]);
  });
});
