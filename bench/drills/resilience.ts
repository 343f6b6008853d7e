// The resilience drill: one sync of 2,000 employees × 2 benefits while the worker process is SIGKILLed and
// restarted several times (once while it resolves employees, the rest while it pushes), the MongoDB-wire server
// (FerretDB) is stopped and restarted on the same port and data, and the sandbox drops answers after committing
// (commit_then_drop) and answers 5xx. Then Personio's compensations are compared with the expected set.
import { join } from 'node:path';
import { ferretDbServer } from '../../dev/ferretdb.js';
import { freePort } from '../../dev/free-port.js';
import type { RequestLogEntry } from '../../sandbox/index.js';
import { loadSnapshot } from '../support/machine.js';
import { sleep } from '../support/processes.js';
import { RequestCollector, requestFigures } from '../support/requests.js';
import { registerCompany, seedPersonio } from '../support/scenario.js';
import { startBenchStack, type BenchStack } from '../support/stack.js';
import { DrillTimeline, loadLine, yesNo, type DrillOptions, type DrillResult } from './context.js';
import { describePending, outcomeOf, type SyncOutcome } from './sync-watch.js';
import { exactlyOnceHolds, syncVerdict, verdictExamples, verdictRows } from './verdict.js';
import { WorkerPool } from './worker-pool.js';

const BENEFITS = 2;
const PERSONS_PER_REQUEST = 50;
/** Steps are at least this far apart, so that each one meets a worker that is busy again. */
const MIN_STEP_GAP_MS = 2_000;

export async function resilienceDrill(o: DrillOptions): Promise<DrillResult> {
  const employees = o.employees ?? 2_000;
  const kills = o.kills ?? 4;
  const faultRate = o.faultRate ?? 0.01;
  const t = new DrillTimeline('resilience');
  const load = await loadSnapshot();
  // Run by the drill itself (not by dev/stack.ts) so it can be restarted on the same port and data.
  const ferret = ferretDbServer({ sqliteDir: join(o.dataDir, 'ferretdb'), port: await freePort(), logFile: join(o.dataDir, 'logs', 'ferretdb.log') });
  await ferret.start();
  let stack: BenchStack | undefined;
  let pool: WorkerPool | undefined;
  try {
    stack = await startBenchStack({ dataDir: o.dataDir, mongoUri: ferret.uri });
    const h = stack;
    const seed = await seedPersonio(h.admin, { label: 'drill', employees, benefits: BENEFITS });
    const total = employees * BENEFITS;
    const personRequests = Math.ceil(employees / PERSONS_PER_REQUEST);

    // Faults. Slow employee lookups make the resolution step long enough to kill the worker in the middle of it.
    await h.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'latency', latencyMs: 250, count: personRequests });
    await h.admin.addFault({ method: 'GET', path: '/v2/persons', kind: 'status', status: 500, count: 2, seed: 11 });
    await h.admin.addFault({ method: 'POST', path: '/v2/compensations/types', kind: 'commit_then_drop', count: 1 });
    await h.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'commit_then_drop', rate: faultRate, seed: 21 });
    await h.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'status', status: 503, rate: faultRate, seed: 22 });
    await h.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'status', status: 502, rate: faultRate / 2, seed: 23 });
    await h.admin.addFault({ method: 'GET', path: '/v2/compensations', kind: 'status', status: 502, rate: 0.1, seed: 24 });

    const env: NodeJS.ProcessEnv = {
      ...h.workerEnv({ requestsPerMinute: 600_000 }),
      // The MongoDB driver's own topology and connection logs, into the worker logs.
      ...(o.mongoLog ? { MONGODB_LOG_TOPOLOGY: 'debug', MONGODB_LOG_CONNECTION: 'debug', MONGODB_LOG_SERVER_SELECTION: 'debug', MONGODB_LOG_PATH: 'stderr' } : {}),
    };
    pool = new WorkerPool({ env, logDir: join(o.dataDir, 'logs'), timeline: t, restartDelayMs: o.restartDelayMs });
    const workers = pool;
    await workers.startMany(1);
    // After the worker is up: storing a mapped type checks it in Personio through the worker.
    await registerCompany(h, seed);

    const collector = new RequestCollector(h.sandbox).start();
    const state = h.sandbox.sandbox.state;
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
      if (!o.noDbRestart && i === 0) steps.push(pushStep('db', Math.round(total * fraction * 1.5)));
    }
    if (pushKills === 0 && !o.noDbRestart) steps.push(pushStep('db', Math.round(total / 2)));

    const t0 = Date.now();
    const started = await h.apiExpect(202, 'POST', `/v1/companies/${seed.companyId}/payroll-syncs`, { period: seed.period });
    t.note(`sync ${started.syncId as string} started (${total} compensations for ${employees} employees)`);
    const handle = h.temporal.workflow.getHandle(started.workflowId as string, started.runId as string);
    let outcome: SyncOutcome | undefined;
    const result = outcomeOf(handle).then((r) => (outcome = r));
    // Every 30 s without a new compensation in Personio, say which activities are pending and why.
    let heldAtLastTick = -1;
    const watchdog = setInterval(() => {
      const now = held();
      const stalled = now === heldAtLastTick;
      heldAtLastTick = now;
      if (!stalled || outcome) return;
      void describePending(handle)
        .then((pending) => t.log(`still running; ${held()} held; pending activities: ${pending}`))
        .catch((error: unknown) => t.log(`still running; ${held()} held; could not describe the workflow: ${String(error)}`));
    }, 30_000);

    const deadline = t0 + o.timeoutMs;
    let since = 0;
    let lastStepAt = 0;
    let dbBackAt: number | undefined;
    let killsDone = 0;
    for (const step of steps) {
      while (!outcome && (!step.ready(since) || Date.now() < lastStepAt + MIN_STEP_GAP_MS) && Date.now() < deadline) await sleep(50);
      if (outcome || Date.now() >= deadline) break;
      if (step.kind === 'kill') {
        const [victim] = workers.live();
        if (victim) {
          await workers.killAndRestart(victim, `at ${step.label}; ${held()} held`);
          killsDone++;
        }
      } else {
        const down = Date.now();
        t.note(`stopping FerretDB (${o.dbKill ? 'SIGKILL' : 'SIGTERM'}) at ${step.label}; ${held()} held`);
        await ferret.stop({ kill: o.dbKill });
        t.note(`FerretDB down after ${((Date.now() - down) / 1000).toFixed(1)} s; ${held()} held`);
        await sleep(Math.max(0, down + o.dbDownMs - Date.now()));
        await ferret.start();
        dbBackAt = Date.now();
        t.note(`FerretDB restarted on the same port and data (${((dbBackAt - down) / 1000).toFixed(1)} s after the stop began); ${held()} held`);
      }
      since = held();
      lastStepAt = Date.now();
    }
    const timedOut = await Promise.race([result.then(() => false), sleep(Math.max(0, deadline - Date.now())).then(() => true)]);
    clearInterval(watchdog);
    const seconds = (Date.now() - t0) / 1000;
    if (timedOut) t.note(`the sync did not finish within ${o.timeoutMs / 60_000} min`);
    else t.note(`sync closed after ${seconds.toFixed(1)} s: ${outcome?.status}${outcome?.error ? ` (${outcome.error})` : ''}`);
    const requestLog: RequestLogEntry[] = collector.stop();

    // Recovery after the database restart: the first push-ledger record the worker created (createdAt is set
    // when the record is built, just before its insert) after FerretDB answered again and wrote successfully.
    let dbRecovery = 'no database restart';
    if (dbBackAt !== undefined) {
      const [first] = await h.db
        .collection<{ createdAt: Date }>('push_ledger')
        .find({ createdAt: { $gte: new Date(dbBackAt) } }, { projection: { createdAt: 1 } })
        .sort({ createdAt: 1 })
        .limit(1)
        .toArray();
      dbRecovery = first ? `${((first.createdAt.getTime() - dbBackAt) / 1000).toFixed(1)} s after it answered again` : 'none (no ledger write after it)';
      t.note(`first push-ledger record written after the FerretDB restart: ${dbRecovery}`);
    }

    const verdict = await syncVerdict(h, seed, started.syncId as string);
    const figures = requestFigures(requestLog);
    const faultsApplied = new Map<string, number>();
    for (const r of requestLog) for (const fault of r.faults ?? []) {
      const key = `${r.method} ${r.path} ${fault.replace(/^fault-\d+:/, '')}${fault.endsWith(':status') ? ` ${r.status}` : ''}`;
      faultsApplied.set(key, (faultsApplied.get(key) ?? 0) + 1);
    }
    const createdTypes = (await h.admin.listCompensationTypes()).filter((ty) => seed.benefits.some((b) => b.benefitName === ty.name));

    // Did the database restart reach the worker? (Temporal's runtime logs each failed activity attempt.)
    const workerLogs = workers.logs();
    const countLines = (pattern: RegExp) => workerLogs.reduce((n, text) => n + (text.match(pattern)?.length ?? 0), 0);
    const mongoErrors = countLines(/Mongo\w*Error|MongoServerSelection|ECONNREFUSED/g);
    const monitorRestarts = countLines(/"msg":"mongodb server monitor stuck; restarted it"/g);
    const wedgedExits = countLines(/"msg":"mongodb client wedged; exiting/g);
    const finished = !timedOut && outcome?.status === 'succeeded';
    const lines = [
      `## Resilience drill ${new Date(t.startedAt).toISOString()}`,
      '',
      `${employees} employees × ${BENEFITS} benefits = ${total} compensations; ${workers.all.length} worker processes (${killsDone} of ${kills} planned SIGKILLs done), ` +
        `${o.noDbRestart ? 'no' : `one FerretDB restart (${o.dbKill ? 'SIGKILL' : 'SIGTERM'}, ${o.dbDownMs / 1000} s down)`}; fault rate ${faultRate}. ${loadLine(load)}`,
      '',
      ...t.table(),
      '',
      `Faults applied: ${[...faultsApplied.entries()].map(([k, n]) => `${k} ×${n}`).join('; ') || 'none'}.`,
      `Requests: ${figures.total} (${figures.compensationPosts} compensation POSTs, ${figures.typePosts} type POSTs, ${figures.reads} GETs, ${figures.token} token; ` +
        `${figures.status5xx} answered 5xx, ${figures.dropped} dropped after commit, ${figures.status429} answered 429). ` +
        `Worker log lines mentioning a MongoDB connection error: ${mongoErrors}. ` +
        `Stuck MongoDB server monitors restarted by the worker: ${monitorRestarts}; worker exits on a wedged MongoDB client: ${wedgedExits}; worker exits restarted by the drill: ${workers.selfExits}.`,
      `Sync: ${outcome?.status ?? 'not closed'}; counts ${JSON.stringify(verdict.counts)}.`,
      '',
      '| check | result |',
      '|---|---|',
      `| sync finished successfully | ${yesNo(finished)} (${seconds.toFixed(1)} s) |`,
      `| worker's first push-ledger write after the FerretDB restart | ${dbRecovery} |`,
      ...verdictRows(verdict),
      `| compensation types created for the unmapped benefit | ${createdTypes.length} |`,
      ...verdictExamples(verdict),
    ];
    const ok = finished && exactlyOnceHolds(verdict) && createdTypes.length === 1 && (verdict.complete || !o.strict);
    if (!verdict.complete) t.log(`the export log does not account for every entry${o.strict ? '' : ' (reported only; --strict fails the drill on it)'}`);
    return { ok, report: lines.join('\n') };
  } finally {
    await pool?.stopAll();
    await stack?.close();
    await ferret.stop();
  }
}
