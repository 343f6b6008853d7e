/** The sandbox's request log: what arrived, how it was answered. Never secrets, never tokens. */
import type { MiddlewareHandler } from 'hono';
import type { SandboxEnv } from './env.js';
import type { RequestLogEntry } from './request-log-entry.js';

export type { RequestLogEntry };
import type { SandboxState } from './state.js';


const MAX_ENTRIES = 10_000;

/** Partner/App ids are accepted with or without the X- prefix and never required. */
export function headerEither(c: { req: { header(name: string): string | undefined } }, name: string): string | undefined {
  return c.req.header(`x-${name}`) ?? c.req.header(name);
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m?.[1];
}

export function requestLog(state: SandboxState, now: () => Date): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const epoch = state.epoch;
    const time = now().toISOString();
    const receivedAtMs = Date.now();
    const started = performance.now();
    const url = new URL(c.req.url);
    const token = bearerToken(c.req.header('authorization'));
    const grant = token ? state.tokens.get(token) : undefined;
    if (grant) c.set('clientId', grant.clientId);
    try {
      await next();
    } finally {
      // A request still in flight across a reset belongs to the old world: not logged.
      if (epoch === state.epoch) {
        const entry: RequestLogEntry = {
          seq: ++state.counters.request,
          time,
          receivedAtMs,
          method: c.req.method,
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          status: c.res.status,
          durationMs: Math.round(performance.now() - started),
        };
        const clientId = c.get('clientId');
        if (clientId !== undefined) entry.clientId = clientId;
        const partnerId = headerEither(c, 'personio-partner-id');
        if (partnerId !== undefined) entry.partnerId = partnerId;
        const appId = headerEither(c, 'personio-app-id');
        if (appId !== undefined) entry.appId = appId;
        const faults = c.get('faultsApplied');
        if (faults && faults.length > 0) entry.faults = faults;
        if (c.get('dropped')) entry.dropped = true;
        state.requests.push(entry);
        if (state.requests.length > MAX_ENTRIES) state.requests.splice(0, state.requests.length - MAX_ENTRIES);
      }
    }
  };
}
