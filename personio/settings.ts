// The resolved settings of a client factory: base URL, retries, timeouts, headers, logger, per-credential state.
import type { HttpContext } from './http.js';
import type { Redactor } from './errors.js';
import { createPersonioCredentialRegistry, DEFAULT_REQUESTS_PER_MINUTE, type PersonioCredentialRegistry } from './registry.js';
import type { PersonioClientConfig, PersonioLogger } from './types.js';
import type { ResolvedRetryConfig } from './http.js';

export const DEFAULT_BASE_URL = 'https://api.personio.de';
export const DEFAULTS = {
  timeoutMs: 15_000,
  requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE,
  retry: { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, budgetMs: 120_000, minRateLimitDelayMs: 1_000, rateLimitWindowMs: 60_000 },
} as const;

const noopLogger: PersonioLogger = { debug() {}, info() {}, warn() {} };

export interface ClientSettings {
  baseUrl: string;
  logger: PersonioLogger;
  registry: PersonioCredentialRegistry;
  retry: ResolvedRetryConfig;
  timeoutMs: number;
  /** Accept and the partner/app headers, sent with every request. */
  commonHeaders: Record<string, string>;
  /** Scopes to ask for with a token; empty = every scope granted. */
  scopes: readonly string[];
  httpContext(redact: Redactor): HttpContext;
}

export function resolveClientSettings(config: PersonioClientConfig): ClientSettings {
  const logger = config.logger ?? noopLogger;
  const retry: ResolvedRetryConfig = {
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
  return {
    baseUrl: (config.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, ''),
    logger,
    registry:
      config.registry ??
      createPersonioCredentialRegistry({
        ...(config.requestsPerMinute !== undefined ? { requestsPerMinute: config.requestsPerMinute } : {}),
        ...(config.burst !== undefined ? { burst: config.burst } : {}),
      }),
    retry,
    timeoutMs,
    commonHeaders,
    scopes: config.scopes ?? [],
    httpContext: (redact) => ({ timeoutMs, retry, logger, redact, ...(config.observer ? { observer: config.observer } : {}) }),
  };
}
