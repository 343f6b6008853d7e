// The latency of a connection test (what a person waits for in the platform) while payroll syncs push, with
// interactive work on its own task queue (today) and on the sync queue (as before): one worker process either way.
import { join } from 'node:path';
import { processMemory, sleep, spawnWorker } from './support/processes.js';
import { registerCompany, seedPersonio } from './support/scenario.js';
import type { BenchStack } from './support/stack.js';

export interface QueueLatencyRun {
  label: string;
  sharedQueue: boolean;
  syncs: number;
  entriesPerSync: number;
  latencyMs: number;
  /** Connection tests with the worker idle, then while the syncs pushed (ms, request to answer). */
  idleMs: number[];
  busyMs: number[];
  /** Connection tests answered 202 (not finished within the API's wait) while busy. */
  unfinished: number;
  syncSeconds: number;
  workerPeakMiB: number;
}

const UNLIMITED_RPM = 600_000;

/** One connection test through the API: ms until its result, or undefined when the API's wait ran out (202). */
async function timedConnectionTest(call: BenchStack['apiExpect'], companyId: string): Promise<number | undefined> {
  const t0 = performance.now();
  try {
    await call(200, 'POST', `/v1/companies/${companyId}/connection-test`);
    return performance.now() - t0;
  } catch (error) {
    if (String(error).includes('got 202')) return undefined;
    throw error;
  }
}

export async function runQueueLatency(
  h: BenchStack,
  opts: { label: string; sharedQueue: boolean; syncs: number; entriesPerSync: number; latencyMs: number; samples: number; dataDir: string; log: (line: string) => void },
): Promise<QueueLatencyRun> {
  await h.admin.reset();
  const call = opts.sharedQueue ? h.sharedQueueApiExpect : h.apiExpect;
  const tester = await seedPersonio(h.admin, { label: `${opts.label}-tester`, employees: 2, benefits: 1 });
  const seeds = [];
  for (let i = 0; i < opts.syncs; i++) seeds.push(await seedPersonio(h.admin, { label: `${opts.label}-${i}`, employees: opts.entriesPerSync / 2, benefits: 2 }));
  const worker = spawnWorker(h.workerEnv({ requestsPerMinute: UNLIMITED_RPM, sharedQueue: opts.sharedQueue }), join(opts.dataDir, `worker-${opts.label}.log`));
  try {
    await worker.ready;
    for (const seed of [tester, ...seeds]) await registerCompany(h, seed, call);
    if (opts.latencyMs > 0) await h.admin.addFault({ path: '*', kind: 'latency', latencyMs: opts.latencyMs });
    const idleMs: number[] = [];
    for (let i = 0; i < opts.samples; i++) {
      const took = await timedConnectionTest(call, tester.companyId);
      if (took !== undefined) idleMs.push(took);
    }

    const total = opts.syncs * opts.entriesPerSync;
    const held = () => h.sandbox.sandbox.state.compensations.size;
    const t0 = performance.now();
    const handles = [];
    for (const seed of seeds) {
      const started = await call(202, 'POST', `/v1/companies/${seed.companyId}/payroll-syncs`, { period: seed.period });
      handles.push(h.temporal.workflow.getHandle(started.workflowId as string, started.runId as string));
    }
    const results = Promise.all(handles.map((handle) => handle.result()));
    let done = false;
    void results.finally(() => (done = true)).catch(() => undefined);
    while (!done && held() < total * 0.05) await sleep(50);
    const busyMs: number[] = [];
    let unfinished = 0;
    // Samples while at most 80 % is pushed, so that every one meets a busy worker.
    while (!done && busyMs.length < opts.samples && held() < total * 0.8) {
      const took = await timedConnectionTest(call, tester.companyId);
      if (took === undefined) unfinished++;
      else busyMs.push(took);
      await sleep(500);
    }
    await results;
    const syncSeconds = (performance.now() - t0) / 1000;
    opts.log(`${opts.label}: ${busyMs.length} connection tests while ${opts.syncs} sync(s) pushed; syncs took ${syncSeconds.toFixed(1)} s`);
    return { label: opts.label, sharedQueue: opts.sharedQueue, syncs: opts.syncs, entriesPerSync: opts.entriesPerSync, latencyMs: opts.latencyMs, idleMs, busyMs, unfinished, syncSeconds, workerPeakMiB: processMemory(worker.pid).peakMiB };
  } finally {
    await worker.stop();
  }
}

const quantile = (values: number[], q: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
};

const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n).toLocaleString('en-US')} ms` : '—');

export function queueLatencyTable(runs: QueueLatencyRun[]): string {
  return [
    '### A connection test while payroll syncs push (one worker process)',
    '',
    '| load | interactive work on | idle: median | while pushing: median / p90 / max (n) | not finished within the API wait |',
    '|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.syncs} sync${r.syncs > 1 ? 's' : ''} × ${r.entriesPerSync.toLocaleString('en-US')} entries${r.latencyMs ? `, ${r.latencyMs} ms per Personio request` : ', zero latency'} (${r.syncSeconds.toFixed(0)} s) | ${r.sharedQueue ? 'the sync queue (before)' : 'its own queue'} | ${ms(quantile(r.idleMs, 0.5))} | ${ms(quantile(r.busyMs, 0.5))} / ${ms(quantile(r.busyMs, 0.9))} / ${ms(Math.max(...r.busyMs))} (${r.busyMs.length}) | ${r.unfinished} |`,
    ),
  ].join('\n');
}
