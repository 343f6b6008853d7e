/** createSandbox(): the Personio v2 simulator as a Hono app over in-memory state. */
import { Hono } from 'hono';
import { createAdminRoutes } from './admin.js';
import { registerAuthRoutes } from './auth.js';
import { registerCompensationRoutes } from './compensations.js';
import { registerCompensationTypeRoutes } from './compensation-types.js';
import type { SandboxEnv } from './env.js';
import { faultMiddleware } from './middleware.js';
import { createPersistence, loadSnapshot } from './persistence.js';
import { resolvePersonality, type SandboxPersonalityInput } from './personality.js';
import { registerPersonRoutes } from './persons.js';
import { problem } from './problem.js';
import { requestLog } from './request-log.js';
import { SandboxState } from './state.js';

export interface SandboxOptions {
  /** JSON file to load at start and to write after each mutation. */
  dataFile?: string;
  /** The sandbox clock (token expiry, default month, timestamps, rate windows). */
  now?: () => Date;
  /** Which readings of Personio's open behaviours to play (a preset and/or fields); default: the 'default' preset.
   *  The admin surface may change it; a reset brings this one back. */
  personality?: SandboxPersonalityInput;
}

export interface Sandbox {
  app: Hono<SandboxEnv>;
  state: SandboxState;
  /** Forgets everything: data, tokens, request log, faults, rate limits; the personality is the initial one again. */
  reset(): void;
  /** Waits until pending persistence writes are on disk (no-op without dataFile). */
  flush(): Promise<void>;
}

export function createSandbox(opts: SandboxOptions = {}): Sandbox {
  const now = opts.now ?? (() => new Date());
  const state = new SandboxState(resolvePersonality(opts.personality));
  let flush = (): Promise<void> => Promise.resolve();
  if (opts.dataFile) {
    loadSnapshot(state, opts.dataFile);
    const persistence = createPersistence(state, opts.dataFile);
    state.onMutation = () => persistence.schedule();
    flush = () => persistence.flush();
  }
  const reset = () => state.reset();

  const app = new Hono<SandboxEnv>();
  app.route('/__admin', createAdminRoutes(state, now, reset));
  app.use('/v2/*', requestLog(state, now));
  app.use('/v2/*', faultMiddleware(state, now));
  registerAuthRoutes(app, state, now);
  registerPersonRoutes(app, state, now);
  registerCompensationTypeRoutes(app, state, now);
  registerCompensationRoutes(app, state, now);

  app.get('/health', (c) => c.json({ ok: true }));
  app.notFound((c) =>
    c.req.path.startsWith('/v2/')
      ? problem(c, 404, `No route for ${c.req.method} ${c.req.path}.`, now())
      : c.json({ error: 'not found' }, 404),
  );
  app.onError((err, c) => {
    console.error('sandbox: unhandled error', err);
    return problem(c, 500, 'Internal sandbox error.', now());
  });

  return { app, state, reset, flush };
}
