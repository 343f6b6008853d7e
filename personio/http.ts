/**
 * One Personio HTTP request: rate-limited, with a timeout on every attempt, retried with exponential
 * backoff and jitter inside a bounded budget, mapped to a PersonioError when it finally fails.
 */
import type { PersonioEndpoint } from './endpoints.js';
import { ENDPOINT_LABEL } from './endpoints.js';
import {
  PersonioError,
  errorFromFetchFailure,
  errorFromResponse,
  markCommitUnknown,
  unexpectedResponse,
  type Redactor,
} from './errors.js';
import { abortableSleep, untilAborted } from './abort.js';
import type { RequestBudget } from './shared-budget.js';
import type { PersonioLogger, PersonioRequestObserver } from './types.js';

export interface ResolvedRetryConfig {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  budgetMs: number;
  minRateLimitDelayMs: number;
  /** How long a 429 without Retry-After may need to clear (a per-minute window); 0 = do not wait it out. */
  rateLimitWindowMs: number;
}

export interface HttpContext {
  timeoutMs: number;
  retry: ResolvedRetryConfig;
  logger: PersonioLogger;
  redact: Redactor;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  observer?: PersonioRequestObserver;
}

/**
 * - `idempotent`: replaying is harmless (GETs, the token request): retry 429, 408, 5xx, network errors and timeouts.
 * - `no-replay`: a POST that creates something and has no idempotency key. A network error, a timeout or a 5xx
 *   may come AFTER Personio committed it (commit-then-drop), so replaying could pay an employee twice. Only a 429
 *   (rejected before processing) is retried; every other failure is thrown at once, marked `commitUnknown`,
 *   and the caller reconciles against Personio before it posts again.
 */
export type ReplayPolicy = 'idempotent' | 'no-replay';

export interface HttpRequest {
  endpoint: PersonioEndpoint;
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  policy: ReplayPolicy;
  limiter: RequestBudget;
  /** Aborts the wait for a slot, a retry's pause and the request in flight (an activity's cancellation). */
  signal?: AbortSignal;
  /** Runs right before every send (retries included) and may throw to stop it: a fence for writes. */
  beforeSend?: () => Promise<void>;
  /** The scopes of the token sent (empty when Personio did not say): tells a missing scope from another refusal. */
  grantedScopes?: readonly string[];
}

export interface HttpResponse {
  status: number;
  body: unknown;
}

export async function sendWithRetry(ctx: HttpContext, req: HttpRequest): Promise<HttpResponse> {
  const random = ctx.random ?? Math.random;
  const startedAt = Date.now();
  // Personio documents no Retry-After: a 429 without it is waited out for a whole window once before giving up.
  let waitedWholeWindow = false;
  for (let attempt = 1; ; attempt++) {
    await req.limiter.acquire(req.signal);
    await req.beforeSend?.();
    let error: PersonioError;
    try {
      return await sendOnce(ctx, req);
    } catch (err) {
      if (!(err instanceof PersonioError)) throw err;
      error = err;
    }

    let delayMs = retryDelay(ctx.retry, attempt, error, random);
    const replayable = req.policy === 'idempotent' || error.kind === 'rate_limited';
    if (!error.retryable || !replayable) {
      // A no-replay POST that failed without a definite answer may have been committed.
      throw req.policy === 'no-replay' && error.retryable ? markCommitUnknown(error) : error;
    }
    const elapsed = Date.now() - startedAt;
    const exhausted = attempt >= ctx.retry.maxAttempts || elapsed + delayMs > ctx.retry.budgetMs;
    const unknownWindow = error.kind === 'rate_limited' && error.retryAfterMs === undefined && ctx.retry.rateLimitWindowMs > 0;
    if (unknownWindow && (exhausted || delayMs >= ctx.retry.rateLimitWindowMs) && !waitedWholeWindow) {
      waitedWholeWindow = true;
      delayMs = ctx.retry.rateLimitWindowMs;
    } else if (exhausted) {
      ctx.logger.warn('personio retries exhausted', {
        endpoint: req.endpoint,
        kind: error.kind,
        status: error.status,
        attempt,
        elapsedMs: elapsed,
      });
      throw error;
    }
    // The credential's window is full: every caller of this credential waits, not only this one.
    if (error.kind === 'rate_limited') req.limiter.pause(delayMs);
    ctx.logger.warn('personio request failed, retrying', {
      endpoint: req.endpoint,
      kind: error.kind,
      status: error.status,
      traceId: error.traceId,
      attempt,
      delayMs,
    });
    if (ctx.sleep) await untilAborted(ctx.sleep(delayMs), req.signal);
    else await abortableSleep(delayMs, req.signal);
  }
}

/** Exponential backoff with jitter; a Retry-After wins; a 429 without it waits at least minRateLimitDelayMs. */
export function retryDelay(
  retry: ResolvedRetryConfig,
  attempt: number,
  error: PersonioError,
  random: () => number = Math.random,
): number {
  if (error.retryAfterMs !== undefined) return error.retryAfterMs;
  const exponential = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  // "Equal jitter": half fixed, half random, so concurrent callers spread out but never retry at once.
  const delay = Math.round(exponential / 2 + random() * (exponential / 2));
  return error.kind === 'rate_limited' ? Math.max(retry.minRateLimitDelayMs, delay) : delay;
}

async function sendOnce(ctx: HttpContext, req: HttpRequest): Promise<HttpResponse> {
  const started = Date.now();
  let status: number;
  let text: string;
  let retryAfter: string | null;
  try {
    const init: RequestInit = {
      method: req.method,
      headers: req.headers,
      signal: req.signal ? AbortSignal.any([AbortSignal.timeout(ctx.timeoutMs), req.signal]) : AbortSignal.timeout(ctx.timeoutMs),
      redirect: 'error',
    };
    if (req.body !== undefined) init.body = req.body;
    const res = await fetch(req.url, init);
    status = res.status;
    retryAfter = res.headers.get('retry-after');
    // The body is read under the same timeout signal.
    text = await res.text();
    ctx.observer?.requestDone(req.endpoint, status);
  } catch (err) {
    // Stopped from outside (the activity was cancelled): not a Personio failure.
    if (req.signal?.aborted) throw req.signal.reason;
    const error = errorFromFetchFailure(err, { endpoint: req.endpoint, timeoutMs: ctx.timeoutMs, host: req.url.host });
    ctx.observer?.requestDone(req.endpoint, error.kind === 'timeout' ? 'timeout' : 'network');
    ctx.logger.debug('personio request failed', {
      endpoint: req.endpoint,
      kind: error.kind,
      durationMs: Date.now() - started,
    });
    throw error;
  }
  ctx.logger.debug('personio request', {
    endpoint: req.endpoint,
    method: req.method,
    path: req.url.pathname,
    status,
    durationMs: Date.now() - started,
  });
  if (status < 200 || status >= 300) {
    throw errorFromResponse({
      endpoint: req.endpoint,
      status,
      bodyText: text,
      retryAfterHeader: retryAfter,
      redact: ctx.redact,
      ...(req.grantedScopes ? { grantedScopes: req.grantedScopes } : {}),
    });
  }
  if (text.trim() === '') return { status, body: undefined };
  try {
    return { status, body: JSON.parse(text) as unknown };
  } catch {
    throw unexpectedResponse(req.endpoint, `HTTP ${status} without valid JSON from ${ENDPOINT_LABEL[req.endpoint]}`, status);
  }
}
