// Request limits on the routes that start workflows (syncs, dry runs, retries, connection tests, type lists,
// schedule triggers): per API token and per company, each a fixed one-minute window (hono-rate-limiter's memory
// store, so per API process). Over the limit: 429 problem+json with Retry-After.
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { problem } from './problem.js';

export interface RateLimits {
  /** Workflow-starting requests per minute and API token. */
  perTokenPerMinute: number;
  /** Workflow-starting requests per minute and company, whichever token sends them. */
  perCompanyPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perTokenPerMinute: 120, perCompanyPerMinute: 30 };

/** Method and path pattern of every route that starts a Temporal workflow. */
export const WORKFLOW_STARTING_ROUTES = [
  ['POST', '/v1/companies/:companyId/payroll-syncs'],
  ['POST', '/v1/companies/:companyId/payroll-syncs/:syncId/retry'],
  ['POST', '/v1/companies/:companyId/connection-test'],
  ['GET', '/v1/companies/:companyId/personio/compensation-types'],
  ['PUT', '/v1/companies/:companyId/benefit-mappings'],
  ['POST', '/v1/companies/:companyId/payroll-schedule/trigger'],
] as const;

const WINDOW_MS = 60_000;
const tokenKey = (c: Context) => `token:${createHash('sha256').update(c.req.header('authorization') ?? '').digest('hex')}`;
const companyKey = (c: Context) => `company:${c.req.param('companyId') ?? ''}`;

function limiter(limit: number, keyGenerator: (c: Context) => string, what: string): MiddlewareHandler {
  return rateLimiter({
    windowMs: WINDOW_MS,
    limit,
    standardHeaders: 'draft-7', // RateLimit and RateLimit-Policy on every answer, Retry-After on a refusal
    keyGenerator,
    handler: (c) =>
      problem(c, 429, 'Too Many Requests', {
        type: 'urn:payroll-sync:problem:rate-limited',
        detail: `More than ${limit} requests that start work per minute ${what}: retry after the seconds in Retry-After.`,
      }),
  });
}

/**
 * On each workflow-starting route, the per-token limiter first (a runaway client), then the per-company one (a
 * company's share of Personio work). Registered before the routes, so they run as those routes' middleware.
 */
export function installWorkflowStartLimits(app: { on(method: string, path: string, ...handlers: MiddlewareHandler[]): unknown }, limits: RateLimits): void {
  const byToken = limiter(limits.perTokenPerMinute, tokenKey, 'for this API token');
  const byCompany = limiter(limits.perCompanyPerMinute, companyKey, 'for this company');
  for (const [method, path] of WORKFLOW_STARTING_ROUTES) app.on(method, path, byToken, byCompany);
}
