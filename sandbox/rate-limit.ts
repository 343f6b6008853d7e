/** Rate limits the sandbox enforces: Personio's token endpoint rule, and an optional per-credential resource limit. */
import type { ResourceRateLimit, SandboxState } from './state.js';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const MINUTE = 60_000;
export const TOKEN_ENDPOINT_PER_MINUTE = 150;
const PENALTY_MS = 60_000;
const PENALTY_INTERVAL_MS = 1_000;

/** Token endpoint: 150 requests per minute; beyond that only 1 request per second for the next 60 s. */
export function checkTokenEndpoint(state: SandboxState, key: string, nowMs: number): RateDecision {
  let w = state.tokenWindows.get(key);
  if (!w) state.tokenWindows.set(key, (w = { hits: [], penaltyUntil: 0, lastPenaltyGrant: 0 }));
  w.hits = w.hits.filter((t) => t > nowMs - MINUTE);
  if (nowMs < w.penaltyUntil) {
    if (nowMs - w.lastPenaltyGrant >= PENALTY_INTERVAL_MS) {
      w.lastPenaltyGrant = nowMs;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((w.lastPenaltyGrant + PENALTY_INTERVAL_MS - nowMs) / 1000)) };
  }
  if (w.hits.length >= TOKEN_ENDPOINT_PER_MINUTE) {
    w.penaltyUntil = nowMs + PENALTY_MS;
    w.lastPenaltyGrant = nowMs; // this request is refused; the next one may pass in a second
    w.hits = [];
    return { allowed: false, retryAfterSeconds: 1 };
  }
  w.hits.push(nowMs);
  return { allowed: true };
}

export function resourceLimitFor(state: SandboxState, clientId: string): ResourceRateLimit | null {
  return state.rateLimits.perClient.has(clientId)
    ? (state.rateLimits.perClient.get(clientId) ?? null)
    : state.rateLimits.default;
}

/** Resource calls: a sliding window per credential (a minute unless the limit says otherwise; only when a limit is set). */
export function checkResourceRate(state: SandboxState, clientId: string, nowMs: number): RateDecision {
  const limit = resourceLimitFor(state, clientId);
  if (limit === null) return { allowed: true };
  const hits = (state.rateWindows.get(clientId) ?? []).filter((t) => t > nowMs - limit.windowMs);
  state.rateWindows.set(clientId, hits);
  if (hits.length >= limit.requests) {
    const oldest = hits[0] ?? nowMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + limit.windowMs - nowMs) / 1000)) };
  }
  hits.push(nowMs);
  return { allowed: true };
}
