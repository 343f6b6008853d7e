/**
 * Per-credential shared state: one token cache, one request bucket and one token-endpoint bucket per
 * credential (client ID + a hash of the secret). A factory makes its own registry unless it is given
 * one, so several factories (say, a patient one for syncs and a quick one for screens) can share a
 * credential's token and rate budget.
 */
import { createHash } from 'node:crypto';
import { makeRedactor, type Redactor } from './errors.js';
import { RateLimiter, windowSafeBucket } from './rate-limiter.js';
import { SharedRequestBudget, type BudgetStore, type RequestBudget } from './shared-budget.js';
import { TokenCache, type CachedToken } from './token-cache.js';
import type { PersonioCredentials } from './credentials.js';

export const DEFAULT_REQUESTS_PER_MINUTE = 300;
/** Personio allows 150 token requests per minute; the bucket (burst 10 + 140/min) stays within it. */
const TOKEN_REQUESTS_PER_MINUTE = 140;
const TOKEN_BURST = 10;

export interface CredentialState {
  clientId: string;
  tokens: TokenCache;
  /** The credential's request budget: this process's own, or shared by every process through a BudgetStore. */
  limiter: RequestBudget;
  tokenLimiter: RateLimiter;
  redact: Redactor;
}

export interface PersonioCredentialRegistryOptions {
  /**
   * Per credential, default 300: the server's limit in any sliding 60 s window. The bucket never exceeds it,
   * burst included: it is paced at `sustainedPerMinute` (the limit less the burst and a 1 % margin).
   */
  requestsPerMinute?: number;
  /** Default max(1, floor(requestsPerMinute / 60)): about one second's worth of requests; at most half the limit. */
  burst?: number;
  /** The request buckets' clock (tests; default performance.now and setTimeout). */
  clock?: { now: () => number; sleep: (ms: number) => Promise<void> };
  /**
   * Where every worker process keeps each credential's bucket (MongoDB in the worker): the limit then holds for
   * the credential across processes. Without it, each process keeps its own bucket.
   */
  budgetStore?: BudgetStore;
  /** Told when the budget store could not record a pause. */
  onBudgetStoreError?: (error: unknown) => void;
}

export interface PersonioCredentialRegistry {
  /** The configured per-credential limit per sliding minute. */
  readonly requestsPerMinute: number;
  readonly burst: number;
  /** The bucket's pace: burst + 60 s at this pace stay within requestsPerMinute. */
  readonly sustainedPerMinute: number;
  /** The state of a credential; `fetchToken` is used only when the state is created. */
  stateFor(
    creds: PersonioCredentials,
    fetchToken: (tokenLimiter: RateLimiter, redact: Redactor) => Promise<CachedToken>,
  ): CredentialState;
}

export function credentialKey(creds: PersonioCredentials): string {
  return `${creds.clientId}:${createHash('sha256').update(creds.clientSecret).digest('hex')}`;
}

export function createPersonioCredentialRegistry(opts: PersonioCredentialRegistryOptions = {}): PersonioCredentialRegistry {
  const requestsPerMinute = opts.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
  // A burst on top of the full rate overflows a sliding window (limit + burst in the first minute from idle).
  const bucket = windowSafeBucket(requestsPerMinute, opts.burst ?? Math.max(1, Math.floor(requestsPerMinute / 60)));
  const states = new Map<string, CredentialState>();
  return {
    requestsPerMinute,
    burst: bucket.burst,
    sustainedPerMinute: bucket.ratePerMinute,
    stateFor(creds, fetchToken) {
      const key = credentialKey(creds);
      const existing = states.get(key);
      if (existing) return existing;
      const tokenLimiter = new RateLimiter({ ratePerMinute: TOKEN_REQUESTS_PER_MINUTE, burst: TOKEN_BURST });
      // The redactor reads the token cache lazily: it knows the secret and every recent token.
      let tokens: TokenCache | undefined;
      const redact = makeRedactor(() => [creds.clientSecret, ...(tokens?.secrets() ?? [])]);
      tokens = new TokenCache({ fetchToken: () => fetchToken(tokenLimiter, redact) });
      const state: CredentialState = {
        clientId: creds.clientId,
        tokens,
        limiter: opts.budgetStore
          ? new SharedRequestBudget({
              store: opts.budgetStore,
              key: creds.clientId,
              // Blocks of a burst: about a second's worth of requests per claim.
              bucket: { intervalMs: 60_000 / bucket.ratePerMinute, blockSlots: bucket.burst },
              ...(opts.onBudgetStoreError ? { onStoreError: opts.onBudgetStoreError } : {}),
            })
          : new RateLimiter({ ...bucket, ...(opts.clock ? { now: opts.clock.now, sleep: opts.clock.sleep } : {}) }),
        tokenLimiter,
        redact,
      };
      states.set(key, state);
      return state;
    },
  };
}
