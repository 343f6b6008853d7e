/**
 * The Personio v2 client. A factory owns (through its registry, see registry.ts), per credential, one token
 * cache and one rate limiter, so the many short-lived clients of one worker process share one token and one
 * request budget.
 */
import { ENDPOINT_PATHS, type PersonioEndpoint } from './endpoints.js';
import { PersonioError, markCommitUnknown, unexpectedResponse, type Redactor } from './errors.js';
import { sendWithRetry, type HttpContext, type HttpResponse, type ReplayPolicy } from './http.js';
import { centsToValue } from './money.js';
import { cursorOf, resolveNextHref } from './pagination.js';
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

export const DEFAULT_BASE_URL = 'https://api.personio.de';
export const DEFAULTS = {
  timeoutMs: 15_000,
  requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE,
  retry: { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, budgetMs: 120_000, minRateLimitDelayMs: 1_000 },
} as const;

/** Persons per request when filtering by email or person id (Personio's persons limit is 50). */
export const BATCH_SIZE = 50;
const PERSONS_PAGE_LIMIT = 50;
const TYPES_PAGE_LIMIT = 100;
const COMPENSATIONS_PAGE_LIMIT = 100;
/** Safety net against a server that never ends a listing. */
const MAX_PAGES = 10_000;

const noopLogger: PersonioLogger = { debug() {}, info() {}, warn() {} };

/** trim + lowercase: the form emails are compared and keyed in. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Case-insensitive, trimmed, inner whitespace collapsed: the form type names are compared in. */
export function normalizeTypeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** `YYYY-MM` → the whole month as Personio's start_date/end_date. */
export function monthWindow(period: string): { startDate: string; endDate: string } {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) throw new RangeError(`period must be YYYY-MM, got ${JSON.stringify(period)}`);
  const year = Number(m[1]);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { startDate: `${m[1]}-${m[2]}-01`, endDate: `${m[1]}-${m[2]}-${String(lastDay).padStart(2, '0')}` };
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
        });
      const token = await state.tokens.get();
      try {
        return await send(token);
      } catch (err) {
        // A 401 means the request was not processed, so it is safe to send again, even a POST.
        if (!(err instanceof PersonioError) || err.status !== 401) throw err;
        logger.info('personio token rejected, fetching a new one', { clientId: state.clientId, endpoint });
        state.tokens.invalidate(token.accessToken);
        const fresh = await state.tokens.get();
        return await send(fresh);
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

    /** Every item of a listing, following next links until there is none or a cursor repeats. */
    async function listAll(endpoint: PersonioEndpoint, firstUrl: URL): Promise<unknown[]> {
      const items: unknown[] = [];
      const seen = new Set<string>();
      let url: URL | undefined = firstUrl;
      for (let page = 0; url; page++) {
        if (page >= MAX_PAGES) {
          logger.warn('personio listing stopped after too many pages', { endpoint, pages: page });
          break;
        }
        const res = await call(endpoint, 'GET', url);
        const { items: pageItems, nextHref } = readPage(endpoint, res);
        items.push(...pageItems);
        url = undefined;
        if (nextHref) {
          const next = resolveNextHref(nextHref, baseUrl, logger);
          const cursor = cursorOf(next);
          if (seen.has(cursor)) {
            logger.warn('personio returned a cursor it had already returned; stopping this listing', {
              endpoint,
              pages: page + 1,
              items: items.length,
            });
          } else {
            seen.add(cursor);
            url = next;
          }
        }
      }
      return items;
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
        const byEmail = new Map<string, Map<string, PersonioPerson>>();
        for (const batch of chunk(searchable, BATCH_SIZE)) {
          const batchSet = new Set(batch);
          const url = resourceUrl('persons.list', { email: batch.join(','), limit: String(PERSONS_PAGE_LIMIT) });
          const raw = await listAll('persons.list', url);
          for (const person of parseAll('persons.list', raw, parsePerson)) {
            if (!person.email) continue;
            const email = normalizeEmail(person.email);
            if (!batchSet.has(email)) continue;
            let persons = byEmail.get(email);
            if (!persons) byEmail.set(email, (persons = new Map()));
            persons.set(person.id, person);
          }
        }
        const result: FindPersonsByEmailResult = { matched: new Map(), unmatched: [], ambiguous: [] };
        for (const email of wanted) {
          const persons = byEmail.get(email);
          if (!persons || persons.size === 0) result.unmatched.push(email);
          else if (persons.size === 1) result.matched.set(email, persons.values().next().value as PersonioPerson);
          else result.ambiguous.push({ email, personIds: Array.from(persons.keys()) });
        }
        return result;
      },

      async listCompensationTypes() {
        const url = resourceUrl('compensationTypes.list', { limit: String(TYPES_PAGE_LIMIT) });
        const raw = await listAll('compensationTypes.list', url);
        return parseAll('compensationTypes.list', raw, parseCompensationType);
      },

      async findCompensationTypeByName(name) {
        const wanted = normalizeTypeName(name);
        const matches = (await client.listCompensationTypes()).filter((t) => normalizeTypeName(t.name) === wanted);
        return matches.find((t) => t.category === 'ONE_TIME') ?? matches[0];
      },

      async createCompensationType(name) {
        const clean = name.trim().replace(/\s+/g, ' ');
        if (clean === '') throw new RangeError('compensation type name must not be empty');
        const url = resourceUrl('compensationTypes.create', {});
        // no-replay: a dropped answer may hide a created type; the caller looks it up by name before retrying.
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
          const raw = await listAll('compensations.list', url);
          out.push(...parseAll('compensations.list', raw, parseCompensation));
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

