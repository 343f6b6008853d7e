/**
 * The one error type of the Personio client, and the one place where HTTP outcomes are mapped to it.
 *
 * Never attach request headers, bodies, tokens or the client secret to an error (not in the message,
 * not as a field, not as `cause`): errors end up in logs, Temporal histories and export logs.
 */
import { ENDPOINT_LABEL, ENDPOINT_SCOPE, type PersonioEndpoint } from './endpoints.js';

export type PersonioErrorKind =
  | 'credentials_rejected'
  | 'permission_missing'
  | 'write_refused'
  | 'validation'
  | 'not_found'
  | 'rate_limited'
  | 'unavailable'
  | 'network'
  | 'timeout'
  | 'unexpected_response'
  | 'inconsistent_listing';

export interface PersonioErrorInit {
  kind: PersonioErrorKind;
  retryable: boolean;
  status?: number;
  traceId?: string;
  detail?: string;
  missingScope?: string;
  retryAfterMs?: number;
  endpoint?: PersonioEndpoint;
  /** The request may have been committed by Personio although no answer arrived: reconcile before re-posting. */
  commitUnknown?: boolean;
}

export class PersonioError extends Error {
  override readonly name = 'PersonioError';
  readonly kind: PersonioErrorKind;
  readonly retryable: boolean;
  declare readonly status?: number;
  declare readonly traceId?: string;
  declare readonly detail?: string;
  declare readonly missingScope?: string;
  declare readonly retryAfterMs?: number;
  declare readonly endpoint?: PersonioEndpoint;
  declare readonly commitUnknown?: boolean;

  constructor(message: string, init: PersonioErrorInit) {
    super(message);
    this.kind = init.kind;
    this.retryable = init.retryable;
    // Only set what is known, so JSON.stringify(err) stays small and honest.
    if (init.status !== undefined) this.status = init.status;
    if (init.traceId !== undefined) this.traceId = init.traceId;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.missingScope !== undefined) this.missingScope = init.missingScope;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.endpoint !== undefined) this.endpoint = init.endpoint;
    if (init.commitUnknown !== undefined) this.commitUnknown = init.commitUnknown;
  }
}

export function isPersonioError(err: unknown): err is PersonioError {
  return err instanceof PersonioError;
}

/** Replaces every occurrence of the given secrets (client secret, tokens) in a text. */
export type Redactor = (text: string) => string;

export function makeRedactor(getSecrets: () => Iterable<string | undefined>): Redactor {
  return (text) => {
    let out = text;
    for (const secret of getSecrets()) {
      if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
    }
    return out;
  };
}

interface ErrorBodyInfo {
  traceId?: string;
  detail?: string;
  oauthError?: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Reads the v2 envelope (`personio_trace_id`, `errors[].detail`), its older form (`trace_id`, `details`) and OAuth2 bodies. */
export function readErrorBody(bodyText: string): ErrorBodyInfo {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    const trimmed = bodyText.trim();
    return trimmed ? { detail: trimmed.slice(0, 300) } : {};
  }
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const info: ErrorBodyInfo = {};
  const traceId = str(b.personio_trace_id) ?? str(b.trace_id);
  if (traceId) info.traceId = traceId;
  const details: string[] = [];
  if (Array.isArray(b.errors)) {
    for (const item of b.errors) {
      if (!item || typeof item !== 'object') continue;
      const e = item as Record<string, unknown>;
      const d = str(e.detail) ?? str(e.details) ?? str(e.title) ?? str(e.message);
      if (d) details.push(d);
    }
  }
  if (details.length === 0) {
    const d = str(b.detail) ?? str(b.details) ?? str(b.error_description) ?? str(b.message);
    if (d) details.push(d);
  }
  if (details.length > 0) info.detail = details.join('; ');
  const oauthError = str(b.error);
  if (oauthError) info.oauthError = oauthError;
  return info;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, nowMs: number = Date.now()): number | undefined {
  if (header == null) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export interface HttpFailure {
  endpoint: PersonioEndpoint;
  status: number;
  bodyText: string;
  retryAfterHeader: string | null;
  redact: Redactor;
  /** The scopes of the token sent; absent or empty when Personio did not say which it granted. */
  grantedScopes?: readonly string[];
}

/** Maps a non-2xx Personio answer to a PersonioError. The only place that decides kinds for HTTP statuses. */
export function errorFromResponse(f: HttpFailure): PersonioError {
  const info = readErrorBody(f.bodyText);
  const detail = info.detail ? f.redact(info.detail) : undefined;
  const label = ENDPOINT_LABEL[f.endpoint];
  const base = {
    status: f.status,
    endpoint: f.endpoint,
    ...(info.traceId ? { traceId: info.traceId } : {}),
    ...(detail ? { detail } : {}),
  };
  const suffix = `${detail ? `: ${detail}` : ''}${info.traceId ? ` (Personio trace id ${info.traceId})` : ''}`;

  if (f.endpoint === 'auth.token' && (f.status === 400 || f.status === 401)) {
    if (info.oauthError === 'invalid_scope') {
      return new PersonioError(
        `Personio refused the requested scopes${suffix}. Grant the missing scopes to the API credential in Personio, or request fewer.`,
        { kind: 'permission_missing', retryable: false, ...base },
      );
    }
    return new PersonioError(
      `Personio rejected the client ID/secret${info.oauthError ? ` (${info.oauthError})` : ''}: check the API credentials in Personio (Settings > Integrations > API credentials) and enter them again.`,
      { kind: 'credentials_rejected', retryable: false, ...base },
    );
  }

  const status = f.status;
  if (status === 401) {
    return new PersonioError(
      `Personio rejected the access token for ${label} even after fetching a new one: check that the API credential is still active in Personio.`,
      { kind: 'credentials_rejected', retryable: false, ...base },
    );
  }
  if (status === 403) {
    const scope = ENDPOINT_SCOPE[f.endpoint];
    const scopesKnown = f.grantedScopes !== undefined && f.grantedScopes.length > 0;
    if (scope && scopesKnown && f.grantedScopes?.includes(scope)) {
      // Personio refuses writes for a compensation type or a legal entity even when the scopes are granted.
      const cause =
        f.endpoint === 'compensations.create'
          ? "the compensation type or the employee's legal entity is probably not writable for this credential"
          : 'a restriction of the credential or of the account applies';
      return new PersonioError(
        `Personio refused ${label} although the API credential has the scope ${scope}: ${cause}. Check the credential's access rights in Personio${suffix}.`,
        { kind: 'write_refused', retryable: false, ...base },
      );
    }
    return new PersonioError(
      `Personio denied ${label}${scope ? `: the API credential probably lacks the scope ${scope}` : ''}${f.endpoint === 'compensations.create' && !scopesKnown ? ', or the compensation type or the employee\'s legal entity is not writable for it' : ''}. Grant it to the API credential in Personio (or lift the restriction) and try again${suffix}.`,
      { kind: 'permission_missing', retryable: false, ...base, ...(scope ? { missingScope: scope } : {}) },
    );
  }
  if (status === 404) {
    return new PersonioError(`Personio could not find the resource of ${label}${suffix}.`, {
      kind: 'not_found',
      retryable: false,
      ...base,
    });
  }
  if (status === 408) {
    return new PersonioError(`Personio timed out answering ${label}; it will be retried${suffix}.`, {
      kind: 'timeout',
      retryable: true,
      ...base,
    });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(f.retryAfterHeader);
    return new PersonioError(
      `Personio's rate limit was reached on ${label}${retryAfterMs !== undefined ? `; retry after ${Math.ceil(retryAfterMs / 1000)} s` : '; retry later'}${suffix}.`,
      { kind: 'rate_limited', retryable: true, ...base, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
    );
  }
  if (status >= 400 && status < 500) {
    return new PersonioError(`Personio rejected ${label} as invalid (HTTP ${status})${suffix}. Correct the data and try again.`, {
      kind: 'validation',
      retryable: false,
      ...base,
    });
  }
  if (status >= 500 && status !== 501 && status !== 505) {
    return new PersonioError(`Personio is unavailable (HTTP ${status} on ${label}); try again later${suffix}.`, {
      kind: 'unavailable',
      retryable: true,
      ...base,
    });
  }
  return new PersonioError(`Personio answered ${label} with an unexpected HTTP ${status}${suffix}.`, {
    kind: 'unexpected_response',
    retryable: false,
    ...base,
  });
}

/** Maps a thrown fetch/body-read failure (no HTTP answer) to a PersonioError. */
export function errorFromFetchFailure(
  err: unknown,
  ctx: { endpoint: PersonioEndpoint; timeoutMs: number; host: string },
): PersonioError {
  const label = ENDPOINT_LABEL[ctx.endpoint];
  const name = err && typeof err === 'object' && 'name' in err ? String((err as { name: unknown }).name) : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new PersonioError(`Personio did not answer ${label} within ${ctx.timeoutMs} ms; try again later.`, {
      kind: 'timeout',
      retryable: true,
      endpoint: ctx.endpoint,
    });
  }
  return new PersonioError(
    `Could not reach Personio at ${ctx.host} for ${label} (${describeNetworkCause(err)}); check the network connection and the Personio base URL.`,
    { kind: 'network', retryable: true, endpoint: ctx.endpoint },
  );
}

/** A short, secret-free description of a network failure (error codes only, never request data). */
function describeNetworkCause(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const c = current as { code?: unknown; cause?: unknown; message?: unknown };
    if (typeof c.code === 'string') parts.push(c.code);
    current = c.cause;
  }
  return parts.length > 0 ? Array.from(new Set(parts)).join(', ') : 'connection failed';
}

/** For a request that must not be replayed: the original error, marked as possibly committed. */
export function markCommitUnknown(err: PersonioError): PersonioError {
  const message = `${err.message} Personio may have committed this POST anyway: reconcile (look the result up in Personio) before posting again.`;
  const init: PersonioErrorInit = {
    kind: err.kind,
    retryable: err.retryable,
    commitUnknown: true,
  };
  if (err.status !== undefined) init.status = err.status;
  if (err.traceId !== undefined) init.traceId = err.traceId;
  if (err.detail !== undefined) init.detail = err.detail;
  if (err.retryAfterMs !== undefined) init.retryAfterMs = err.retryAfterMs;
  if (err.endpoint !== undefined) init.endpoint = err.endpoint;
  return new PersonioError(message, init);
}

export function unexpectedResponse(endpoint: PersonioEndpoint, what: string, status?: number): PersonioError {
  return new PersonioError(`Personio answered ${ENDPOINT_LABEL[endpoint]} with an unexpected body (${what}).`, {
    kind: 'unexpected_response',
    retryable: false,
    endpoint,
    ...(status !== undefined ? { status } : {}),
  });
}

/**
 * A listing that cannot be shown complete. Retryable: a repeated page or a changing item may be transient, and
 * the step that needs the listing must not go on (post) with what it has.
 */
export function inconsistentListing(endpoint: PersonioEndpoint, what: string): PersonioError {
  return new PersonioError(
    `Personio answered ${ENDPOINT_LABEL[endpoint]} with a listing that cannot be shown complete (${what}); nothing was written, the step is retried.`,
    { kind: 'inconsistent_listing', retryable: true, endpoint },
  );
}
