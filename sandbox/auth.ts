/** POST /v2/auth/token and POST /v2/auth/revoke. */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Hono } from 'hono';
import type { SandboxEnv } from './env.js';
import { oauthError } from './problem.js';
import { checkTokenEndpoint } from './rate-limit.js';
import type { SandboxState } from './state.js';

export const TOKEN_TTL_SECONDS = 86_400;

function isForm(contentType: string | undefined): boolean {
  return (contentType ?? '').toLowerCase().split(';')[0]?.trim() === 'application/x-www-form-urlencoded';
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function registerAuthRoutes(app: Hono<SandboxEnv>, state: SandboxState, now: () => Date): void {
  app.post('/v2/auth/token', async (c) => {
    const nowDate = now();
    const nowMs = nowDate.getTime();
    const form = isForm(c.req.header('content-type')) ? new URLSearchParams(await c.req.text()) : undefined;
    const clientId = form?.get('client_id') ?? '';
    if (clientId) c.set('clientId', clientId);

    const rate = checkTokenEndpoint(state, clientId || '(none)', nowMs);
    if (!rate.allowed) {
      return oauthError(c, 'temporarily_unavailable', 'Too many token requests: slow down.', nowDate, 429, {
        'retry-after': String(rate.retryAfterSeconds),
      });
    }
    if (!form) {
      return oauthError(c, 'invalid_request', 'The token request must be application/x-www-form-urlencoded.', nowDate);
    }
    const grantType = form.get('grant_type');
    if (!grantType) return oauthError(c, 'invalid_request', 'grant_type is required.', nowDate);
    if (grantType !== 'client_credentials') {
      return oauthError(c, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.', nowDate);
    }
    const clientSecret = form.get('client_secret') ?? '';
    if (!clientId || !clientSecret) {
      return oauthError(c, 'invalid_request', 'client_id and client_secret are required.', nowDate);
    }
    const credential = state.credentials.get(clientId);
    if (!credential || !sameSecret(credential.clientSecret, clientSecret)) {
      return oauthError(c, 'invalid_client', 'Client authentication failed.', nowDate);
    }
    const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const notGranted = requested.filter((s) => !credential.scopes.includes(s));
    if (notGranted.length > 0) {
      return oauthError(c, 'invalid_scope', `Scope not granted to this client: ${notGranted.join(' ')}.`, nowDate);
    }
    const scopes = requested.length > 0 ? Array.from(new Set(requested)) : [...credential.scopes];

    for (const [t, g] of state.tokens) if (g.expiresAt < nowMs - TOKEN_TTL_SECONDS * 1000) state.tokens.delete(t);
    const accessToken = state.newAccessToken();
    state.tokens.set(accessToken, { clientId, scopes, expiresAt: nowMs + TOKEN_TTL_SECONDS * 1000, revoked: false });
    return c.json({ access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS, scope: scopes.join(' ') });
  });

  app.post('/v2/auth/revoke', async (c) => {
    const nowDate = now();
    if (!isForm(c.req.header('content-type'))) {
      return oauthError(c, 'invalid_request', 'The revoke request must be application/x-www-form-urlencoded.', nowDate);
    }
    const form = new URLSearchParams(await c.req.text());
    const token = form.get('token');
    if (!token) return oauthError(c, 'invalid_request', 'token is required.', nowDate);
    const grant = state.tokens.get(token);
    if (grant) {
      grant.revoked = true;
      c.set('clientId', grant.clientId);
    }
    // RFC 7009: an unknown token is not an error.
    return c.body(null, 200);
  });
}
