// What the rate-limit, overlap and failed-chunk drills share: a stack, a seeded Personio, a company, a pool of worker
// processes and a sandbox limit for the credential; then one sync started through the API. Torn down whatever happens.
import type { WorkflowHandle } from '@temporalio/client';
import { join } from 'node:path';
import type { SyncTuning } from '../../contracts/sync.js';
import { registerCompany, seedPersonio, type PersonioSeed } from '../support/scenario.js';
import { startBenchStack, type BenchStack } from '../support/stack.js';
import type { DrillOptions, DrillTimeline } from './context.js';
import { WorkerPool } from './worker-pool.js';

/** Benefits per seeded employee. */
export const BENEFITS = 2;

export interface LimitedRunSpec {
  label: string;
  employees: number;
  workers: number;
  /** The credential's limit: enforced by the sandbox and given to every worker as PERSONIO_REQUESTS_PER_MINUTE. */
  rpm: number;
  requestTimeoutMs?: number;
  syncTuning?: SyncTuning;
}

export interface LimitedRun {
  h: BenchStack;
  pool: WorkerPool;
  seed: PersonioSeed;
  /** Compensations the sync should leave in Personio. */
  total: number;
  /** Starts a sync of the seeded period through the API. */
  startSync(): Promise<{ syncId: string; handle: WorkflowHandle }>;
}

export async function withLimitedRun<T>(o: DrillOptions, t: DrillTimeline, spec: LimitedRunSpec, body: (run: LimitedRun) => Promise<T>): Promise<T> {
  let stack: BenchStack | undefined;
  let pool: WorkerPool | undefined;
  try {
    stack = await startBenchStack({ dataDir: o.dataDir, ...(spec.syncTuning ? { syncTuning: spec.syncTuning } : {}) });
    const h = stack;
    const seed = await seedPersonio(h.admin, { label: spec.label, employees: spec.employees, benefits: BENEFITS });
    const env = h.workerEnv({ requestsPerMinute: spec.rpm, ...(spec.requestTimeoutMs ? { env: { PERSONIO_TIMEOUT_MS: String(spec.requestTimeoutMs) } } : {}) });
    pool = new WorkerPool({ env, logDir: join(o.dataDir, 'logs'), timeline: t, restartDelayMs: o.restartDelayMs });
    await pool.startMany(spec.workers);
    await registerCompany(h, seed);
    await h.admin.setRateLimit(spec.rpm, seed.clientId);
    const startSync = async () => {
      const started = await h.apiExpect(202, 'POST', `/v1/companies/${seed.companyId}/payroll-syncs`, { period: seed.period });
      return { syncId: started.syncId as string, handle: h.temporal.workflow.getHandle(started.workflowId as string, started.runId as string) };
    };
    return await body({ h, pool, seed, total: spec.employees * BENEFITS, startSync });
  } finally {
    await pool?.stopAll();
    await stack?.close();
  }
}
