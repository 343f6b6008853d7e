// The failed-chunk drill: one chunk fails for good while the others are pushing (injected through MongoDB by
// dev/drill-injections.ts: the company's credentials vanish and the chunk's running attempt is fenced off, so its
// next attempt fails with NoPersonioCredentials, which is not retried). The sync must stop every other push before
// it reports the failure: from then on Personio receives no POST of it. Then the credentials are put back and the
// sync retried from the API: it completes with every compensation exactly once.
import { failChunkForGood } from '../../dev/drill-injections.js';
import type { RequestLogEntry } from '../../sandbox/index.js';
import { loadSnapshot } from '../support/machine.js';
import { sleep } from '../support/processes.js';
import { RequestCollector } from '../support/requests.js';
import { DrillTimeline, loadLine, yesNo, type DrillOptions, type DrillResult } from './context.js';
import { pushAttemptsOf } from './push-attempts.js';
import { outcomeOf, type SyncOutcome } from './sync-watch.js';
import { exactlyOnceHolds, syncVerdict, verdictExamples, verdictRows } from './verdict.js';
import { withLimitedRun } from './limited-run.js';

const FAILING_CHUNK = 1;

export async function failedChunkDrill(o: DrillOptions): Promise<DrillResult> {
  const workerCount = o.workers ?? 2;
  const rpm = o.rateLimitRpm ?? 300;
  const employees = o.employees ?? 300;
  const requestTimeoutMs = o.requestTimeoutMs ?? 15_000;
  /** Watched after the failure is reported: longer than any POST of the sync could still take to land. */
  const quietWatchMs = 2 * requestTimeoutMs + 15_000;
  const t = new DrillTimeline('failed-chunk');
  const load = await loadSnapshot();
  return withLimitedRun(o, t, { label: 'failed-chunk', employees, workers: workerCount, rpm, requestTimeoutMs }, async ({ h, pool, seed, total, startSync }) => {
    t.note(`${workerCount} workers; ${rpm} requests/min for the credential (sandbox and workers)`);

    const collector = new RequestCollector(h.sandbox).start();
    const held = () => h.sandbox.sandbox.state.compensations.size;
    const syncPath = (syncId: string) => `/v1/companies/${seed.companyId}/payroll-syncs/${syncId}`;
    const { syncId, handle } = await startSync();
    t.note(`sync ${syncId} started (${total} compensations)`);
    let outcome: SyncOutcome | undefined;
    void outcomeOf(handle).then((r) => (outcome = r));
    const deadline = Date.now() + o.timeoutMs;

    while (!outcome && held() < total * 0.15 && Date.now() < deadline) await sleep(100);
    if (outcome) throw new Error(`the sync closed before the injection: ${outcome.status}`);
    const injected = await failChunkForGood(h.db, { syncId, companyId: seed.companyId, chunkNo: FAILING_CHUNK });
    const injectedAt = Date.now();
    t.note(`injected: chunk ${FAILING_CHUNK} fenced off and the credentials removed; ${held()} of ${total} held`);

    // The API's view, as the platform polls it.
    let reportedAt: number | undefined;
    let reported: Record<string, unknown> = {};
    while (Date.now() < deadline) {
      reported = await h.apiExpect(200, 'GET', syncPath(syncId));
      if (reported.status !== 'running') {
        reportedAt = Date.now();
        break;
      }
      await sleep(250);
    }
    if (reportedAt === undefined) throw new Error('the API did not report the sync as finished in time');
    const heldAtReport = held();
    t.note(`the API reports the sync as ${String(reported.status)} (${String((reported.failure as { type?: string } | undefined)?.type ?? '')}); ${heldAtReport} held`);
    await sleep(quietWatchMs);
    const log: RequestLogEntry[] = collector.entries().filter((r) => r.clientId === seed.clientId);
    const isPost = (r: RequestLogEntry) => r.method === 'POST' && r.path === '/v2/compensations';
    const postsAfterReport = log.filter((r) => isPost(r) && r.receivedAtMs > reportedAt);
    const postsBetween = log.filter((r) => isPost(r) && r.receivedAtMs > injectedAt && r.receivedAtMs <= reportedAt);
    const lastPost = log.filter(isPost).at(-1);
    t.note(`watched ${(quietWatchMs / 1000).toFixed(0)} s more: ${postsAfterReport.length} POSTs received after the report; ${held()} held`);
    const failedVerdict = await syncVerdict(h, seed, syncId);
    const failedAttempts = pushAttemptsOf(pool.logs(), syncId);

    await injected.restore();
    t.note('credentials put back; retrying the sync through the API');
    const retry = await h.apiExpect(202, 'POST', `${syncPath(syncId)}/retry`);
    const retryHandle = h.temporal.workflow.getHandle(retry.workflowId as string, retry.runId as string);
    const retried = await Promise.race([outcomeOf(retryHandle), sleep(Math.max(0, deadline - Date.now())).then(() => undefined)]);
    t.note(retried ? `retry closed: ${retried.status}` : 'the retry did not finish in time');
    collector.stop();
    const verdict = await syncVerdict(h, seed, retry.syncId as string);

    const stoppedWithin = lastPost && lastPost.receivedAtMs > injectedAt ? `${((lastPost.receivedAtMs - injectedAt) / 1000).toFixed(1)} s after the injection` : '—';
    const heldByFailed = failedVerdict.exactlyOnce.actual;
    const createdInLog = Number(failedVerdict.counts.compensationsCreated ?? 0);
    const lines = [
      `## Failed chunk drill ${new Date(t.startedAt).toISOString()}`,
      '',
      `${total} compensations in ${new Set(failedAttempts.map((a) => a.chunkNo)).size} chunks pushed at ${rpm} requests/min; ${workerCount} workers; Personio request timeout ${requestTimeoutMs} ms. ${loadLine(load)}`,
      '',
      ...t.table(),
      '',
      `Push attempts of the failed sync: ${failedAttempts.map((a) => `chunk ${a.chunkNo} #${a.attempt} ${a.outcome ?? 'no end logged'} (${a.posts ?? 0} POSTs)`).join('; ')}.`,
      '',
      '| check | result |',
      '|---|---|',
      `| the sync failed, with the chunk's failure | ${String(reported.status)} (${String((reported.failure as { message?: string } | undefined)?.message ?? '')}) |`,
      `| compensation POSTs between the injection and the API's report / after the report (watched ${(quietWatchMs / 1000).toFixed(0)} s) | ${postsBetween.length} / ${postsAfterReport.length} |`,
      `| last POST of the failed sync | ${stoppedWithin}; the report came ${((reportedAt - injectedAt) / 1000).toFixed(1)} s after the injection |`,
      `| failed sync: compensations held / export log created / pending | ${heldByFailed} / ${createdInLog} / ${failedVerdict.pending} (held − created = POSTs cut off unanswered) |`,
      `| duplicates after the failed sync | ${failedVerdict.exactlyOnce.duplicates.length} |`,
      `| the retry finished successfully | ${yesNo(retried?.status === 'succeeded')} (counts ${JSON.stringify(verdict.counts)}) |`,
      ...verdictRows(verdict),
      ...verdictExamples(verdict),
    ];
    const ok =
      reported.status === 'failed' &&
      postsAfterReport.length === 0 &&
      failedVerdict.exactlyOnce.duplicates.length === 0 &&
      createdInLog <= heldByFailed &&
      retried?.status === 'succeeded' &&
      exactlyOnceHolds(verdict) &&
      verdict.complete;
    return { ok, report: lines.join('\n') };
  });
}
