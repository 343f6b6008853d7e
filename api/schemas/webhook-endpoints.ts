import { z } from '@hono/zod-openapi';
import { WEBHOOK_EVENT_TYPES } from '../../contracts/webhooks.js';
import { webhookUrlShapeProblem } from '../../security/webhook-targets.js';
import { companyIdSchema, cursorQuerySchema } from './common.js';

export const endpointIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, "_" or "-", starting with a letter or digit')
  .openapi({ param: { name: 'endpointId', in: 'path' }, example: 'platform-main' });

export const endpointParams = z.object({ endpointId: endpointIdSchema });

const SHAPE_REASONS = {
  not_a_url: 'must be an absolute URL',
  not_http: 'must be an http:// or https:// URL',
  has_credentials: 'must not carry a user name or password',
} as const;

/**
 * An absolute http(s) URL without user name or password whose host is a DNS name (labels of letters, digits and single
 * hyphens, so never a "xn--" label; the last one starts with a letter) or a dotted IPv4 address; port 0–65535. The
 * validator (WHATWG URL: http or https, no credentials) accepts every such text, and some others too (IPv6 literals,
 * internationalised names), which the description mentions.
 */
const LABEL = '[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*';
const LAST_LABEL = '[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*';
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const PORT = '(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}|0)';
export const WEBHOOK_URL_PATTERN = `^[Hh][Tt][Tt][Pp][Ss]?://(?:(?:${LABEL}\\.)*${LAST_LABEL}\\.?|${OCTET}(?:\\.${OCTET}){3})(?::${PORT})?(?:[/?#][!-~]*)?$`;

export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .superRefine((value, ctx) => {
    const problem = webhookUrlShapeProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: SHAPE_REASONS[problem] });
  })
  .openapi({
    format: 'uri',
    pattern: WEBHOOK_URL_PATTERN,
    description: 'An absolute http:// or https:// URL without user name or password (trimmed). IPv6 literals and internationalised host names are accepted as well.',
    example: 'https://platform.example.com/hooks/payroll-sync',
  });

export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);

export const webhookEndpointInputSchema = z
  .object({
    url: webhookUrlSchema,
    events: z
      .array(webhookEventTypeSchema)
      .min(1, 'subscribe to at least one event')
      .refine((events) => new Set(events).size === events.length, 'must not list an event twice')
      .openapi({ uniqueItems: true }),
    description: z.string().trim().max(500).nullable().default(null),
    /** Only these companies' events; null or absent: every company's. */
    companyIds: z
      .array(companyIdSchema)
      .min(1, 'list at least one company, or send null for every company')
      .max(1000)
      .refine((ids) => new Set(ids).size === ids.length, 'must not list a company twice')
      .openapi({ uniqueItems: true })
      .nullable()
      .default(null),
  })
  .strict()
  .openapi('WebhookEndpointInput');

export const webhookEndpointSchema = z
  .object({
    endpointId: z.string(),
    url: z.string(),
    events: z.array(webhookEventTypeSchema),
    description: z.string().nullable(),
    companyIds: z.array(z.string()).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    links: z.object({ self: z.string(), deliveries: z.string() }),
  })
  .openapi('WebhookEndpoint');

/** The answer of the PUT that created the endpoint: the only time its signing secret is shown. */
export const createdWebhookEndpointSchema = webhookEndpointSchema
  .extend({
    secret: z.string().regex(/^whsec_/).openapi({
      description: 'The signing secret (Standard Webhooks, `whsec_` + base64). Shown once, in this answer only: store it now.',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
  })
  .openapi('CreatedWebhookEndpoint');

export const webhookEndpointListSchema = z.object({ items: z.array(webhookEndpointSchema) }).openapi('WebhookEndpoints');

export const webhookDeliveryAttemptSchema = z
  .object({
    deliveryId: z.string(),
    eventId: z.string(),
    type: webhookEventTypeSchema,
    webhookId: z.string().openapi({ description: 'The `webhook-id` header: the same on every attempt of one delivery.' }),
    attempt: z.number().int(),
    at: z.string(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int(),
    outcome: z.enum(['delivered', 'failed', 'refused']),
  })
  .openapi('WebhookDeliveryAttempt');

export const deliveryListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ param: { name: 'limit', in: 'query' }, example: 50 }),
  cursor: cursorQuerySchema,
});

export const webhookDeliveryPageSchema = z
  .object({ items: z.array(webhookDeliveryAttemptSchema), nextCursor: z.string().nullable() })
  .openapi('WebhookDeliveryAttempts');
