import { z } from '@hono/zod-openapi';

export const companyIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, "_" or "-", starting with a letter or digit')
  .openapi({ param: { name: 'companyId', in: 'path' }, example: 'acme-gmbh' });

export const companyParams = z.object({ companyId: companyIdSchema });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  })
  .openapi('Problem');

export const problemResponses = {
  400: { description: 'Invalid input', content: { 'application/problem+json': { schema: problemSchema } } },
  401: { description: 'Missing or wrong API token', content: { 'application/problem+json': { schema: problemSchema } } },
  404: { description: 'Unknown company or resource', content: { 'application/problem+json': { schema: problemSchema } } },
} as const;

/** Statuses of every operation that takes a JSON body (api/app.ts: bodyLimit and requireJsonBody). */
export const bodyProblemResponses = {
  413: { description: 'The body exceeds the configured size (MAX_BODY_BYTES)', content: { 'application/problem+json': { schema: problemSchema } } },
  415: { description: 'The body is not application/json', content: { 'application/problem+json': { schema: problemSchema } } },
} as const;

/** 429 of the routes that start a workflow (api/rate-limits.ts: per API token and per company, a one-minute window). */
export const rateLimitedResponses = {
  429: {
    description: 'Too many requests that start work (per API token or per company and minute; type urn:payroll-sync:problem:rate-limited)',
    headers: {
      'Retry-After': { description: 'Seconds until the window resets', schema: { type: 'integer' as const } },
      RateLimit: { description: 'The current window (IETF draft 7)', schema: { type: 'string' as const } },
      'RateLimit-Policy': { description: 'The limit and window (IETF draft 7)', schema: { type: 'string' as const } },
    },
    content: { 'application/problem+json': { schema: problemSchema } },
  },
} as const;

/**
 * A text that is not blank once trimmed, as a JSON Schema pattern (ECMAScript's \S is the complement of what
 * String.prototype.trim removes, so `.trim().min(1)` and this pattern agree).
 */
export const NOT_BLANK_PATTERN = '\\S';

/** The rule of z.email() (zod's own regex): the document states it, since JSON Schema's format "email" is wider. */
export const EMAIL_PATTERN = z.regexes.email.source;

/** The rule of z.uuid() (RFC 9562 versions 1–8, nil and max): format "uuid" alone would allow any hex digits. */
export const UUID_PATTERN = z.regexes.uuid().source;

export function isIanaTimezone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The cursors of this API: base64url of a small JSON object, opaque to clients. */
export const CURSOR_PATTERN = '^[A-Za-z0-9_-]{1,200}$';

export const cursorQuerySchema = z
  .string()
  .max(200)
  .optional()
  .openapi({
    param: { name: 'cursor', in: 'query' },
    pattern: CURSOR_PATTERN,
    description: 'The nextCursor of the previous page (see the NextPage link), opaque; a value this API did not hand out is a 400.',
  });

/**
 * The IANA zone names of this runtime's time-zone data (Intl.supportedValuesOf), plus UTC: the document lists them as
 * the enum, so a client and a fuzzer pick names the validator accepts. The validator also accepts aliases its data
 * knows (such as US/Eastern, or a name in other letter case).
 */
export const TIME_ZONES: readonly string[] = [...new Set(['UTC', 'Etc/UTC', ...Intl.supportedValuesOf('timeZone')])].filter(isIanaTimezone).sort();

export const timezoneSchema = z
  .string()
  .refine(isIanaTimezone, 'must be an IANA time zone such as Europe/Berlin')
  .openapi({
    enum: [...TIME_ZONES],
    description: 'An IANA time zone such as Europe/Berlin: one of the listed canonical names (aliases the server’s time-zone data knows are accepted too).',
    example: 'Europe/Berlin',
  });
