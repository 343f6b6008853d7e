/**
 * The Personio v2 client. A factory owns (through its registry, see registry.ts), per credential, one token
 * cache and one rate limiter, so the many short-lived clients of one worker process share one token and one
 * request budget.
 */
import { ENDPOINT_PATHS, type PersonioEndpoint } from './endpoints.js';
import { PersonioError, markCommitUnknown, unexpectedResponse, type Redactor } from './errors.js';
import { sendWithRetry, type HttpContext, type HttpResponse, type ReplayPolicy } from './http.js';
import { periodDays } from '../payroll/period.js';
import { centsToValue } from './money.js';
import { collectPages } from './pagination.js';
import { matchPersonsByEmail, normalizeEmail, swapCase } from './person-matching.js';
import type { RateLimiter } from './rate-limiter.js';
import { createPersonioCredentialRegistry, DEFAULT_REQUESTS_PER_MINUTE, type CredentialState } from './registry.js';
import {
  listEnvelopeSchema,
  parseCompensation,
  parseCompensationType,
  parsePerson,
  tokenResponseSchema,
} from './schemas.js';
import type { CachedToken } from './token-cache.js';
import type {
  CreateCompensationInput,
  FindPersonsByEmailResult,
  PersonioClient,
  PersonioClientConfig,
  PersonioCompensation,
  PersonioCredentials,
  PersonioLogger,
  PersonioPerson,
} from './types.js';

export { normalizeEmail };

export const DEFAULT_BASE_URL = 'https://api.personio.de';
export const DEFAULTS = {
  timeoutMs: 15_000,
  requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE,
  retry: { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, budgetMs: 120_000, minRateLimitDelayMs: 1_000, rateLimitWindowMs: 60_000 },
} as const;

/** Persons per request when filtering by email or person id (Personio's persons limit is 50). */
export const BATCH_SIZE = 50;
const PERSONS_PAGE_LIMIT = 50;
const TYPES_PAGE_LIMIT = 100;
const COMPENSATIONS_PAGE_LIMIT = 100;

const noopLogger: PersonioLogger = { debug() {}, info() {}, warn() {} };

/** Case-insensitive, trimmed, inner whitespace collapsed: the form type names are compared in. */
export function normalizeTypeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** `YYYY-MM` → the whole month as Personio's start_date/end_date. */
export function monthWindow(period: string): { startDate: string; endDate: string } {
  const { first, last } = periodDays(period);
  return { startDate: first, endDate: last };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createPersonioClientFactory(config: PersonioClientConfig): (creds: PersonioCredentials) => PersonioClient {
  const baseUrl = (config.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
  const logger = config.logger ?? noopLogger;
  const registry =
    config.registry ??
    createPersonioCredentialRegistry({
      ...(config.requestsPerMinute !== undefined ? { requestsPerMinute: config.requestsPerMinute } : {}),
      ...(config.burst !== undefined ? { burst: config.burst } : {}),
    });
  const retry = {
    maxAttempts: Math.max(1, config.retry?.maxAttempts ?? DEFAULTS.retry.maxAttempts),
    baseDelayMs: config.retry?.baseDelayMs ?? DEFAULTS.retry.baseDelayMs,
    maxDelayMs: config.retry?.maxDelayMs ?? DEFAULTS.retry.maxDelayMs,
    budgetMs: config.retry?.budgetMs ?? DEFAULTS.retry.budgetMs,
    minRateLimitDelayMs: config.retry?.minRateLimitDelayMs ?? DEFAULTS.retry.minRateLimitDelayMs,
    rateLimitWindowMs: config.retry?.rateLimitWindowMs ?? DEFAULTS.retry.rateLimitWindowMs,
  };
  const timeoutMs = config.timeoutMs ?? DEFAULTS.timeoutMs;

  const commonHeaders: Record<string, string> = { Accept: 'application/json' };
  if (config.partnerId) commonHeaders['X-Personio-Partner-ID'] = config.partnerId;
  if (config.appId) commonHeaders['X-Personio-App-ID'] = config.appId;

  function stateFor(creds: PersonioCredentials): CredentialState {
    return registry.stateFor(creds, (tokenLimiter, redact) => fetchToken(creds, tokenLimiter, redact));
  }

  function httpContext(redact: Redactor): HttpContext {
    return { timeoutMs, retry, logger, redact };
  }

  async function fetchToken(creds: PersonioCredentials, limiter: RateLimiter, redact: Redactor): Promise<CachedToken> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
    });
    if (config.scopes && config.scopes.length > 0) form.set('scope', config.scopes.join(' '));
    const requestedAt = Date.now();
    const res = await sendWithRetry(httpContext(redact), {
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

  return function createClient(creds: PersonioCredentials): PersonioClient {
    if (!creds.clientId || !creds.clientSecret) {
      throw new PersonioError('The Personio client ID or secret is empty: enter the API credentials from Personio.', {
        kind: 'credentials_rejected',
        retryable: false,
      });
    }
    const state = stateFor(creds);
    const ctx = httpContext(state.redact);

    /** A resource call with the shared token; a 401 invalidates it, fetches a new one and retries once. */
    async function call(
      endpoint: PersonioEndpoint,
      method: 'GET' | 'POST',
      url: URL,
      opts: { json?: unknown; policy?: ReplayPolicy } = {},
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

    const client: PersonioClient = {
      async authenticate() {
        const token = await state.tokens.get();
        return { grantedScopes: [...token.grantedScopes] };
      },

      async listPersonsPage(opts = {}) {
        const limit = opts.limit ?? 10;
        const emails = opts.email?.map(normalizeEmail).filter(Boolean);
        const url = resourceUrl('persons.list', {
          limit: String(limit),
          email: emails && emails.length > 0 ? emails.join(',') : undefined,
        });
        const res = await call('persons.list', 'GET', url);
        const page = readPage('persons.list', res);
        const persons = parseAll('persons.list', page.items, parsePerson);
        return page.nextHref ? { persons, nextHref: page.nextHref } : { persons };
      },

      async findPersonsByEmail(emails) {
        const wanted = Array.from(new Set(emails.map(normalizeEmail).filter((e) => e !== '')));
        // A comma would split the filter list: such an address cannot be looked up (and is not a usable email).
        const searchable = wanted.filter((e) => !e.includes(','));
        const found: PersonioPerson[] = [];
        for (const batch of chunk(searchable, BATCH_SIZE)) {
          const batchSet = new Set(batch);
          const url = resourceUrl('persons.list', { email: batch.join(','), limit: String(PERSONS_PAGE_LIMIT) });
          const persons = parseAll('persons.list', await listAll('persons.list', url, PERSONS_PAGE_LIMIT), parsePerson);
          found.push(
            ...keepRequested('persons.list', persons, (p) => (p.email !== undefined && batchSet.has(normalizeEmail(p.email)) ? undefined : 'otherEmail')),
          );
        }
        return matchPersonsByEmail(wanted, found);
      },

      async listAllPersons() {
        const url = resourceUrl('persons.list', { limit: String(PERSONS_PAGE_LIMIT) });
        return parseAll('persons.list', await listAll('persons.list', url, PERSONS_PAGE_LIMIT), parsePerson);
      },

      async probeEmailFilterCase() {
        const { persons } = await client.listPersonsPage({ limit: PERSONS_PAGE_LIMIT });
        const sample = persons.find((p) => p.email !== undefined && swapCase(p.email.trim()) !== p.email.trim());
        if (!sample?.email) return 'unknown';
        // Asked raw (not lowercased like every other lookup): the answer shows what Personio's filter does.
        const url = resourceUrl('persons.list', { email: swapCase(sample.email.trim()), limit: String(PERSONS_PAGE_LIMIT) });
        const page = readPage('persons.list', await call('persons.list', 'GET', url));
        const answered = parseAll('persons.list', page.items, parsePerson);
        const result = answered.some((p) => p.id === sample.id) ? 'ignores_case' : 'case_sensitive';
        logger.info('personio email filter probed', { clientId: state.clientId, result });
        return result;
      },

      async listCompensationTypes() {
        const url = resourceUrl('compensationTypes.list', { limit: String(TYPES_PAGE_LIMIT) });
        return parseAll('compensationTypes.list', await listAll('compensationTypes.list', url, TYPES_PAGE_LIMIT), parseCompensationType);
      },

      async createCompensationType(name) {
        const clean = name.trim().replace(/\s+/g, ' ');
        if (clean === '') throw new RangeError('compensation type name must not be empty');
        const url = resourceUrl('compensationTypes.create', {});
        // no-replay: a dropped answer may hide a created type; the caller lists the types before creating again.
        const res = await call('compensationTypes.create', 'POST', url, {
          json: { name: clean, category: 'ONE_TIME' },
          policy: 'no-replay',
        });
        const type = parseCompensationType(res.body);
        if (!type) throw markCommitUnknown(unexpectedResponse('compensationTypes.create', 'no type id', res.status));
        return type;
      },

      async listCompensations({ period, personIds }) {
        const { startDate, endDate } = monthWindow(period);
        const ids = Array.from(new Set(personIds.map((id) => id.trim()).filter(Boolean)));
        const out: PersonioCompensation[] = [];
        for (const batch of chunk(ids, BATCH_SIZE)) {
          const url = resourceUrl('compensations.list', {
            start_date: startDate,
            end_date: endDate,
            'person.id': batch.join(','),
            limit: String(COMPENSATIONS_PAGE_LIMIT),
          });
          const batchSet = new Set(batch);
          const held = parseAll('compensations.list', await listAll('compensations.list', url, COMPENSATIONS_PAGE_LIMIT), parseCompensation);
          out.push(
            ...keepRequested('compensations.list', held, (c) =>
              !batchSet.has(c.personId) ? 'otherPerson' : c.effectiveFrom < startDate || c.effectiveFrom > endDate ? 'outsideWindow' : undefined,
              ['outsideWindow'],
            ),
          );
        }
        return out;
      },

      async createCompensation(input: CreateCompensationInput) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(input.effectiveFrom)) {
          throw new RangeError(`effectiveFrom must be YYYY-MM-DD, got ${JSON.stringify(input.effectiveFrom)}`);
        }
        const body: Record<string, unknown> = {
          person: { id: input.personId },
          type: { id: input.typeId },
          value: centsToValue(input.amountCents), // throws RangeError unless integer cents
          currency: input.currency,
          effective_from: input.effectiveFrom,
        };
        if (input.comment !== undefined) body.comment = input.comment;
        const url = resourceUrl('compensations.create', {});
        // no-replay: see ReplayPolicy. Only a 429 (or a 401, see call()) leads to a second POST.
        const res = await call('compensations.create', 'POST', url, { json: body, policy: 'no-replay' });
        const created = parseCompensation(res.body);
        if (created) return created;
        // Committed (2xx) but unreadable: build the result from what we sent if at least an id came back.
        const id = res.body && typeof res.body === 'object' ? (res.body as { id?: unknown }).id : undefined;
        if (typeof id === 'string' || typeof id === 'number') {
          const fallback: PersonioCompensation = {
            id: String(id),
            personId: input.personId,
            typeId: input.typeId,
            amountCents: input.amountCents,
            currency: input.currency,
            effectiveFrom: input.effectiveFrom,
          };
          if (input.comment !== undefined) fallback.comment = input.comment;
          return fallback;
        }
        throw markCommitUnknown(unexpectedResponse('compensations.create', 'no compensation id', res.status));
      },
    };
    return client;
  };
}

