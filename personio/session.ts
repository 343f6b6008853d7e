// One credential's session: its shared token and rate budget, resource calls (a 401 or a refused granted scope
// retried once with a new token), URLs, and the listing helpers every read uses.
import { ENDPOINT_PATHS, type PersonioEndpoint } from './endpoints.js';
import { PersonioError, unexpectedResponse, type Redactor } from './errors.js';
import { sendWithRetry, type HttpResponse, type ReplayPolicy } from './http.js';
import { collectPages } from './pagination.js';
import type { RateLimiter } from './rate-limiter.js';
import type { CredentialState } from './registry.js';
import { listEnvelopeSchema, tokenResponseSchema } from './schemas.js';
import type { ClientSettings } from './settings.js';
import type { CachedToken } from './token-cache.js';
import type { PersonioCredentials, PersonioLogger } from './types.js';

export interface PersonioSession {
  readonly state: CredentialState;
  readonly logger: PersonioLogger;
  call(endpoint: PersonioEndpoint, method: 'GET' | 'POST', url: URL, opts?: CallOptions): Promise<HttpResponse>;
  resourceUrl(endpoint: PersonioEndpoint, query: Record<string, string | undefined>): URL;
  readPage(endpoint: PersonioEndpoint, res: HttpResponse): { items: unknown[]; nextHref?: string };
  listAll(endpoint: PersonioEndpoint, firstUrl: URL, limit: number): Promise<unknown[]>;
  keepRequested<T>(endpoint: PersonioEndpoint, items: T[], reasonOutside: (item: T) => string | undefined, expected?: readonly string[]): T[];
  parseAll<T>(endpoint: PersonioEndpoint, raw: unknown[], parse: (r: unknown) => T | undefined): T[];
}

export interface CallOptions {
  json?: unknown;
  policy?: ReplayPolicy;
  /** Runs right before every send of this request (retries included); may throw to stop it (a write's fence). */
  beforeSend?: () => Promise<void>;
}

/** `signal`: aborts every wait and request of this session (an activity's cancellation). */
export function createSession(settings: ClientSettings, creds: PersonioCredentials, signal?: AbortSignal): PersonioSession {
  const { baseUrl, logger, commonHeaders } = settings;

  async function fetchToken(limiter: RateLimiter, redact: Redactor): Promise<CachedToken> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
    });
    if (settings.scopes.length > 0) form.set('scope', settings.scopes.join(' '));
    const requestedAt = Date.now();
    const res = await sendWithRetry(settings.httpContext(redact), {
      endpoint: 'auth.token',
      method: 'POST',
      url: new URL(`${baseUrl}${ENDPOINT_PATHS['auth.token']}`),
      headers: { ...commonHeaders, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      policy: 'idempotent',
      limiter,
    });
    const parsed = tokenResponseSchema.safeParse(res.body);
    if (!parsed.success) throw unexpectedResponse('auth.token', 'no access_token', res.status);
    const expiresInS = parsed.data.expires_in ?? 3600;
    const grantedScopes = (parsed.data.scope ?? '').split(/\s+/).filter(Boolean);
    logger.info('personio token fetched', { clientId: creds.clientId, expiresInS, scopes: grantedScopes });
    return { accessToken: parsed.data.access_token, expiresAt: requestedAt + expiresInS * 1000, grantedScopes };
  }

  const state = settings.registry.stateFor(creds, fetchToken);
  const ctx = settings.httpContext(state.redact);

  /**
   * A resource call with the shared token. A 401, or a 403 on a scope the token lists, invalidates the token and
   * sends once more with a new one (both mean the request was not processed).
   */
  async function call(
    endpoint: PersonioEndpoint,
    method: 'GET' | 'POST',
    url: URL,
    opts: CallOptions = {},
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...commonHeaders };
    if (opts.json !== undefined) headers['Content-Type'] = 'application/json';
    const body = opts.json !== undefined ? JSON.stringify(opts.json) : undefined;
    const policy = opts.policy ?? (method === 'GET' ? 'idempotent' : 'no-replay');
    const send = (token: CachedToken) =>
      sendWithRetry(ctx, {
        endpoint,
        method,
        url,
        headers: { ...headers, Authorization: `Bearer ${token.accessToken}` },
        ...(body !== undefined ? { body } : {}),
        policy,
        limiter: state.limiter,
        grantedScopes: token.grantedScopes,
        ...(signal ? { signal } : {}),
        ...(opts.beforeSend ? { beforeSend: opts.beforeSend } : {}),
      });
    const token = await state.tokens.get();
    try {
      return await send(token);
    } catch (err) {
      // A 401 or 403 means the request was not processed, so it is safe to send again, even a POST.
      if (!(err instanceof PersonioError)) throw err;
      if (err.status === 401) {
        logger.info('personio token rejected, fetching a new one', { clientId: state.clientId, endpoint });
        state.tokens.invalidate(token.accessToken);
        return await send(await state.tokens.get());
      }
      // Refused although the token lists the scope: the scopes may have changed since the token was issued.
      // A fresh token (at most one per token) tells a withdrawn scope from a type or entity closed to the credential.
      if (err.kind === 'write_refused' && !token.scopesRecheckedAfterRefusal) {
        logger.info('personio refused a granted scope, checking the scopes with a new token', { clientId: state.clientId, endpoint });
        state.tokens.invalidate(token.accessToken);
        const fresh = await state.tokens.get();
        fresh.scopesRecheckedAfterRefusal = true;
        return await send(fresh);
      }
      throw err;
    }
  }

  function resourceUrl(endpoint: PersonioEndpoint, query: Record<string, string | undefined>): URL {
    const url = new URL(`${baseUrl}${ENDPOINT_PATHS[endpoint]}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    return url;
  }

  function readPage(endpoint: PersonioEndpoint, res: HttpResponse): { items: unknown[]; nextHref?: string } {
    const parsed = listEnvelopeSchema.safeParse(res.body);
    if (!parsed.success) throw unexpectedResponse(endpoint, 'no _data list', res.status);
    const next = parsed.data._meta?.links?.next?.href;
    return next ? { items: parsed.data._data, nextHref: next } : { items: parsed.data._data };
  }

  /** Every item of a listing (see collectPages: a listing that cannot be shown complete fails). */
  function listAll(endpoint: PersonioEndpoint, firstUrl: URL, limit: number): Promise<unknown[]> {
    return collectPages(async (url) => readPage(endpoint, await call(endpoint, 'GET', url)), firstUrl, { endpoint, baseUrl, limit, logger });
  }

  /** Drops items the request did not ask for (a server that lost the filters on a later page), and says so. */
  function keepRequested<T>(
    endpoint: PersonioEndpoint,
    items: T[],
    reasonOutside: (item: T) => string | undefined,
    /** Reasons a correct Personio may well give (e.g. a RECURRING compensation listed in every later month): info, not warn. */
    expected: readonly string[] = [],
  ): T[] {
    const kept: T[] = [];
    const outside = new Map<string, number>();
    for (const item of items) {
      const reason = reasonOutside(item);
      if (reason === undefined) kept.push(item);
      else outside.set(reason, (outside.get(reason) ?? 0) + 1);
    }
    if (outside.size > 0) {
      const level = [...outside.keys()].every((r) => expected.includes(r)) ? 'info' : 'warn';
      logger[level]('personio listing held items outside the request; ignored', { endpoint, ...Object.fromEntries(outside) });
    }
    return kept;
  }

  function parseAll<T>(endpoint: PersonioEndpoint, raw: unknown[], parse: (r: unknown) => T | undefined): T[] {
    const out: T[] = [];
    let skipped = 0;
    for (const r of raw) {
      const item = parse(r);
      if (item) out.push(item);
      else skipped++;
    }
    if (skipped > 0) logger.warn('personio items skipped: missing required fields', { endpoint, skipped });
    return out;
  }

  return { state, logger, call, resourceUrl, readPage, listAll, keepRequested, parseAll };
}
