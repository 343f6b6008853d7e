// The client's per-credential bucket against the sandbox's sliding-window limit, over real HTTP. Both clocks run
// 20× faster than real time (a 60 s window lasts 3 s), so two windows pass in a few seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersonioClientFactory, createPersonioCredentialRegistry } from '../../personio/index.js';
import { defaultSleep } from '../../personio/rate-limiter.js';
import { startSandbox, createSandboxAdmin, type RunningSandbox } from '../../sandbox/index.js';
import { ALL_SCOPES, captureLogger } from './support.js';
import { createMongoBudgetStore } from '../../db/request-budgets.js';
import { connectTestDb } from '../support/stack.js';

const SCALE = 20;
const LIMIT_PER_MINUTE = 60;
const REQUESTS = 100; // ≈ 100 s of sandbox time at 59/min: the first window and most of a second
const CONCURRENCY = 16;

let running: RunningSandbox;
beforeAll(async () => {
  const t0 = Date.now();
  running = await startSandbox({ port: 0, now: () => new Date(t0 + (Date.now() - t0) * SCALE) });
});
afterAll(async () => {
  await running?.close();
});

describe('the client under the sandbox rate limit (sliding 60 s window)', () => {
  it(`keeps ${CONCURRENCY} concurrent callers within ${LIMIT_PER_MINUTE}/min: no request answered 429`, async () => {
    const admin = createSandboxAdmin(running.url);
    await admin.setCredentials({ clientId: 'acme', clientSecret: 'secret-rate', scopes: ALL_SCOPES });
    await admin.setRateLimit(LIMIT_PER_MINUTE, 'acme');
    const registry = createPersonioCredentialRegistry({
      requestsPerMinute: LIMIT_PER_MINUTE,
      clock: { now: () => performance.now() * SCALE, sleep: (ms) => defaultSleep(ms / SCALE) },
    });
    const make = createPersonioClientFactory({
      baseUrl: running.url,
      registry,
      timeoutMs: 5000,
      retry: { baseDelayMs: 5, maxDelayMs: 50, budgetMs: 30_000, minRateLimitDelayMs: 10 },
      logger: captureLogger().logger,
    });
    const client = make({ clientId: 'acme', clientSecret: 'secret-rate' });
    let started = 0;
    const loop = async () => {
      while (started < REQUESTS) {
        started++;
        await client.listPersonsPage({ limit: 1 });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, loop));

    const log = (await admin.listRequests({ path: '/v2/persons' })).filter((r) => r.clientId === 'acme');
    const answered429 = log.filter((r) => r.status === 429).length;
    expect(log.length - answered429).toBe(REQUESTS);
    // Expected 0; ≤ 1 leaves room for a scheduling hiccup (50 ms here is 1 s of sandbox time). The old bucket
    // (a burst of 3 on top of 60/min, waiters not held back by a 429) got 3 here.
    expect(answered429).toBeLessThanOrEqual(1);
  }, 30_000);
  it('a 429 without Retry-After holds back every caller of the credential, not only the one refused', async () => {
    const admin = createSandboxAdmin(running.url);
    await admin.reset();
    await admin.setCredentials({ clientId: 'beta', clientSecret: 'secret-beta', scopes: ALL_SCOPES });
    const make = createPersonioClientFactory({
      baseUrl: running.url,
      registry: createPersonioCredentialRegistry({ requestsPerMinute: 6_000 }),
      timeoutMs: 5000,
      retry: { baseDelayMs: 5, maxDelayMs: 50, budgetMs: 30_000, minRateLimitDelayMs: 400 },
      logger: captureLogger().logger,
    });
    const client = make({ clientId: 'beta', clientSecret: 'secret-beta' });
    await client.listPersonsPage({ limit: 1 }); // token first, so the fault meets a resource request
    await admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'status', status: 429, count: 1 });
    await Promise.all(Array.from({ length: 6 }, async () => { for (let i = 0; i < 5; i++) await client.listPersonsPage({ limit: 1 }); }));

    const log = (await admin.listRequests({ path: '/v2/persons' })).filter((r) => r.clientId === 'beta');
    const refused = log.find((r) => r.status === 429)!;
    // Within the pause only requests that were already on the wire when the 429 came back arrive (≤ 5 of the
    // 6 callers); without the shared pause the other callers would go on sending their 5 requests each.
    const duringPause = log.filter((r) => r.seq > refused.seq && r.receivedAtMs < refused.receivedAtMs + 350);
    expect(duringPause.length).toBeLessThan(6);
    expect(log.filter((r) => r.status === 200).length).toBe(31);
  }, 30_000);

  it('keeps three worker processes sharing one credential within its limit: the budget lives in MongoDB', async () => {
    const admin = createSandboxAdmin(running.url);
    await admin.reset();
    await admin.setCredentials({ clientId: 'gamma', clientSecret: 'secret-gamma', scopes: ALL_SCOPES });
    // 30 requests in any 1 s window (the sandbox clock runs 20× fast: 20 s of its time = 1 s here).
    await admin.setRateLimit(30, { clientId: 'gamma', windowSeconds: 20 });
    const mongo = await connectTestDb('budgets');
    try {
      const store = createMongoBudgetStore(mongo.db);
      // Three processes: each its own registry and factory, as three workers would have, all paced at 1,200/min.
      const clients = Array.from({ length: 3 }, () =>
        createPersonioClientFactory({
          baseUrl: running.url,
          registry: createPersonioCredentialRegistry({ requestsPerMinute: 1_200, burst: 1, budgetStore: store }),
          timeoutMs: 5000,
          retry: { baseDelayMs: 5, maxDelayMs: 50, budgetMs: 30_000, minRateLimitDelayMs: 10 },
          logger: captureLogger().logger,
        })({ clientId: 'gamma', clientSecret: 'secret-gamma' }),
      );
      const total = 90;
      let started = 0;
      const startedAt = Date.now();
      await Promise.all(
        clients.flatMap((client) =>
          Array.from({ length: 5 }, async () => {
            while (started < total) {
              started++;
              await client.listPersonsPage({ limit: 1 });
            }
          }),
        ),
      );
      const log = (await admin.listRequests({ path: '/v2/persons' })).filter((r) => r.clientId === 'gamma');
      // Each process alone would send 1,200/min: together 3,600/min, a 429 storm against 30/s (1,800/min).
      expect(log.filter((r) => r.status === 429).length).toBeLessThanOrEqual(1);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(((total - 1) * 60_000) / 1_200 - 200);
    } finally {
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close();
    }
  }, 30_000);
});
