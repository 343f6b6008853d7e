// The shared-limit drill: several worker processes, each configured with the credential's limit
// (PERSONIO_REQUESTS_PER_MINUTE), against a sandbox that enforces that limit for the credential; workers SIGKILLed
// and restarted during the push. The limit must hold across the processes (few 429s) and be used (little idle).
import type { RequestLogEntry } from '../../sandbox/index.js';
import { loadSnapshot } from '../support/machine.js';
import { sleep } from '../support/processes.js';
import { RequestCollector, ratePacing, requestFigures, TOKEN_PATH } from '../support/requests.js';
import { DrillTimeline, loadLine, yesNo, type DrillOptions, type DrillResult } from './context.js';
import { pushAttemptsOf } from './push-attempts.js';
import { outcomeOf, pushesByWorkerPid, type SyncOutcome } from './sync-watch.js';
import { exactlyOnceHolds, syncVerdict, verdictExamples, verdictRows } from './verdict.js';
import { BENEFITS, withLimitedRun } from './limited-run.js';

/** Targets of the drill (issue 15). */
const MAX_SHARE_429 = 0.01;
const MIN_SHARE_OF_LIMIT = 0.85;

const pct = (n: number, digits = 1) => `${(n * 100).toFixed(digits)} %`;

export async function rateLimitDrill(o: DrillOptions): Promise<DrillResult> {
  const workerCount = o.workers ?? 3;
  const rpm = o.rateLimitRpm ?? 150;
  const employees = o.employees ?? 200;
  const kills = o.kills ?? 2;
  const t = new DrillTimeline('rate-limit');
  const load = await loadSnapshot();
  return withLimitedRun(o, t, { label: 'shared-limit', employees, workers: workerCount, rpm }, async ({ h, pool: workers, seed, total, startSync }) => {
    t.note(`${workerCount} workers ready, each with PERSONIO_REQUESTS_PER_MINUTE=${rpm}`);
    if (o.noRetryAfter) await h.admin.setPersonality({ ...(await h.admin.getPersonality()), rateLimitRetryAfter: false });
    t.note(`sandbox enforces ${rpm} requests per sliding minute for the credential${o.noRetryAfter ? ', 429s without Retry-After' : ', 429s with Retry-After'}`);

    const collector = new RequestCollector(h.sandbox).start();
    const held = () => h.sandbox.sandbox.state.compensations.size;
    const { syncId, handle } = await startSync();
    t.note(`sync ${syncId} started (${total} compensations for ${employees} employees)`);
    let outcome: SyncOutcome | undefined;
    const result = outcomeOf(handle).then((r) => (outcome = r));
    const deadline = Date.now() + o.timeoutMs;

    // Kills spread over the push. The victim runs at least one push but not all of them, when possible: a worker
    // that dies costs its chunks a heartbeat timeout and a fence grace, and the limit is only idle if none is left.
    let killsDone = 0;
    for (let k = 1; k <= kills; k++) {
      const threshold = Math.round((total * k) / (kills + 1));
      while (!outcome && held() < threshold && Date.now() < deadline) await sleep(100);
      if (outcome || Date.now() >= deadline) break;
      const byPid = await pushesByWorkerPid(handle);
      const running = [...byPid.values()].reduce((a, b) => a + b, 0);
      const live = workers.live();
      const pushing = live.filter((w) => (byPid.get(w.pid) ?? 0) > 0);
      const victim = pushing.find((w) => (byPid.get(w.pid) ?? 0) < running) ?? pushing[0] ?? live[0];
      if (!victim) break;
      await workers.killAndRestart(victim, `while it ran ${byPid.get(victim.pid) ?? 0} of ${running} pushes; ${held()} of ${total} held`);
      killsDone++;
    }
    const timedOut = await Promise.race([result.then(() => false), sleep(Math.max(0, deadline - Date.now())).then(() => true)]);
    t.note(timedOut ? `the sync did not finish within ${o.timeoutMs / 60_000} min` : `sync closed: ${outcome?.status}${outcome?.error ? ` (${outcome.error})` : ''}`);
    const log: RequestLogEntry[] = collector.stop().filter((r) => r.clientId === undefined || r.clientId === seed.clientId);

    // Pacing: over the whole sync, and over the push (first to last compensation POST).
    const resource = log.filter((r) => r.path !== TOKEN_PATH);
    const posts = resource.filter((r) => r.method === 'POST' && r.path === '/v2/compensations' && r.status !== 429);
    const pushFrom = posts[0]?.receivedAtMs ?? 0;
    const pushTo = posts.at(-1)?.receivedAtMs ?? 0;
    const whole = ratePacing(log, rpm);
    const push = ratePacing(
      log.filter((r) => r.receivedAtMs >= pushFrom && r.receivedAtMs <= pushTo),
      rpm,
    );
    const figures = requestFigures(log);
    // Where the limit went unused: accepted requests per 15 s of the push (the limit allows rpm / 4).
    const buckets: number[] = [];
    for (const r of resource) {
      if (r.status === 429 || r.receivedAtMs < pushFrom || r.receivedAtMs > pushTo) continue;
      const i = Math.floor((r.receivedAtMs - pushFrom) / 15_000);
      buckets[i] = (buckets[i] ?? 0) + 1;
    }
    const attempts = pushAttemptsOf(workers.logs(), syncId);
    const verdict = await syncVerdict(h, seed, syncId);
    const finished = !timedOut && outcome?.status === 'succeeded';
    const fewRejected = whole.share429 < MAX_SHARE_429;
    const limitUsed = push.shareOfLimit >= MIN_SHARE_OF_LIMIT;

    const lines = [
      `## Shared rate limit drill ${new Date(t.startedAt).toISOString()}`,
      '',
      `${employees} employees × ${BENEFITS} benefits = ${total} compensations; ${workerCount} worker processes at a time (${workers.all.length} started, ${killsDone} SIGKILLed during the push), ` +
        `each with PERSONIO_REQUESTS_PER_MINUTE=${rpm}; the sandbox enforces ${rpm} requests per sliding 60 s for the credential` +
        `${o.noRetryAfter ? ' and answers 429 without Retry-After' : ' (429 with Retry-After)'}. ${loadLine(load)}`,
      '',
      ...t.table(),
      '',
      `Requests of the credential: ${figures.total} (${figures.compensationPosts} compensation POSTs, ${figures.typePosts} type POSTs, ${figures.reads} GETs, ${figures.token} token). ` +
        `Push attempts: ${attempts.length} for ${new Set(attempts.map((a) => a.chunkNo)).size} chunks (${attempts.filter((a) => a.outcome === 'fenced off').length} fenced off). ` +
        `Accepted requests per 15 s of the push (the limit allows ${(rpm / 4).toFixed(1)}): ${Array.from(buckets, (n) => n ?? 0).join(' ')}.`,
      '',
      '| chunk | attempt | worker | started | ended | outcome | POSTs |',
      '|---|---|---|---|---|---|---|',
      ...attempts.map(
        (a) =>
          `| ${a.chunkNo} | ${a.attempt} | ${a.worker} | +${t.seconds(a.startedAtMs).toFixed(1)} s | ${a.endedAtMs ? `+${t.seconds(a.endedAtMs).toFixed(1)} s` : 'killed'} | ${a.outcome ?? '—'} | ${a.posts ?? '—'} |`,
      ),
      '',
      '| check | result | target |',
      '|---|---|---|',
      `| sync finished successfully | ${yesNo(finished)} | yes |`,
      `| requests answered 429 | ${whole.answered429} of ${whole.requests} = ${pct(whole.share429, 2)} | < ${pct(MAX_SHARE_429, 0)}: ${yesNo(fewRejected)} |`,
      `| accepted requests per minute while pushing (${push.spanSeconds.toFixed(0)} s, first to last compensation POST) | ${push.acceptedPerMinute.toFixed(0)} = ${pct(push.shareOfLimit)} of the limit | ≥ ${pct(MIN_SHARE_OF_LIMIT, 0)}: ${yesNo(limitUsed)} |`,
      `| accepted requests per minute over the whole sync (${whole.spanSeconds.toFixed(0)} s) | ${whole.acceptedPerMinute.toFixed(0)} = ${pct(whole.shareOfLimit)} of the limit | |`,
      `| most accepted requests in any 60 s window | ${whole.maxInAnyMinute} | ≤ ${rpm} (enforced by the sandbox) |`,
      ...verdictRows(verdict).map((row) => `${row} |`),
      ...verdictExamples(verdict),
    ];
    const ok = finished && exactlyOnceHolds(verdict) && verdict.complete && fewRejected && limitUsed;
    return { ok, report: lines.join('\n') };
  });
}
