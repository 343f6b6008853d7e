// The HTTP API: a Hono app built from its dependencies, so tests can build it with real or fake ones.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { bearerAuth } from './auth.js';
import type { ApiDeps } from './deps.js';
import { problem } from './problem.js';

async function probe(check: () => Promise<unknown>, timeoutMs = 2000): Promise<'ok' | 'unreachable'> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return 'ok';
  } catch {
    return 'unreachable';
  }
}

export function createApp(deps: ApiDeps): Hono {
  const app = new Hono();

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

  app.notFound((c) => problem(c, 404, 'Not Found', { detail: `No route for ${c.req.method} ${c.req.path}.` }));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return problem(c, error.status, error.message || 'Error');
    deps.logger.error('unhandled API error', { error, path: c.req.path, method: c.req.method });
    return problem(c, 500, 'Internal Server Error', { detail: 'An unexpected error occurred; it has been logged.' });
  });
  return app;
}
