import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { deleteEndpoint, findEndpoint, insertEndpoint, listAttempts, listEndpoints, updateEndpoint, type WebhookAttemptDoc, type WebhookEndpointDoc } from '../../db/webhooks.js';
import { encryptWebhookSecret, generateWebhookSecret } from '../../security/webhook-secrets.js';
import { privateTargetReason, resolveTarget, TargetResolutionError } from '../../security/webhook-targets.js';
import type { ApiDeps } from '../deps.js';
import { ApiProblem } from '../problem.js';
import { bodyProblemResponses, problemResponses, problemSchema } from '../schemas/common.js';
import { nextPageLink, webhookEndpointLinks } from '../schemas/links.js';
import {
  createdWebhookEndpointSchema,
  deliveryListQuerySchema,
  endpointParams,
  webhookDeliveryPageSchema,
  webhookEndpointInputSchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
} from '../schemas/webhook-endpoints.js';

/** Problem type of a webhook URL on a private network while such targets are not allowed. */
export const WEBHOOK_TARGET_NOT_ALLOWED = 'urn:payroll-sync:problem:webhook-target-not-allowed';

const RESOLVE_TIMEOUT_MS = 3_000;
const TAGS = ['Webhooks'];

const path = (endpointId: string) => `/v1/webhook-endpoints/${endpointId}`;

function endpointView(doc: WebhookEndpointDoc) {
  // Whitelisted fields: the encrypted secret and the incarnation never leave the database.
  return {
    endpointId: doc._id,
    url: doc.url,
    events: doc.events,
    description: doc.description,
    companyIds: doc.companyIds,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    links: { self: path(doc._id), deliveries: `${path(doc._id)}/deliveries` },
  };
}

function attemptView(doc: WebhookAttemptDoc) {
  return {
    deliveryId: doc.deliveryId,
    eventId: doc.eventId,
    type: doc.type,
    webhookId: doc.messageId,
    attempt: doc.attempt,
    at: doc.at.toISOString(),
    statusCode: doc.statusCode,
    error: doc.error,
    durationMs: doc.durationMs,
    outcome: doc.outcome,
  };
}

const encodeCursor = (doc: WebhookAttemptDoc) => Buffer.from(JSON.stringify({ t: doc.at.getTime(), id: doc._id })).toString('base64url');
function decodeCursor(value: string): { at: Date; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
    if (typeof parsed.t === 'number' && typeof parsed.id === 'string') return { at: new Date(parsed.t), id: parsed.id };
  } catch {
    // fall through
  }
  throw new ApiProblem(400, 'Invalid request', { errors: [{ field: 'cursor', reason: 'is not a cursor returned by this API' }] });
}

const notFound = (endpointId: string) =>
  new ApiProblem(404, 'Not Found', { detail: `No webhook endpoint ${endpointId}.`, errors: [{ field: 'endpointId', reason: 'unknown webhook endpoint' }] });

const json = <S extends z.ZodType>(schema: S, description: string, links?: ReturnType<typeof webhookEndpointLinks>) => ({
  description,
  content: { 'application/json': { schema } },
  ...(links ? { links } : {}),
});

export function registerWebhookEndpointRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  /** A host that cannot be resolved now is accepted: the worker checks the target again before every attempt. */
  async function refusePrivateTarget(url: string): Promise<void> {
    if (deps.config.webhookAllowPrivateTargets) return;
    let reason: string | undefined;
    try {
      reason = privateTargetReason(await resolveTarget(new URL(url), { timeoutMs: RESOLVE_TIMEOUT_MS }));
    } catch (error) {
      if (error instanceof TargetResolutionError) return;
      throw error;
    }
    if (!reason) return;
    throw new ApiProblem(422, 'Webhook target not allowed', {
      type: WEBHOOK_TARGET_NOT_ALLOWED,
      detail: `${reason}. Webhooks are not sent into private networks unless the service runs with WEBHOOK_ALLOW_PRIVATE_TARGETS=true.`,
      errors: [{ field: 'url', reason: `${reason}: private-network targets are not allowed` }],
    });
  }

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/webhook-endpoints/{endpointId}',
      operationId: 'putWebhookEndpoint',
      tags: TAGS,
      summary: 'Create or update a webhook endpoint (the signing secret is returned once, on creation)',
      description:
        'Events are POSTed to `url` following Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), retried with backoff for up to 24 h. Creating answers 201 with `secret` (`whsec_…`), the only time it is shown; updating keeps the secret and answers 200 without it. Targets on private networks (loopback, RFC 1918, link-local, unique-local, CGNAT, or names resolving to them) are a 422 unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true.',
      request: { params: endpointParams, body: { required: true, content: { 'application/json': { schema: webhookEndpointInputSchema } } } },
      responses: {
        200: json(webhookEndpointSchema, 'Updated (the secret is unchanged and not shown)', webhookEndpointLinks()),
        201: json(createdWebhookEndpointSchema, 'Created: the answer carries the signing secret, once', webhookEndpointLinks()),
        ...problemResponses,
        409: { description: 'The endpoint was created and deleted concurrently: send the request again', content: { 'application/problem+json': { schema: problemSchema } } },
        422: { description: 'The URL is a private-network target (type urn:payroll-sync:problem:webhook-target-not-allowed)', content: { 'application/problem+json': { schema: problemSchema } } },
        ...bodyProblemResponses,
      },
    }),
    async (c) => {
      const { endpointId } = c.req.valid('param');
      const input = c.req.valid('json');
      await refusePrivateTarget(input.url);
      // Insert first (atomic by _id); a taken id is an update. Twice, for a delete in between.
      for (let round = 0; round < 2; round++) {
        const now = new Date();
        const incarnation = randomUUID();
        const secret = generateWebhookSecret();
        const doc: WebhookEndpointDoc = { _id: endpointId, incarnation, ...input, secret: encryptWebhookSecret(deps.cipher, endpointId, incarnation, secret), createdAt: now, updatedAt: now };
        if (await insertEndpoint(deps.db, doc)) {
          c.header('location', path(endpointId));
          return c.json({ ...endpointView(doc), secret }, 201);
        }
        const updated = await updateEndpoint(deps.db, endpointId, input);
        if (updated) return c.json(endpointView(updated), 200);
      }
      throw new ApiProblem(409, 'Conflict', { detail: `Webhook endpoint ${endpointId} was created and deleted concurrently; send the request again.` });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/webhook-endpoints',
      operationId: 'listWebhookEndpoints',
      tags: TAGS,
      summary: 'Every webhook endpoint (never a secret)',
      responses: { 200: json(webhookEndpointListSchema, 'The endpoints, by id'), 401: problemResponses[401] },
    }),
    async (c) => c.json({ items: (await listEndpoints(deps.db)).map(endpointView) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/webhook-endpoints/{endpointId}',
      operationId: 'getWebhookEndpoint',
      tags: TAGS,
      summary: 'A webhook endpoint (the secret is never shown again)',
      request: { params: endpointParams },
      responses: { 200: json(webhookEndpointSchema, 'The endpoint'), ...problemResponses },
    }),
    async (c) => {
      const { endpointId } = c.req.valid('param');
      const endpoint = await findEndpoint(deps.db, endpointId);
      if (!endpoint) throw notFound(endpointId);
      return c.json(endpointView(endpoint), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/webhook-endpoints/{endpointId}',
      operationId: 'deleteWebhookEndpoint',
      tags: TAGS,
      summary: 'Delete a webhook endpoint: deliveries under way stop before their next attempt',
      request: { params: endpointParams },
      responses: { 204: { description: 'Deleted' }, ...problemResponses },
    }),
    async (c) => {
      const { endpointId } = c.req.valid('param');
      if (!(await deleteEndpoint(deps.db, endpointId))) throw notFound(endpointId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/webhook-endpoints/{endpointId}/deliveries',
      operationId: 'listWebhookDeliveries',
      tags: TAGS,
      summary: 'Delivery attempts to this endpoint, newest first',
      request: { params: endpointParams, query: deliveryListQuerySchema },
      responses: {
        200: json(webhookDeliveryPageSchema, 'A page of attempts; nextCursor continues it', nextPageLink('listWebhookDeliveries', { endpointId: '$request.path.endpointId' })),
        ...problemResponses,
      },
    }),
    async (c) => {
      const { endpointId } = c.req.valid('param');
      const query = c.req.valid('query');
      const endpoint = await findEndpoint(deps.db, endpointId);
      if (!endpoint) throw notFound(endpointId);
      const attempts = await listAttempts(deps.db, endpoint, { limit: query.limit, ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}) });
      const page = attempts.slice(0, query.limit);
      const last = page[page.length - 1];
      return c.json({ items: page.map(attemptView), nextCursor: attempts.length > query.limit && last ? encodeCursor(last) : null }, 200);
    },
  );
}
