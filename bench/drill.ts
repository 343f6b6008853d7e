// `npm run drill`: a resilience drill on the real stack. One sync of 2,000 employees × 2 benefits while the
// worker process is SIGKILLed and restarted several times (once while it resolves employees, the rest while it
// pushes), the MongoDB-wire server (FerretDB) is stopped and restarted on the same port and data, and the
// sandbox drops answers after committing (commit_then_drop) and answers 5xx. Then Personio's compensations are
// compared with the expected set: it prints the duplicates and the missing entries and exits non-zero if there
// is any, or if the sync did not finish successfully.
//
//   npm run drill
//   npm run drill -- --employees 2000 --kills 4 --fault-rate 0.01 --timeout-minutes 20 --keep
//
// Options: --employees n (default 2000; 2 benefits each), --kills n (worker SIGKILLs, default 4, the first one
// during employee resolution), --no-db-restart, --fault-rate r (share of compensation POSTs hit by
// commit_then_drop, and again by 503/502; default 0.01), --restart-delay-ms n (default 1000),
// --db-kill (stop FerretDB with SIGKILL instead of SIGTERM), --db-down-ms n (how long it stays down, default
// 12000: longer than the worker's 10 s MongoDB server-selection timeout), --strict (also fail when the export log does not
// account for every entry), --timeout-minutes n (default 20), --keep (keep the temp data dir with every log),
// --mongo-log (the MongoDB driver's topology, connection and server-selection logs into the worker logs).
// Like docker compose's `restart: unless-stopped`, the drill restarts a worker that exits by itself (the
// worker's MongoDB watchdog exits with code 75 when its client is wedged), and it reports how long after the
// FerretDB restart the worker wrote its first new push-ledger record (its MongoDB client works again).
import { Client } from '@temporalio/client';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { freePort } from '../dev/free-port.js';
import { ferretDbServer } from '../dev/ferretdb.js';
import type { RequestLogEntry } from '../sandbox/index.js';
import { describeLoad, loadSnapshot } from './support/machine.js';
import { sleep, spawnWorker, type WorkerProcess } from './support/processes.js';
import { RequestCollector, requestFigures } from './support/requests.js';
import { compareCompensations, expectedCompensations, productTypeIds, registerCompany, seedPersonio } from './support/scenario.js';
import { startBenchStack, type BenchStack, type Json } from './support/stack.js';

const { values: args } = parseArgs({
  options: {
    employees: { type: 'string' },
    kills: { type: 'string' },
    'no-db-restart': { type: 'boolean', default: false },
    'db-kill': { type: 'boolean', default: false },
    'db-down-ms': { type: 'string' },
    strict: { type: 'boolean', default: false },
    'mongo-log': { type: 'boolean', default: false },
    'fault-rate': { type: 'string' },
    'restart-delay-ms': { type: 'string' },
    'timeout-minutes': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const employees = Number(args.employees ?? 2_000);
const kills = Number(args.kills ?? 4);
const faultRate = Number(args['fault-rate'] ?? 0.01);
const restartDelayMs = Number(args['restart-delay-ms'] ?? 1_000);
/** Longer than the worker's MongoDB server-selection timeout (10 s): operations fail instead of waiting it out. */
const dbDownMs = Number(args['db-down-ms'] ?? 12_000);
/** Steps are at least this far apart, so that each one meets a worker that is busy again. */
const MIN_STEP_GAP_MS = 2_000;
const timeoutMs = Number(args['timeout-minutes'] ?? 20) * 60_000;
const BENEFITS = 2;
const PERSONS_PER_REQUEST = 50;

const startedAt = Date.now();
const log = (line: string) => process.stderr.write(`[drill +${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
const dataDir = mkdtempSync(join(tmpdir(), 'payroll-drill-'));

interface DrillEvent {
  atSeconds: number;
  what: string;
}

async function main(): Promise<number> {
  const load = await loadSnapshot();
  log(`data dir ${dataDir}; ${describeLoad(load)}`);
  // Run by the drill itself (not by dev/stack.ts) so it can be restarted on the same port and data.
  const ferret = ferretDbServer({ sqliteDir: join(dataDir, 'ferretdb'), port: await freePort(), logFile: join(dataDir, 'logs', 'ferretdb.log') });
  await ferret.start();
  let h: BenchStack | undefined;
  let worker: WorkerProcess | undefined;
  const workers: WorkerProcess[] = [];
  /** Workers the drill killed or stopped itself; any other exit is restarted, as a supervisor would. */
  const endedByDrill = new Set<WorkerProcess>();
  let shuttingDown = false;
  let selfExits = 0;
  const events: DrillEvent[] = [];
  const note = (what: string) => {
    events.push({ atSeconds: (Date.now() - startedAt) / 1000, what });
    log(what);
  };
  try {
    h = await startBenchStack({ dataDir, mongoUri: ferret.uri });
    const stack = h;
    const seed = await seedPersonio(stack.admin, { label: 'drill', employees, benefits: BENEFITS });
    const total = employees * BENEFITS;
    const personRequests = Math.ceil(employees / PERSONS_PER_REQUEST);

    // Faults. Slow employee lookups make the resolution step long enough to kill the worker in the middle of it.
    await stack.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'latency', latencyMs: 250, count: personRequests });
    await stack.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'status', status: 500, count: 2, seed: 11 });
    await stack.admin.addFault({ method: 'POST', path: '/v2/compensations/types', kind: 'commit_then_drop', count: 1 });
    await stack.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'commit_then_drop', rate: faultRate, seed: 21 });
    await stack.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'status', status: 503, rate: faultRate, seed: 22 });
    await stack.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'status', status: 502, rate: faultRate / 2, seed: 23 });
    await stack.admin.addFault({ method: 'GET', path: '/v2/compensations', kind: 'status', status: 502, rate: 0.1, seed: 24 });

    const env: NodeJS.ProcessEnv = {
      ...stack.workerEnv({ requestsPerMinute: 600_000 }),
      // The MongoDB driver's own topology and connection logs, into the worker logs.
      ...(args['mongo-log'] ? { MONGODB_LOG_TOPOLOGY: 'debug', MONGODB_LOG_CONNECTION: 'debug', MONGODB_LOG_SERVER_SELECTION: 'debug', MONGODB_LOG_PATH: 'stderr' } : {}),
    };
    const startWorker = () => {
      worker = spawnWorker(env, join(dataDir, 'logs', `worker-${workers.length + 1}.log`));
      workers.push(worker);
      const w = worker;
      void w.ready.then(
        () => log(`worker ${workers.indexOf(w) + 1} (pid ${w.pid}) ready`),
        () => undefined,
      );
      void w.exited.then(async (code) => {
        if (shuttingDown || endedByDrill.has(w)) return;
        selfExits++;
        note(`worker ${workers.indexOf(w) + 1} (pid ${w.pid}) exited by itself (code ${code}); restarting it in ${restartDelayMs} ms`);
        await sleep(restartDelayMs);
        if (shuttingDown || worker !== w) return;
        const next = startWorker();
        note(`worker ${workers.length} (pid ${next.pid}) started`);
      });
      return w;
    };
    await startWorker().ready;
    // After the worker is up: storing a mapped type checks it in Personio through the worker.
    await registerCompany(stack, seed);

    const collector = new RequestCollector(stack.sandbox).start();
    const state = stack.sandbox.sandbox.state;
    const personGets = () => collector.entries().filter((r) => r.method === 'GET' && r.path === '/v2/persons').length;
    const held = () => state.compensations.size;

    // The plan: kill 1 in the middle of the employee lookups, the others spread over the push, the database
    // restart between the first two push kills. Push-phase steps wait for a share of the compensations to be
    // held and for some progress since the step before (so that each step meets a busy worker).
    type Step = { kind: 'kill' | 'db'; ready: (since: number) => boolean; label: string };
    const steps: Step[] = [];
    const gap = Math.max(1, Math.round(total * 0.02));
    const pushStep = (kind: Step['kind'], threshold: number): Step => ({
      kind,
      ready: (since) => held() >= threshold && held() >= since + gap,
      label: `≥ ${threshold} of ${total} compensations held`,
    });
    if (kills > 0) steps.push({ kind: 'kill', ready: () => personGets() >= Math.ceil(personRequests / 2), label: `half of the ${personRequests} employee lookups done` });
    const pushKills = Math.max(0, kills - 1);
    for (let i = 0; i < pushKills; i++) {
      // Pushing is quick at zero latency, and it goes on for ~3 s while FerretDB shuts down: the steps sit in
      // the first 80 % of the push so that the last ones still find work to interrupt.
      const fraction = ((i + 1) / (pushKills + 1)) * 0.8;
      steps.push(pushStep('kill', Math.round(total * fraction)));
      if (!args['no-db-restart'] && i === 0) steps.push(pushStep('db', Math.round(total * fraction * 1.5)));
    }
    if (pushKills === 0 && !args['no-db-restart']) steps.push(pushStep('db', Math.round(total / 2)));

    const t0 = Date.now();
    const started = await stack.apiExpect(202, 'POST', `/v1/companies/${seed.companyId}/payroll-syncs`, { period: seed.period });
    note(`sync ${started.syncId as string} started (${total} compensations for ${employees} employees)`);
    const temporal: Client = stack.temporal;
    const handle = temporal.workflow.getHandle(started.workflowId as string, started.runId as string);
    let closed = false;
    let outcome: { status: string; counts?: Json; error?: string } | undefined;
    const result = handle.result().then(
      (r: { status: string; counts: Json }) => (outcome = { status: r.status, counts: r.counts }),
      (error: unknown) => (outcome = { status: 'failed', error: error instanceof Error ? error.message : String(error) }),
    );
    void result.finally(() => (closed = true));
    // Every 30 s without a new compensation in Personio, say which activities are pending and why.
    let heldAtLastTick = -1;
    const watchdog = setInterval(() => {
      const now = held();
      const stalled = now === heldAtLastTick;
      heldAtLastTick = now;
      if (!stalled || closed) return;
      void handle
        .describe()
        .then((d) => {
          const pending = d.raw.pendingActivities ?? [];
          const ts = (t: { seconds?: unknown } | null | undefined) => (t?.seconds ? new Date(Number(String(t.seconds)) * 1000).toISOString().slice(11, 19) : '-');
          log(
            `still running; ${held()} held; pending activities: ${
              pending
                .map(
                  (a) =>
                    `${a.activityType?.name ?? '?'}#${a.activityId} attempt ${a.attempt} state ${a.state} started ${ts(a.lastStartedTime)} heartbeat ${ts(a.lastHeartbeatTime)} worker ${a.lastWorkerIdentity ?? '-'}${a.lastFailure?.message ? ` last failure: ${a.lastFailure.message.slice(0, 160)}` : ''}`,
                )
                .join(' | ') || 'none'
            }`,
          );
        })
        .catch((error: unknown) => log(`still running; ${held()} held; could not describe the workflow: ${error instanceof Error ? error.message : String(error)}`));
    }, 30_000);

    const deadline = t0 + timeoutMs;
    let since = 0;
    let lastStepAt = 0;
    let dbBackAt: number | undefined;
    let killsDone = 0;
    for (const step of steps) {
      while (!closed && (!step.ready(since) || Date.now() < lastStepAt + MIN_STEP_GAP_MS) && Date.now() < deadline) await sleep(50);
      if (closed || Date.now() >= deadline) break;
      if (step.kind === 'kill') {
        const victim = worker as WorkerProcess;
        endedByDrill.add(victim);
        await victim.kill();
        killsDone++;
        note(`SIGKILL worker ${workers.indexOf(victim) + 1} (pid ${victim.pid}) at ${step.label}; ${held()} held`);
        await sleep(restartDelayMs);
        const next = startWorker();
        note(`worker ${workers.length} (pid ${next.pid}) started`);
      } else {
        const down = Date.now();
        note(`stopping FerretDB (${args['db-kill'] ? 'SIGKILL' : 'SIGTERM'}) at ${step.label}; ${held()} held`);
        await ferret.stop({ kill: args['db-kill'] });
        note(`FerretDB down after ${((Date.now() - down) / 1000).toFixed(1)} s; ${held()} held`);
        await sleep(Math.max(0, down + dbDownMs - Date.now()));
        await ferret.start();
        dbBackAt = Date.now();
        note(`FerretDB restarted on the same port and data (${((dbBackAt - down) / 1000).toFixed(1)} s after the stop began); ${held()} held`);
      }
      since = held();
      lastStepAt = Date.now();
    }
    const timedOut = await Promise.race([result.then(() => false), sleep(Math.max(0, deadline - Date.now())).then(() => true)]);
    clearInterval(watchdog);
    const seconds = (Date.now() - t0) / 1000;
    if (timedOut) note(`the sync did not finish within ${timeoutMs / 60_000} min`);
    else note(`sync closed after ${seconds.toFixed(1)} s: ${outcome?.status}${outcome?.error ? ` (${outcome.error})` : ''}`);
    const requestLog: RequestLogEntry[] = collector.stop();

    // Recovery after the database restart: the first push-ledger record the worker created (createdAt is set
    // when the record is built, just before its insert) after FerretDB answered again and wrote successfully.
    let dbRecovery = 'no database restart';
    if (dbBackAt !== undefined) {
      const [first] = await stack.db
        .collection<{ createdAt: Date }>('push_ledger')
        .find({ createdAt: { $gte: new Date(dbBackAt) } }, { projection: { createdAt: 1 } })
        .sort({ createdAt: 1 })
        .limit(1)
        .toArray();
      dbRecovery = first ? `${((first.createdAt.getTime() - dbBackAt) / 1000).toFixed(1)} s after it answered again` : 'none (no ledger write after it)';
      note(`first push-ledger record written after the FerretDB restart: ${dbRecovery}`);
    }

    // Ground truth: what Personio (the sandbox) holds, against what the entries require.
    const typeIdOf = await productTypeIds(stack, seed);
    const held2 = await stack.admin.listCompensations();
    const report = compareCompensations(expectedCompensations(seed, typeIdOf), held2, seed.persons);
    const syncPath = `/v1/companies/${seed.companyId}/payroll-syncs/${started.syncId as string}`;
    const detail = await stack.api('GET', syncPath);
    // The export log must account for every entry too: entries left `pending` or missing from the counts mean
    // the product lost a write of its own (see the report in docs/benchmarks.md).
    const resultsWith = async (statuses: string) => Number((await stack.api('GET', `${syncPath}?resultsLimit=1&resultStatus=${statuses}`)).json.results?.total ?? Number.NaN);
    const transferredEntries = await resultsWith('created,already_present,correction_created');
    const pendingEntries = await resultsWith('pending');
    const counts = (detail.json.counts ?? outcome?.counts ?? {}) as Json;
    const countedItems = Number(counts.compensationsCreated ?? 0) + Number(counts.alreadyPresent ?? 0) + Number(counts.corrections ?? 0);
    const exportLogConsistent = transferredEntries === total && pendingEntries === 0 && countedItems === total;
    const figures = requestFigures(requestLog);
    const faultsApplied = new Map<string, number>();
    for (const r of requestLog) for (const fault of r.faults ?? []) {
      const key = `${r.method} ${r.path} ${fault.replace(/^fault-\d+:/, '')}${fault.endsWith(':status') ? ` ${r.status}` : ''}`;
      faultsApplied.set(key, (faultsApplied.get(key) ?? 0) + 1);
    }
    const createdTypes = (await stack.admin.listCompensationTypes()).filter((t) => seed.benefits.some((b) => b.benefitName === t.name));

    // Did the database restart reach the worker? (Temporal's runtime logs each failed activity attempt.)
    const workerLogs = workers.map((_, i) => {
      try {
        return readFileSync(join(dataDir, 'logs', `worker-${i + 1}.log`), 'utf8');
      } catch {
        return '';
      }
    });
    const mongoErrors = workerLogs.reduce((n, text) => n + (text.match(/Mongo\w*Error|MongoServerSelection|ECONNREFUSED/g)?.length ?? 0), 0);
    const countLines = (pattern: RegExp) => workerLogs.reduce((n, text) => n + (text.match(pattern)?.length ?? 0), 0);
    const monitorRestarts = countLines(/"msg":"mongodb server monitor stuck; restarted it"/g);
    const wedgedExits = countLines(/"msg":"mongodb client wedged; exiting/g);
    const finished = !timedOut && outcome?.status === 'succeeded';
    const lines = [
      `## Resilience drill ${new Date(startedAt).toISOString()}`,
      '',
      `${employees} employees × ${BENEFITS} benefits = ${total} compensations; ${workers.length} worker processes (${killsDone} of ${kills} planned SIGKILLs done), ` +
        `${args['no-db-restart'] ? 'no' : `one FerretDB restart (${args['db-kill'] ? 'SIGKILL' : 'SIGTERM'}, ${dbDownMs / 1000} s down)`}; fault rate ${faultRate}. Load at start: ${describeLoad(load)}.`,
      '',
      '| time | event |',
      '|---|---|',
      ...events.map((e) => `| +${e.atSeconds.toFixed(1)} s | ${e.what} |`),
      '',
      `Faults applied: ${[...faultsApplied.entries()].map(([k, n]) => `${k} ×${n}`).join('; ') || 'none'}.`,
      `Requests: ${figures.total} (${figures.compensationPosts} compensation POSTs, ${figures.typePosts} type POSTs, ${figures.reads} GETs, ${figures.token} token; ` +
        `${figures.status5xx} answered 5xx, ${figures.dropped} dropped after commit, ${figures.status429} answered 429). ` +
        `Worker log lines mentioning a MongoDB connection error: ${mongoErrors}. ` +
        `Stuck MongoDB server monitors restarted by the worker: ${monitorRestarts}; worker exits on a wedged MongoDB client: ${wedgedExits}; worker exits restarted by the drill: ${selfExits}.`,
      `Sync: ${outcome?.status ?? 'not closed'}; counts ${JSON.stringify(counts)}.`,
      '',
      '| check | result |',
      '|---|---|',
      `| sync finished successfully | ${finished ? 'yes' : 'NO'} (${seconds.toFixed(1)} s) |`,
      `| worker's first push-ledger write after the FerretDB restart | ${dbRecovery} |`,
      `| compensations expected / held | ${report.expected} / ${report.actual} |`,
      `| duplicates | ${report.duplicates.length} |`,
      `| missing entries | ${report.missing.length} |`,
      `| unexpected compensations (wrong amount, type or date) | ${report.unexpected.length} |`,
      `| compensation types created for the unmapped benefit | ${createdTypes.length} |`,
      `| export log: entries transferred / pending; created + already present + corrections | ${transferredEntries} / ${pendingEntries}; ${countedItems} of ${total} ${exportLogConsistent ? '' : '⚠ inconsistent'} |`,
    ];
    const examples = (title: string, items: string[]) => (items.length > 0 ? [`${title} (first 10, person|type|value|date): ${items.slice(0, 10).join(', ')}`] : []);
    lines.push(...examples('Duplicates', report.duplicates), ...examples('Missing', report.missing), ...examples('Unexpected', report.unexpected));
    console.log(lines.join('\n'));
    const ok =
      finished &&
      report.duplicates.length === 0 &&
      report.missing.length === 0 &&
      report.unexpected.length === 0 &&
      createdTypes.length === 1 &&
      (exportLogConsistent || !args.strict);
    if (!exportLogConsistent) log(`the export log does not account for every entry${args.strict ? '' : ' (reported only; --strict fails the drill on it)'}`);
    if (!ok) log(`DRILL FAILED; logs in ${dataDir}/logs`);
    return ok ? 0 : 1;
  } finally {
    shuttingDown = true;
    for (const w of workers) {
      endedByDrill.add(w);
      await w.stop(10_000);
    }
    await h?.close();
    await ferret.stop();
  }
}

main()
  .then((code) => {
    if (code === 0 && !args.keep) rmSync(dataDir, { recursive: true, force: true });
    else log(`kept ${dataDir}`);
    process.exit(code);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    log(`logs kept in ${dataDir}`);
    process.exit(2);
  });
