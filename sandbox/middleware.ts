/** Faults and the resource guard (bearer token, rate limit, scopes) in front of the Personio routes. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareHandler } from 'hono';
import type { SandboxEnv } from './env.js';
import { FILTERED_LISTING_PATHS, normalizePath, takeAllFaults, takeFault } from './faults.js';
import { problem } from './problem.js';
import { checkResourceRate } from './rate-limit.js';
import { bearerToken } from './request-log.js';
import type { SandboxState } from './state.js';

export function faultMiddleware(state: SandboxState, now: () => Date): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const method = c.req.method;
    const url = new URL(c.req.url);
    const path = url.pathname;
    const applied: string[] = [];
    c.set('faultsApplied', applied);

    const latencies = takeAllFaults(state, 'latency', method, path);
    if (latencies.length > 0) {
      applied.push(...latencies.map((f) => `${f.id}:latency`));
      const epoch = state.epoch;
      await sleep(latencies.reduce((sum, f) => sum + (f.latencyMs ?? 0), 0));
      // Reset while this request was delayed: do not let it touch the new state.
      if (epoch !== state.epoch) return problem(c, 503, 'The sandbox was reset while this request was delayed.', now());
    }

    const status = takeFault(state, 'status', method, path);
    if (status?.status !== undefined) {
      applied.push(`${status.id}:status`);
      const headers: Record<string, string> = {};
      if (status.retryAfterSeconds !== undefined) headers['retry-after'] = String(status.retryAfterSeconds);
      return problem(c, status.status, `Injected fault: HTTP ${status.status}.`, now(), headers);
    }

    const token = bearerToken(c.req.header('authorization'));
    const grant = token ? state.tokens.get(token) : undefined;
    const expire = takeFault(
      state,
      'expire_token',
      method,
      path,
      () => grant !== undefined && !grant.revoked && grant.expiresAt > now().getTime(),
    );
    if (expire && grant) {
      applied.push(`${expire.id}:expire_token`);
      grant.expiresAt = now().getTime() - 1;
      return problem(c, 401, 'The access token has expired.', now());
    }

    if (method === 'GET' && url.searchParams.has('cursor')) {
      const repeat = takeFault(state, 'repeat_cursor', method, path);
      if (repeat) {
        applied.push(`${repeat.id}:repeat_cursor`);
        c.set('repeatCursor', true);
      }
    }

    if (method === 'GET') {
      const ignore = takeFault(state, 'ignore_filters', method, path, () => FILTERED_LISTING_PATHS.includes(normalizePath(path)));
      if (ignore) {
        applied.push(`${ignore.id}:ignore_filters`);
        c.set('ignoreFilters', true);
      }
    }

    const drop = takeFault(state, 'commit_then_drop', method, path);
    if (drop) {
      applied.push(`${drop.id}:commit_then_drop`);
      c.set('dropConnection', true);
    }

    await next();

    if (c.get('dropConnection')) {
      // The request has been fully handled (and committed); cut the connection before any byte of the answer.
      const socket = c.env?.incoming?.socket;
      if (socket) {
        socket.destroy();
        c.set('dropped', true);
      }
    }
  };
}

/** Bearer token → grant; then the credential's rate limit; then the scopes. */
export function guard(state: SandboxState, now: () => Date, scopes: readonly string[]): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const nowDate = now();
    const token = bearerToken(c.req.header('authorization'));
    if (!token) return problem(c, 401, 'The request has no bearer access token.', nowDate);
    const grant = state.tokens.get(token);
    const credential = grant ? state.credentials.get(grant.clientId) : undefined;
    if (!grant || grant.revoked || grant.expiresAt <= nowDate.getTime() || !credential) {
      return problem(c, 401, 'The access token is invalid, expired or revoked.', nowDate);
    }
    c.set('grant', grant);
    c.set('accessToken', token);
    c.set('clientId', grant.clientId);

    const rate = checkResourceRate(state, grant.clientId, nowDate.getTime());
    if (!rate.allowed) {
      const headers: Record<string, string> = {};
      if (state.personality.rateLimitRetryAfter) headers['retry-after'] = String(rate.retryAfterSeconds);
      return problem(c, 429, 'Too many requests: the rate limit of this API credential was exceeded.', nowDate, headers);
    }

    const effective = new Set(grant.scopes.filter((s) => credential.scopes.includes(s)));
    if (scopes.some((s) => !effective.has(s))) {
      return problem(c, 403, 'The access token does not grant access to this resource.', nowDate);
    }
    await next();
  };
}
