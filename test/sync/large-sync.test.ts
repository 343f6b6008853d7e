// A large company: 5,000 employees × 2 benefits through the real stack, with the Temporal history and
// the worker's memory staying far below their limits. (Throughput figures live in docs/benchmarks.md.)
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { createScenario, expectExactlyOnce, startSync, waitForSync } from '../support/payroll-scenario.js';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.js';

let h: Harness;
let worker: WorkerProcess | undefined;
beforeAll(async () => {
  h = await startHarness({ worker: 'external', personioRequestsPerMinute: 600_000 });
});
afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await h?.close();
});

/** Peak resident memory of a process, from the kernel's own accounting. */
function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

describe('large sync', () => {
  it('syncs 5,000 employees × 2 benefits with a short history and bounded worker memory', { timeout: 600_000 }, async () => {
    // The worker runs first: storing a mapped type checks it in Personio through the worker.
    worker = spawnWorker(h.workerEnv());
    const s = await createScenario(h, { employees: 5_000, benefits: 2 });
    const startedAt = Date.now();
    const started = await startSync(h, s);
    const sync = await waitForSync(h, s, started);
    const seconds = (Date.now() - startedAt) / 1000;
    expect(sync.status, worker.output().slice(-2000)).toBe('succeeded');
    expect(sync.counts).toMatchObject({ entries: 10_000, employees: 5_000, compensationsCreated: 10_000, failed: 0 });
    await expectExactlyOnce(h, s);

    const history = await h.temporal.workflow.getHandle(started.workflowId, started.runId).fetchHistory();
    const events = history.events?.length ?? 0;
    const historyBytes = JSON.stringify(history).length;
    const peak = peakRssMiB(worker.child.pid as number);
    console.log(`large sync: ${seconds.toFixed(1)} s, ${events} history events, ~${(historyBytes / 1024).toFixed(0)} KiB history, worker peak RSS ${peak.toFixed(0)} MiB`);
    // Temporal's limits are 51,200 events and 50 MiB per history.
    expect(events).toBeLessThan(2_000);
    expect(historyBytes).toBeLessThan(2 * 1024 * 1024);
    expect(peak).toBeLessThan(768);
  });
});
