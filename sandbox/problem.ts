/** Personio's error bodies: the v2 envelope (application/problem+json) and OAuth2 errors of the token endpoint. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

const CODES: Record<number, { code: string; title: string }> = {
  400: { code: 'common.bad_request', title: 'Bad Request' },
  401: { code: 'common.unauthorized', title: 'Unauthorized' },
  403: { code: 'common.forbidden', title: 'Forbidden' },
  404: { code: 'common.resource_not_found', title: 'Not Found' },
  405: { code: 'common.method_not_allowed', title: 'Method Not Allowed' },
  429: { code: 'common.too_many_requests', title: 'Too Many Requests' },
  500: { code: 'common.internal_server_error', title: 'Internal Server Error' },
  502: { code: 'common.bad_gateway', title: 'Bad Gateway' },
  503: { code: 'common.service_unavailable', title: 'Service Unavailable' },
  504: { code: 'common.gateway_timeout', title: 'Gateway Timeout' },
};

export interface V2ErrorEnvelope {
  personio_trace_id: string;
  timestamp: string;
  errors: { title: string; detail: string; type: string; _meta: Record<string, unknown> }[];
}

export function v2ErrorBody(status: number, details: string[], now: Date): V2ErrorEnvelope {
  const info = CODES[status] ?? { code: status >= 500 ? 'common.internal_server_error' : 'common.bad_request', title: 'Error' };
  return {
    personio_trace_id: randomUUID(),
    timestamp: now.toISOString(),
    errors: details.map((detail) => ({
      title: info.title,
      detail,
      type: `https://developer.personio.de/reference/errors#${info.code}`,
      _meta: {},
    })),
  };
}

export function problem(
  c: Context,
  status: number,
  detail: string | string[],
  now: Date,
  headers: Record<string, string> = {},
): Response {
  const details = Array.isArray(detail) ? detail : [detail];
  return c.body(JSON.stringify(v2ErrorBody(status, details, now)), status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
    ...headers,
  });
}

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'access_denied';

export function oauthError(
  c: Context,
  error: OAuthErrorCode,
  description: string,
  now: Date,
  status = 400,
  headers: Record<string, string> = {},
): Response {
  return c.body(
    JSON.stringify({
      error,
      error_description: description,
      error_uri: 'https://developer.personio.de/reference/post_v2-auth-token',
      timestamp: now.toISOString(),
      trace_id: randomUUID(),
      meta: {},
    }),
    status as ContentfulStatusCode,
    { 'content-type': 'application/json', ...headers },
  );
}

/** A v2 request's JSON object body as a record (a non-object body reads as empty), or the 400 to answer. */
export async function readJsonObject(c: Context, now: () => Date): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; res: Response }> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return { ok: false, res: problem(c, 400, 'The request body must be valid JSON.', now()) };
  }
  return { ok: true, body: (body && typeof body === 'object' ? body : {}) as Record<string, unknown> };
}
