// `npm run bench`: the payroll sync through the real stack against the Personio sandbox, next to a naive
// loop over the same Personio client, plus a short run under a sandbox rate limit. Prints a Markdown report.
//
//   npm run bench                                  # 1,000, 10,000 and 50,000 entries, baseline, rate limit, queue latency
//   npm run bench -- --quick                       # 200 entries, a ~30 s rate-limit run, one queue-latency pair
//   npm run bench -- --sizes 1000,10000 --rate-limit-entries 1000 --rate-limit-rpm 600 --json out.json
//
// Options: --sizes a,b (entries; 2 benefits per employee; `none` for no size run), --quick, --queue-loads
// 1x10000@0,4x1000@100 (syncs × entries @ sandbox latency ms under which connection tests are timed), --no-baseline, --baseline-max n (the naive
// loop runs for sizes up to n, default 10000), --no-rate-limit, --no-queue-latency (the connection-test latency
// while syncs push, with interactive work on its own queue and on the sync queue),
// --rate-limit-rpm n (default 600), --rate-limit-entries n (default 1000), --concurrency n (baseline POSTs
// in flight, default 32 = the workflow's 4 push activities × 8 POSTs each), --wait-quiet minutes (default 10;
// 0 = do not wait), --latency-ms n (sandbox latency on every request of the size runs, default 0), --json path
// (all figures as JSON), --keep (keep the temp data dir with the service logs).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { temporal } from '@temporalio/proto';
import { valueToCents } from '../personio/index.js';
import type { BaselineJob, BaselineResult } from './naive-baseline.js';
import { queueLatencyTable, runQueueLatency, type QueueLatencyRun } from './queue-latency.js';
import { cpuSecondsOf, describeLoad, loadSnapshot, machineInfo, processName, waitForQuiet, type LoadSnapshot, type MachineInfo } from './support/machine.js';
import { processMemory, resetPeakRss, spawnWorker } from './support/processes.js';
import { RequestCollector, ratePacing, requestFigures, type RatePacing, type RequestFigures } from './support/requests.js';
import {
  compareCompensations,
  expectedCompensations,
  lastDayOf,
  productTypeIds,
  registerCompany,
  seedPersonio,
  type ExactlyOnceReport,
} from './support/scenario.js';
import { startBenchStack, type BenchStack, type Json } from './support/stack.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'no-baseline': { type: 'boolean', default: false },
    'no-rate-limit': { type: 'boolean', default: false },
    'baseline-max': { type: 'string' },
    'no-queue-latency': { type: 'boolean', default: false },
    'queue-loads': { type: 'string' },
    'rate-limit-rpm': { type: 'string' },
    'rate-limit-entries': { type: 'string' },
    concurrency: { type: 'string' },
    'wait-quiet': { type: 'string' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'latency-ms': { type: 'string' },
  },
});

const BENEFITS_PER_EMPLOYEE = 2;
/** The worker's own budget for the throughput runs: high enough never to pace them. */
const UNLIMITED_RPM = 600_000;
const sizesArg = args.sizes ?? (args.quick ? '200' : '1000,10000,50000');
const sizes = sizesArg === 'none' ? [] : sizesArg.split(',').map((s) => Number(s.trim()));
/** `<syncs>x<entries>@<latency ms>`, comma-separated: the loads under which a connection test's latency is measured. */
const queueLoads = (args['queue-loads'] ?? (args.quick ? '1x1000@0' : '1x10000@0,4x1000@100')).split(',').map((load) => {
  const match = /^(\d+)x(\d+)@(\d+)$/.exec(load.trim());
  if (!match) throw new Error(`--queue-loads: "${load}" is not <syncs>x<entries>@<latency ms>`);
  return { syncs: Number(match[1]), entriesPerSync: Number(match[2]), latencyMs: Number(match[3]) };
});
const baselineMax = Number(args['baseline-max'] ?? 10_000);
if (sizes.some((n) => !Number.isInteger(n) || n < BENEFITS_PER_EMPLOYEE || n % BENEFITS_PER_EMPLOYEE !== 0)) {
  throw new Error(`--sizes must be even entry counts (${BENEFITS_PER_EMPLOYEE} benefits per employee)`);
}
const rateLimitRpm = Number(args['rate-limit-rpm'] ?? 600);
const rateLimitEntries = Number(args['rate-limit-entries'] ?? (args.quick ? 300 : 1_000));
const concurrency = Number(args.concurrency ?? 32);
const waitQuietMinutes = Number(args['wait-quiet'] ?? (args.quick ? 0 : 10));
/** Latency the sandbox adds to every Personio request of the size runs (0 = none, the targets' condition). */
const latencyMs = Number(args['latency-ms'] ?? 0);

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const dataDir = mkdtempSync(join(tmpdir(), 'payroll-bench-'));

interface Phase {
  name: string;
  seconds: number;
}

interface ProductRun {
  entries: number;
  employees: number;
  status: string;
  counts: Json;
  seconds: number;
  requests: RequestFigures;
  lostLogEntries: number;
  historyEvents: number;
  historyKiB: number;
  phases: Phase[];
  workerRssAtReadyMiB: number;
  workerPeakStartupMiB: number;
  workerPeakSyncMiB: number;
  peakResetWorked: boolean;
  exactlyOnce: ExactlyOnceReport;
  /** CPU seconds each process used during the sync. */
  cpu: Record<string, number>;
  pacing?: RatePacing;
  /** The same period synced again at once: everything is in Personio already. */
  rerun?: RerunFigures;
}

interface RerunFigures {
  status: string;
  seconds: number;
  alreadyPresent: number;
  requests: RequestFigures;
  historyEvents: number;
  phases: Phase[];
  duplicatesAfter: number;
}

interface BaselineRun {
  entries: number;
  result: BaselineResult;
  requests: RequestFigures;
  exactlyOnce: ExactlyOnceReport;
  cpu: Record<string, number>;
}

/** CPU seconds used so far by the processes of a run: the stack's services and this process (sandbox + API). */
function cpuSnapshot(h: BenchStack, extra: Record<string, number> = {}): Record<string, number> {
  const own = process.cpuUsage();
  const out: Record<string, number> = { 'bench process (sandbox + API)': (own.user + own.system) / 1e6 };
  for (const pid of h.stack.pids) out[processName(pid)] = cpuSecondsOf(pid);
  for (const [name, pid] of Object.entries(extra)) out[name] = cpuSecondsOf(pid);
  return out;
}

const cpuDiff = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.keys(b).map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)]));

/** The latency fault of --latency-ms (a sandbox reset forgets faults, so it is added after each one). */
async function addLatency(h: BenchStack): Promise<void> {
  if (latencyMs > 0) await h.admin.addFault({ path: '*', kind: 'latency', latencyMs });
}

const tsMs = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) => (t ? Number(t.seconds?.toString() ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : 0);

/** Wall time per step of the workflow, from its history: first scheduled to last completed activity of a type. */
function phasesOf(history: temporal.api.history.v1.IHistory): Phase[] {
  const events = history.events ?? [];
  const typeOfScheduled = new Map<string, string>();
  const spans = new Map<string, { from: number; to: number }>();
  for (const e of events) {
    const id = e.eventId?.toString() ?? '';
    const at = tsMs(e.eventTime);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const name = scheduled.activityType?.name ?? '?';
      typeOfScheduled.set(id, name);
      const span = spans.get(name);
      if (span) span.from = Math.min(span.from, at);
      else spans.set(name, { from: at, to: at });
    }
    const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    if (done) {
      const name = typeOfScheduled.get(done.scheduledEventId?.toString() ?? '') ?? '?';
      const span = spans.get(name);
      if (span) span.to = Math.max(span.to, at);
    }
  }
  const first = tsMs(events[0]?.eventTime);
  const last = tsMs(events[events.length - 1]?.eventTime);
  return [
    ...[...spans.entries()].map(([name, s]) => ({ name, seconds: (s.to - s.from) / 1000 })),
    { name: 'workflow (first to last event)', seconds: (last - first) / 1000 },
  ];
}

async function runProduct(h: BenchStack, opts: { entries: number; label: string; rateLimitRpm?: number }): Promise<ProductRun> {
  const employees = opts.entries / BENEFITS_PER_EMPLOYEE;
  await h.admin.reset();
  const seed = await seedPersonio(h.admin, { label: opts.label, employees, benefits: BENEFITS_PER_EMPLOYEE });

  const worker = spawnWorker(h.workerEnv({ requestsPerMinute: opts.rateLimitRpm ?? UNLIMITED_RPM }), join(dataDir, `worker-${opts.label}.log`));
  try {
    await worker.ready;
    // After the worker is up: storing a mapped type checks it in Personio through the worker.
    await registerCompany(h, seed);
    if (opts.rateLimitRpm) await h.admin.setRateLimit(opts.rateLimitRpm, seed.clientId);
    else await addLatency(h);
    const atReady = processMemory(worker.pid);
    const peakResetWorked = resetPeakRss(worker.pid);
    log(`${opts.label}: worker ready (RSS ${atReady.rssMiB.toFixed(0)} MiB, start-up peak ${atReady.peakMiB.toFixed(0)} MiB); syncing ${opts.entries} entries`);

    const collector = new RequestCollector(h.sandbox).start();
    const cpu0 = cpuSnapshot(h, { 'worker process': worker.pid });
    const t0 = performance.now();
    const started = await h.apiExpect(202, 'POST', `/v1/companies/${seed.companyId}/payroll-syncs`, { period: seed.period });
    const handle = h.temporal.workflow.getHandle(started.workflowId as string, started.runId as string);
    const result = (await handle.result()) as { status: string; counts: Json };
    const seconds = (performance.now() - t0) / 1000;
    const requestLog = collector.stop();
    const memory = processMemory(worker.pid);
    const cpu = cpuDiff(cpu0, cpuSnapshot(h, { 'worker process': worker.pid }));

    const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
    const typeIdOf = await productTypeIds(h, seed);
    const exactlyOnce = compareCompensations(expectedCompensations(seed, typeIdOf), await h.admin.listCompensations(), seed.persons);
    const run: ProductRun = {
      entries: opts.entries,
      employees,
      status: result.status,
      counts: result.counts,
      seconds,
      requests: requestFigures(requestLog),
      lostLogEntries: collector.lost,
      historyEvents: description.historyLength,
      historyKiB: (description.historySize ?? JSON.stringify(history).length) / 1024,
      phases: phasesOf(history),
      workerRssAtReadyMiB: atReady.rssMiB,
      workerPeakStartupMiB: atReady.peakMiB,
      workerPeakSyncMiB: memory.peakMiB,
      peakResetWorked,
      exactlyOnce,
      cpu,
      ...(opts.rateLimitRpm ? { pacing: ratePacing(requestLog.filter((r) => r.clientId === undefined || r.clientId === seed.clientId), opts.rateLimitRpm) } : {}),
    };
    log(
      `${opts.label}: ${run.status} in ${seconds.toFixed(1)} s, ${run.requests.total} requests, ${run.historyEvents} history events, ` +
        `duplicates ${exactlyOnce.duplicates.length}, missing ${exactlyOnce.missing.length}`,
    );
    if (!opts.rateLimitRpm) {
      run.rerun = await rerunPeriod(h, seed, typeIdOf);
      log(`${opts.label}: the same period again: ${run.rerun.status} in ${run.rerun.seconds.toFixed(1)} s, ${run.rerun.requests.writes} writes, ${run.rerun.requests.reads} reads`);
    }
    return run;
  } catch (error) {
    log(`${opts.label} failed; worker output:\n${worker.tail().slice(-3000)}`);
    throw error;
  } finally {
    await worker.stop();
  }
}

/** Syncs an already synced period again (what a retry or a second trigger does): it must post nothing. */
async function rerunPeriod(h: BenchStack, seed: Awaited<ReturnType<typeof seedPersonio>>, typeIdOf: Awaited<ReturnType<typeof productTypeIds>>): Promise<RerunFigures> {
  const collector = new RequestCollector(h.sandbox).start();
  const t0 = performance.now();
  const started = await h.apiExpect(202, 'POST', `/v1/companies/${seed.companyId}/payroll-syncs`, { period: seed.period });
  const handle = h.temporal.workflow.getHandle(started.workflowId as string, started.runId as string);
  const result = (await handle.result()) as { status: string; counts: Json };
  const seconds = (performance.now() - t0) / 1000;
  const requests = requestFigures(collector.stop());
  const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
  const after = compareCompensations(expectedCompensations(seed, typeIdOf), await h.admin.listCompensations(), seed.persons);
  return {
    status: result.status,
    seconds,
    alreadyPresent: Number(result.counts.alreadyPresent ?? 0),
    requests,
    historyEvents: description.historyLength,
    phases: phasesOf(history),
    duplicatesAfter: after.duplicates.length,
  };
}

async function runBaseline(h: BenchStack, opts: { entries: number; label: string }): Promise<BaselineRun> {
  await h.admin.reset();
  const seed = await seedPersonio(h.admin, { label: opts.label, employees: opts.entries / BENEFITS_PER_EMPLOYEE, benefits: BENEFITS_PER_EMPLOYEE });
  await addLatency(h);
  const job: BaselineJob = {
    baseUrl: h.sandbox.url,
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    requestsPerMinute: UNLIMITED_RPM,
    concurrency,
    period: seed.period,
    effectiveFrom: lastDayOf(seed.period),
    currency: 'EUR',
    benefits: seed.benefits.map((b, i) => ({ ...b, typeId: i === 0 ? seed.mappedTypeId : null })),
    entries: seed.entries.map((e) => ({ employeeEmail: e.employeeEmail, benefitKey: e.benefitKey, amountCents: valueToCents(e.amount) as number })),
  };
  const jobFile = join(dataDir, `${opts.label}.json`);
  writeFileSync(jobFile, JSON.stringify(job));
  const collector = new RequestCollector(h.sandbox).start();
  const cpu0 = cpuSnapshot(h);
  const entry = fileURLToPath(new URL('./naive-baseline.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry, jobFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-5000)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const requestLog = collector.stop();
  const cpu = cpuDiff(cpu0, cpuSnapshot(h));
  if (code !== 0) throw new Error(`naive baseline exited with ${code}: ${stderr}`);
  const result = JSON.parse(stdout.trim().split('\n').pop() as string) as BaselineResult;
  cpu['naive loop process'] = result.cpuSeconds;
  const types = await h.admin.listCompensationTypes();
  const typeOf = new Map(seed.benefits.map((b, i) => [b.benefitKey, i === 0 ? seed.mappedTypeId : types.find((t) => t.name === b.benefitName)?.id]));
  const exactlyOnce = compareCompensations(expectedCompensations(seed, (k) => typeOf.get(k)), await h.admin.listCompensations(), seed.persons);
  log(`${opts.label}: ${(result.ms / 1000).toFixed(1)} s, ${requestLog.length} requests, created ${result.created}, failed ${result.failed}`);
  return { entries: opts.entries, result, requests: requestFigures(requestLog), exactlyOnce, cpu };
}

// ---------- report ----------

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—');
const pct = (n: number, digits = 1) => `${f(n * 100, digits)} %`;
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${f(a / b, 2)}×` : '—');
const mark = (ok: boolean) => (ok ? '✅' : '❌');

function createdOf(run: ProductRun): number {
  return Number(run.counts.compensationsCreated ?? 0) + Number(run.counts.corrections ?? 0);
}

function sizeTable(p: ProductRun, b: BaselineRun | undefined): string {
  const created = createdOf(p);
  const writesPer = p.requests.writes / Math.max(1, created);
  const readsPer = p.requests.reads / p.entries;
  const bCreated = b ? b.result.created : 0;
  const bWritesPer = b ? b.requests.writes / Math.max(1, bCreated) : Number.NaN;
  const bReadsPer = b ? b.requests.reads / b.entries : Number.NaN;
  const bSeconds = b ? b.result.ms / 1000 : Number.NaN;
  const rows: string[][] = [
    ['wall time (s)', f(p.seconds), f(bSeconds), ratio(p.seconds, bSeconds), `≤ 1.5× naive: ${b ? mark(p.seconds / bSeconds <= 1.5) : '—'}`],
    ['entries per second', f(p.entries / p.seconds, 0), f(b ? b.entries / bSeconds : Number.NaN, 0), ratio(p.entries / p.seconds, b ? b.entries / bSeconds : Number.NaN), ''],
    ['compensations created', String(created), b ? String(bCreated) : '—', '', ''],
    [
      'Personio writes per created compensation',
      `${f(writesPer, 4)} (${p.requests.compensationPosts} + ${p.requests.typePosts} type)`,
      b ? `${f(bWritesPer, 4)} (${b.requests.compensationPosts} + ${b.requests.typePosts} type)` : '—',
      ratio(writesPer, bWritesPer),
      `≤ 1.05: ${mark(writesPer <= 1.05)}`,
    ],
    [
      'Personio reads per entry',
      `${f(readsPer, 4)} (${p.requests.personReads} persons, ${p.requests.typeReads} types, ${p.requests.compensationReads} compensations)`,
      b ? `${f(bReadsPer, 4)} (${b.requests.personReads} persons, ${b.requests.typeReads} types, ${b.requests.compensationReads} compensations)` : '—',
      ratio(readsPer, bReadsPer),
      `≤ 0.2: ${mark(readsPer <= 0.2)}`,
    ],
    ['token requests', String(p.requests.token), b ? String(b.requests.token) : '—', '', ''],
    [
      'the same period again (s)',
      p.rerun ? `${f(p.rerun.seconds)} = ${ratio(p.rerun.seconds, p.seconds)} the first sync` : '—',
      '—',
      '',
      p.rerun ? `≤ the first sync: ${mark(p.rerun.seconds <= p.seconds)}` : '',
    ],
    ['Temporal history events per sync', `${p.historyEvents} (${f(p.historyKiB, 0)} KiB)`, '—', '', ''],
    [
      'peak memory during the run (VmHWM, MiB)',
      `${f(p.workerPeakSyncMiB, 0)} (worker)`,
      b ? `${f(b.result.peakMiB, 0)} (baseline process)` : '—',
      ratio(p.workerPeakSyncMiB, b ? b.result.peakMiB : Number.NaN),
      '',
    ],
    ['worker RSS when ready / peak incl. start-up (MiB)', `${f(p.workerRssAtReadyMiB, 0)} / ${f(p.workerPeakStartupMiB, 0)}`, b ? `${f(b.result.rssAtStartMiB, 0)} / —` : '—', '', ''],
    [
      'duplicates / missing in Personio',
      `${p.exactlyOnce.duplicates.length} / ${p.exactlyOnce.missing.length}`,
      b ? `${b.exactlyOnce.duplicates.length} / ${b.exactlyOnce.missing.length}` : '—',
      '',
      mark(p.exactlyOnce.duplicates.length === 0 && p.exactlyOnce.missing.length === 0 && p.exactlyOnce.unexpected.length === 0),
    ],
  ];
  const phases = p.phases.map((ph) => `${ph.name} ${f(ph.seconds, 1)} s`).join(', ');
  const cpuLine = (cpu: Record<string, number>, seconds: number) => {
    const total = Object.values(cpu).reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0);
    return `${Object.entries(cpu)
      .filter(([, v]) => Number.isFinite(v))
      .map(([k, v]) => `${k} ${f(v)}`)
      .join(', ')} — total ${f(total)} CPU-s in ${f(seconds)} s = ${f(total / seconds, 2)} of ${machineInfo().nproc} cores busy`;
  };
  const baselinePhases = b ? `resolve ${f(b.result.resolveMs / 1000)} s, types ${f(b.result.typesMs / 1000)} s, post ${f(b.result.postMs / 1000)} s` : '';
  return [
    `### ${p.entries.toLocaleString('en-US')} entries (${p.employees.toLocaleString('en-US')} employees × ${BENEFITS_PER_EMPLOYEE} benefits), sync status: ${p.status}`,
    '',
    '| figure | product (Temporal + ledger) | naive loop | product / naive | target |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    [
      `- Product steps (from the workflow history): ${phases}.`,
      b ? `- Naive loop steps: ${baselinePhases}.` : '',
      `- CPU seconds during the product sync: ${cpuLine(p.cpu, p.seconds)}.`,
      b ? `- CPU seconds during the naive loop: ${cpuLine(b.cpu, b.result.ms / 1000)}.` : '',
      p.lostLogEntries > 0 ? `- ⚠ ${p.lostLogEntries} request-log entries were lost before they were read.` : '',
      p.rerun
        ? `- The same period synced again right after (a retry or second trigger): ${p.rerun.status} in ${f(p.rerun.seconds)} s, ` +
          `${p.rerun.alreadyPresent} already present, ${p.rerun.requests.writes} Personio writes, ${p.rerun.requests.reads} reads ` +
          `(${p.rerun.requests.personReads} persons, ${p.rerun.requests.typeReads} types, ${p.rerun.requests.compensationReads} compensations), ` +
          `${p.rerun.historyEvents} history events, duplicates afterwards ${p.rerun.duplicatesAfter}; steps: ${p.rerun.phases.map((ph) => `${ph.name} ${f(ph.seconds, 1)} s`).join(', ')}.`
        : '',
    ]
      .filter((l) => l !== '')
      .join('\n'),
    '',
  ].join('\n');
}

function rateTable(p: ProductRun): string {
  const r = p.pacing as RatePacing;
  return [
    `### Under a sandbox rate limit of ${r.limitPerMinute} requests/min per credential (worker PERSONIO_REQUESTS_PER_MINUTE=${r.limitPerMinute})`,
    '',
    `${p.entries.toLocaleString('en-US')} entries (${p.employees} employees × ${BENEFITS_PER_EMPLOYEE}); sync ${p.status} in ${f(p.seconds)} s; ${r.requests} resource requests over ${f(r.spanSeconds)} s (+ ${p.requests.token} token requests).`,
    '',
    '| figure | measured | target |',
    '|---|---|---|',
    `| accepted requests per minute (first to last request) | ${f(r.acceptedPerMinute, 0)} = ${pct(r.shareOfLimit)} of the limit | ≥ 90 %: ${mark(r.shareOfLimit >= 0.9)} |`,
    `| accepted requests per minute over the whole sync | ${f((r.accepted / p.seconds) * 60, 0)} = ${pct((r.accepted / p.seconds) * 60 / r.limitPerMinute)} of the limit | |`,
    `| most accepted requests in any 60 s window | ${r.maxInAnyMinute} | ≤ ${r.limitPerMinute} (enforced by the sandbox) |`,
    `| requests answered 429 | ${r.answered429} of ${r.requests} = ${pct(r.share429, 2)}${r.times429.length > 0 ? ` (at ${f(Math.min(...r.times429))}–${f(Math.max(...r.times429))} s after the first request)` : ''} | < 1 %: ${mark(r.share429 < 0.01)} |`,
    `| duplicates / missing | ${p.exactlyOnce.duplicates.length} / ${p.exactlyOnce.missing.length} | 0 / 0 |`,
  ].join('\n');
}

function report(machine: MachineInfo, before: LoadSnapshot, after: LoadSnapshot, quiet: boolean, runs: { product: ProductRun; baseline?: BaselineRun }[], rate?: ProductRun): string {
  return [
    `## Benchmark run ${before.at}`,
    '',
    `Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${f(machine.memTotalGiB)} GiB RAM, Node ${machine.node}, ${machine.kernel}.`,
    `Load before: ${describeLoad(before)}${quiet ? '' : ' — ⚠ the machine was not quiet'}.`,
    `Load after: ${describeLoad(after)}.`,
    latencyMs > 0 ? `Sandbox latency added to every request of the size runs: ${latencyMs} ms.` : 'No latency added to the sandbox (zero-latency runs).',
    '',
    ...runs.map((r) => sizeTable(r.product, r.baseline)),
    '',
    rate ? rateTable(rate) : '',
    '',
  ].join('\n');
}

// ---------- main ----------

async function main(): Promise<number> {
  const machine = machineInfo();
  let quiet = true;
  if (waitQuietMinutes > 0) {
    const waited = await waitForQuiet({ maxWaitMs: waitQuietMinutes * 60_000, log });
    quiet = waited.quiet;
    if (!quiet) log(`still busy after ${waitQuietMinutes} min; running anyway (the report says so)`);
  }
  const before = await loadSnapshot();
  log(`data dir ${dataDir}; ${describeLoad(before)}`);
  const h = await startBenchStack({ dataDir });
  const runs: { product: ProductRun; baseline?: BaselineRun }[] = [];
  let rate: ProductRun | undefined;
  const queueRuns: QueueLatencyRun[] = [];
  try {
    for (const entries of sizes) {
      const product = await runProduct(h, { entries, label: `product-${entries}` });
      const baseline = args['no-baseline'] || entries > baselineMax ? undefined : await runBaseline(h, { entries, label: `naive-${entries}` });
      runs.push(baseline ? { product, baseline } : { product });
    }
    if (!args['no-rate-limit']) rate = await runProduct(h, { entries: rateLimitEntries, label: `ratelimit-${rateLimitEntries}`, rateLimitRpm });
    if (!args['no-queue-latency']) {
      for (const load of queueLoads) {
        for (const sharedQueue of [true, false]) {
          const label = `queue-${load.syncs}x${load.entriesPerSync}-${sharedQueue ? 'shared' : 'own'}`;
          queueRuns.push(await runQueueLatency(h, { ...load, label, sharedQueue, samples: args.quick ? 3 : 8, dataDir, log }));
        }
      }
    }
  } finally {
    await h.close();
  }
  const after = await loadSnapshot();
  console.log(report(machine, before, after, quiet, runs, rate));
  if (queueRuns.length > 0) console.log(`${queueLatencyTable(queueRuns)}\n`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ machine, before, after, quiet, runs, rate, queueRuns }, null, 2));
  const broken = [...runs.map((r) => r.product), ...(rate ? [rate] : [])].some(
    (p) =>
      p.status !== 'succeeded' ||
      p.exactlyOnce.duplicates.length > 0 ||
      p.exactlyOnce.missing.length > 0 ||
      (p.rerun !== undefined && (p.rerun.status !== 'succeeded' || p.rerun.requests.writes > 0 || p.rerun.duplicatesAfter > 0)),
  );
  return broken ? 1 : 0;
}

main()
  .then((code) => {
    if (!args.keep) rmSync(dataDir, { recursive: true, force: true });
    else log(`kept ${dataDir}`);
    process.exit(code);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    log(`logs kept in ${dataDir}`);
    process.exit(1);
  });
