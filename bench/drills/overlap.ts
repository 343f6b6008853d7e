// The overlap drill: push attempts that outlive their start-to-close timeout. Temporal starts the next attempt of
// a chunk while the timed-out one still runs (it learns of its timeout only at a heartbeat); the fence must stop
// the older one before its next POST, and the newer one must wait until the older one's POSTs have landed before it
// lists Personio. The drill shortens the timeout through the API's drill hook (PayrollSyncInput.tuning), never the
// product's, and a rate limit makes each chunk take several timeouts.
import { loadSnapshot } from '../support/machine.js';
import { sleep } from '../support/processes.js';
import { DrillTimeline, loadLine, yesNo, type DrillOptions, type DrillResult } from './context.js';
import { overlapsOf, pushAttemptsOf, type PushAttempt } from './push-attempts.js';
import { outcomeOf, type SyncOutcome } from './sync-watch.js';
import { exactlyOnceHolds, syncVerdict, verdictExamples, verdictRows } from './verdict.js';
import { withLimitedRun } from './limited-run.js';


export async function overlapDrill(o: DrillOptions): Promise<DrillResult> {
  const workerCount = o.workers ?? 2;
  const rpm = o.rateLimitRpm ?? 240;
  const employees = o.employees ?? 100;
  const pushTimeoutSeconds = o.pushTimeoutSeconds ?? 20;
  const requestTimeoutMs = o.requestTimeoutMs ?? 2_000;
  const t = new DrillTimeline('overlap');
  const load = await loadSnapshot();
  return withLimitedRun(o, t, { label: 'overlap', employees, workers: workerCount, rpm, requestTimeoutMs, syncTuning: { pushStartToCloseSeconds: pushTimeoutSeconds } }, async ({ h, pool, seed, total, startSync }) => {
    t.note(`${workerCount} workers (PERSONIO_REQUESTS_PER_MINUTE=${rpm}, PERSONIO_TIMEOUT_MS=${requestTimeoutMs}); push start-to-close ${pushTimeoutSeconds} s for this drill`);

    const { syncId, handle } = await startSync();
    t.note(`sync ${syncId} started (${total} compensations)`);
    let outcome: SyncOutcome | undefined;
    const result = outcomeOf(handle).then((r) => (outcome = r));
    const timedOut = await Promise.race([result.then(() => false), sleep(o.timeoutMs).then(() => true)]);
    t.note(timedOut ? `the sync did not finish within ${o.timeoutMs / 60_000} min` : `sync closed: ${outcome?.status}${outcome?.error ? ` (${outcome.error})` : ''}`);

    const attempts = pushAttemptsOf(pool.logs(), syncId);
    const overlaps = overlapsOf(attempts, Date.now());
    const interleaved = overlaps.filter((x) => x.interleaved);
    const verdict = await syncVerdict(h, seed, syncId);
    const finished = !timedOut && outcome?.status === 'succeeded';
    const at = (ms: number | undefined) => (ms === undefined ? '—' : `+${t.seconds(ms).toFixed(1)} s`);
    const attemptRow = (a: PushAttempt) =>
      `| ${a.chunkNo} | ${a.attempt} | ${a.worker} | ${at(a.startedAtMs)} | ${at(a.endedAtMs)} | ${a.outcome ?? 'still running'} | ${a.posts ?? '—'} | ${at(a.firstPostAtMs)} | ${at(a.lastPostAtMs)} |`;
    const lines = [
      `## Overlapping push attempts drill ${new Date(t.startedAt).toISOString()}`,
      '',
      `${total} compensations in chunks paced at ${rpm} requests/min for the credential (sandbox and workers); each push attempt may run ${pushTimeoutSeconds} s ` +
        `(the drill's start-to-close timeout; production's is 30 min); Personio request timeout ${requestTimeoutMs} ms, so a successor waits ` +
        `${((2 * requestTimeoutMs + 2_000) / 1000).toFixed(0)} s for an unreleased predecessor's POSTs. ${loadLine(load)}`,
      '',
      ...t.table(),
      '',
      'Every push attempt, from the workers\' logs (times from the drill\'s start):',
      '',
      '| chunk | attempt | worker | started | ended | outcome | POSTs | first POST | last POST |',
      '|---|---|---|---|---|---|---|---|---|',
      ...attempts.map(attemptRow),
      '',
      `Attempts of one chunk alive at the same time: ${overlaps.length}` +
        (overlaps.length > 0
          ? ` (${overlaps.map((x) => `chunk ${x.chunkNo}: attempt ${x.older.attempt} and ${x.newer.attempt} for ${(x.overlapMs / 1000).toFixed(1)} s`).join('; ')}).`
          : '.'),
      '',
      '| check | result |',
      '|---|---|',
      `| sync finished successfully | ${yesNo(finished)} |`,
      `| attempts that overlapped in time | ${overlaps.length} (must be > 0 for the drill to prove anything) |`,
      `| overlapping pairs in which the older attempt posted after the newer one's first POST | ${interleaved.length} |`,
      ...verdictRows(verdict),
      ...verdictExamples(verdict),
    ];
    const ok = finished && overlaps.length > 0 && interleaved.length === 0 && exactlyOnceHolds(verdict) && verdict.complete;
    return { ok, report: lines.join('\n') };
  });
}
