// Data retention on the real stack: the daily job (the dataRetention workflow through Temporal) removes what old
// syncs left behind and entry sets replaced long ago, and keeps the export log, recent syncs and every active set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_TYPES } from '../../contracts/ids.js';
import { entrySetCollections } from '../../db/entry-sets.js';
import { syncRunCollections } from '../../db/sync-runs.js';
import { syncWorkCollections } from '../../db/sync-work.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createScenario, putEntries, runSync } from '../support/payroll-scenario.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const DAY = 86_400_000;

describe('data retention', () => {
  it('prunes the artefacts of syncs and the entry sets older than RETENTION_MONTHS, keeps the export log and everything recent', async () => {
    const s = await createScenario(h, { employees: 3 });
    const old = await runSync(h, s);
    const { entrySets, entryChunks } = entrySetCollections(h.db);
    const oldSetId = (await entrySets.findOne({ _id: `${s.companyId}:${s.period}` }))!.activeSetId;
    // A new upload replaces the set; a second sync runs on it.
    await putEntries(h, s, s.entries.map((e) => ({ ...e, amount: 12.5 })));
    const recent = await runSync(h, s);
    // Make the first sync and its set look three years old.
    const threeYearsAgo = new Date(Date.now() - 3 * 365 * DAY);
    await syncRunCollections(h.db).syncRuns.updateOne({ _id: old.syncId }, { $set: { startedAt: threeYearsAgo } });
    await entryChunks.updateMany({ setId: oldSetId }, { $set: { createdAt: threeYearsAgo } });
    const { entryResults } = syncRunCollections(h.db);
    const { personMatches, chunkPlans, chunkResults } = syncWorkCollections(h.db);
    expect(await entryResults.countDocuments({ syncId: old.syncId })).toBe(s.entries.length);

    const report = await h.temporal.workflow.execute(WORKFLOW_TYPES.dataRetention, { taskQueue: h.taskQueue, workflowId: `retention-${s.companyId}`, args: [] });
    expect(report).toMatchObject({ syncsPruned: 1, entryResults: s.entries.length, entrySetsDeleted: 1 });

    for (const collection of [entryResults, personMatches, chunkPlans, chunkResults] as const) expect(await collection.countDocuments({ syncId: old.syncId })).toBe(0);
    expect(await entryChunks.countDocuments({ setId: oldSetId })).toBe(0);
    // The export log keeps the old sync's summary; the recent sync and the active set are untouched.
    const oldRun = await syncRunCollections(h.db).syncRuns.findOne({ _id: old.syncId });
    expect(oldRun).toMatchObject({ status: 'succeeded', counts: old.counts, artefactsPrunedAt: expect.any(Date) });
    expect(await entryResults.countDocuments({ syncId: recent.syncId })).toBe(s.entries.length);
    expect(await entryChunks.countDocuments({ setId: (await entrySets.findOne({ _id: `${s.companyId}:${s.period}` }))!.activeSetId })).toBeGreaterThan(0);

    // Run again: nothing left to prune.
    expect(await h.temporal.workflow.execute(WORKFLOW_TYPES.dataRetention, { taskQueue: h.taskQueue, workflowId: `retention-2-${s.companyId}`, args: [] })).toMatchObject({ syncsPruned: 0, entrySetsDeleted: 0 });
  });
});
