// The HTTP API: a Hono app built from its dependencies, so tests can build it with real or fake ones.
import { secureHeaders } from 'hono/secure-headers';
import { OpenAPIHono } from '@hono/zod-openapi';
import { prometheus } from '@hono/prometheus';
import { Registry } from 'prom-client';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { bearerAuth } from './auth.js';
import { registerDocsPage } from './docs-page.js';
import { DEFAULT_RATE_LIMITS, installWorkflowStartLimits } from './rate-limits.js';
import type { ApiDeps } from './deps.js';
import { ApiProblem, problem } from './problem.js';
import { registerBenefitMappingRoutes } from './routes/benefit-mappings.js';
import { registerCompanyRoutes } from './routes/companies.js';
import { registerCompensationTypeRoutes } from './routes/compensation-types.js';
import { registerConnectionTestRoutes } from './routes/connection-test.js';
import { registerPayrollEntryRoutes } from './routes/payroll-entries.js';
import { registerFailedSyncRoutes } from './routes/failed-syncs.js';
import { registerPayrollScheduleRoutes } from './routes/payroll-schedule.js';
import { registerPayrollSyncRoutes } from './routes/payroll-syncs.js';
import { registerSummaryEmailRoutes } from './routes/summary-email.js';
import { registerSyncApprovalRoutes } from './routes/sync-approvals.js';
import { registerWebhookEndpointRoutes } from './routes/webhook-endpoints.js';
import { requireJsonBody, validationHook } from './validation.js';

async function probe(check: () => Promise<unknown>, timeoutMs = 2000): Promise<'ok' | 'unreachable'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch {
    return 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads and discards an oversized body (up to a cap) so the client receives the 413 instead of a
 * connection reset while it is still sending.
 */
async function drainBody(request: Request, capBytes: number): Promise<void> {
  const reader = request.body?.getReader();
  if (!reader) return;
  let read = 0;
  try {
    while (read < capBytes) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away: nothing left to answer.
  }
}

/**
 * The methods the app serves on a path, from its registered routes (middleware and wildcards aside; HEAD with GET):
 * a known path asked with another method is a 405 naming them in Allow, an unknown path a 404.
 */
function allowedMethods(routes: readonly { method: string; path: string }[], path: string): string[] {
  const escape = (segment: string) => segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    const pattern = new RegExp(`^${route.path.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : escape(segment))).join('/')}/?$`);
    if (pattern.test(path)) methods.add(route.method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

export function createApp(deps: ApiDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });

  // Every answer: no MIME sniffing, no framing, no referrer (hono's secureHeaders); and never cached, since answers
  // carry payroll data and tokens authorise them (an intermediary or a shared browser must not keep them).
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin', xFrameOptions: 'DENY', referrerPolicy: 'no-referrer' }));
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  // Request counts and latencies by route pattern (never a company id) and status, for Prometheus; no token needed.
  const { printMetrics, registerMetrics } = prometheus({ registry: new Registry() });
  app.use('*', registerMetrics);
  app.get('/metrics', printMetrics);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const [mongodb, temporal] = await Promise.all([
      probe(() => deps.db.command({ ping: 1 })),
      probe(() => deps.temporal.workflowService.getSystemInfo({})),
    ]);
    const ready = mongodb === 'ok' && temporal === 'ok';
    return c.json({ status: ready ? 'ready' : 'not_ready', checks: { mongodb, temporal } }, ready ? 200 : 503);
  });

  app.use('/v1/*', bearerAuth(deps.config.apiTokens));
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: deps.config.maxBodyBytes,
      onError: async (c) => {
        await drainBody(c.req.raw, deps.config.maxBodyBytes * 4);
        return problem(c, 413, 'Payload Too Large', { detail: `The request body exceeds ${deps.config.maxBodyBytes} bytes.` });
      },
    }),
  );
  app.use('/v1/*', requireJsonBody);
  installWorkflowStartLimits(app, deps.config.rateLimits ?? DEFAULT_RATE_LIMITS);

  registerCompanyRoutes(app, deps);
  registerConnectionTestRoutes(app, deps);
  registerCompensationTypeRoutes(app, deps);
  registerBenefitMappingRoutes(app, deps);
  registerPayrollEntryRoutes(app, deps);
  registerPayrollSyncRoutes(app, deps);
  registerSyncApprovalRoutes(app, deps);
  registerSummaryEmailRoutes(app, deps);
  registerPayrollScheduleRoutes(app, deps);
  registerFailedSyncRoutes(app, deps);
  registerWebhookEndpointRoutes(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Personio payroll sync',
      version: '1.0.0',
      description:
        'Pushes monthly benefit amounts into Personio as compensations, exactly once. Errors are application/problem+json; a method a path does not declare is a 405 with Allow. ' +
        'Links lead from each operation that creates an id to the operations that take it. Rules JSON Schema cannot state are in descriptions and in three extension keywords: ' +
        'x-unique-item-properties (no two items share the values of these properties, compared trimmed and case-insensitively), x-same-item-property (every item has the same value of it, its default when absent) ' +
        'and x-property-less-than (on an object: each named property is less than the property it maps to, defaults applied).',
    },
    security: [{ bearerAuth: [] }],
  });
  registerDocsPage(app, '/openapi.json');

  app.notFound((c) => {
    const allow = allowedMethods(app.routes, c.req.path);
    // No route for the path, or its route answered "not found" itself (an unknown docs asset): 404, not 405.
    if (allow.length === 0 || allow.includes(c.req.method)) return problem(c, 404, 'Not Found', { detail: `No route for ${c.req.method} ${c.req.path}.` });
    c.header('Allow', allow.join(', '));
    return problem(c, 405, 'Method Not Allowed', { detail: `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow.join(', ')}.` });
  });
  app.onError((error, c) => {
    if (error instanceof ApiProblem) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return problem(c, error.status, error.title, error.extra);
    }
    if (error instanceof HTTPException) {
      return problem(c, error.status, error.status === 400 ? 'Invalid request' : 'Error', { detail: error.message });
    }
    deps.logger.error('unhandled API error', { error, path: c.req.path, method: c.req.method });
    return problem(c, 500, 'Internal Server Error', { detail: 'An unexpected error occurred; it has been logged.' });
  });
  return app;
}
