// Closes a run in the export log: per-entry results, counts, money totals per benefit, final status.
import type { SyncCounts, SyncFailure, SyncStatus } from '../../contracts/sync.js';
import { companyCollections } from '../../db/companies.js';
import { iterateEntries } from '../../db/entry-sets.js';
import { forgetChunkFences, periodScope, releaseFence } from '../../db/push-fences.js';
import {
  idsOfSync,
  saveEntryResults,
  saveRunOutcome,
  syncRunCollections,
  type BenefitTotal,
  type EntryResultStatus,
  type SyncEntryResultDoc,
  type SyncRunDoc,
} from '../../db/sync-runs.js';
import { syncWorkCollections, type ItemOutcome, type SyncItem } from '../../db/sync-work.js';
import type { PeriodEntry } from '../../payroll/entries.js';
import type { ActivityDeps } from '../deps.js';
import { loadRun } from './sync-context.js';

const TRANSFERRED: ReadonlySet<EntryResultStatus> = new Set(['created', 'already_present', 'correction_created']);
const NOT_MATCHED: ReadonlySet<EntryResultStatus> = new Set(['unmatched', 'ambiguous', 'inactive', 'type_missing', 'type_not_allowed']);

export interface FinishSyncInput {
  syncId: string;
  failure?: SyncFailure;
}

export interface FinishSyncResult {
  status: SyncStatus;
  counts: SyncCounts;
}

export function createFinishSyncActivity(deps: ActivityDeps) {
  const work = syncWorkCollections(deps.db);
  const { entryResults } = syncRunCollections(deps.db);

  /** Per-entry results of pushed items, from the chunk outcomes (an unfinished chunk leaves its entries `pending`). */
  async function writeItemResults(run: SyncRunDoc): Promise<ItemOutcome[]> {
    if (!run.plan || run.plan.chunksTotal === 0) return [];
    const [plans, chunkResults] = await Promise.all([work.chunkPlans.find(idsOfSync(run._id)).toArray(), work.chunkResults.find(idsOfSync(run._id)).toArray()]);
    const outcomes = new Map(chunkResults.flatMap((result) => result.outcomes.map((o) => [o.itemKey, o] as const)));
    const byItem = new Map<string, { item: SyncItem; outcome?: ItemOutcome }>();
    for (const plan of plans) {
      for (const item of plan.items) {
        const outcome = outcomes.get(item.itemKey);
        byItem.set(item.itemKey, { item, ...(outcome ? { outcome } : {}) });
      }
    }
    if (byItem.size === 0 || !run.entrySetId) return [];
    const itemOfEntry = new Map<number, { item: SyncItem; outcome?: ItemOutcome }>();
    for (const value of byItem.values()) for (const index of value.item.entryIndexes) itemOfEntry.set(index, value);
    const results: SyncEntryResultDoc[] = [];
    for await (const entry of iterateEntries(deps.db, run.entrySetId, run.entryChunkCount ?? 0)) {
      const owner = itemOfEntry.get(entry.index);
      if (owner) results.push(resultOf(run, entry, owner.item, owner.outcome));
    }
    await saveEntryResults(deps.db, results);
    return [...byItem.values()].map((v) => v.outcome).filter((o): o is ItemOutcome => o !== undefined);
  }

  return {
    finishSync: (input: FinishSyncInput): Promise<FinishSyncResult> => finishSync(input),
  };

  async function finishSync(input: FinishSyncInput): Promise<FinishSyncResult> {
    const run = await loadRun(deps.db, input.syncId);
    const outcomes = await writeItemResults(run);
    const matches = await work.personMatches.find({ syncId: input.syncId }, { projection: { outcome: 1 } }).toArray();
    const itemCount = (status: ItemOutcome['status']) => outcomes.filter((o) => o.status === status).length;
    const mappings = (await companyCollections(deps.db).benefitMappings.findOne({ _id: run.companyId }))?.mappings ?? [];

    const totals = new Map<string, BenefitTotal>();
    let entriesNotMatched = 0;
    let entriesTransferred = 0;
    let entriesPending = 0;
    for await (const result of entryResults.find({ syncId: input.syncId }, { projection: { benefitKey: 1, amountCents: 1, status: 1 } })) {
      const mapping = mappings.find((m) => m.benefitKey === result.benefitKey);
      const total = totals.get(result.benefitKey) ?? {
        benefitKey: result.benefitKey,
        benefitName: mapping?.benefitName ?? result.benefitKey,
        compensationTypeId: mapping?.compensationTypeId ?? null,
        entries: 0,
        amountCents: 0,
        transferredCents: 0,
      };
      total.entries++;
      total.amountCents += result.amountCents;
      if (TRANSFERRED.has(result.status)) {
        total.transferredCents += result.amountCents;
        entriesTransferred++;
      }
      if (NOT_MATCHED.has(result.status)) entriesNotMatched++;
      if (result.status === 'pending') entriesPending++;
      totals.set(result.benefitKey, total);
    }

    const counts: SyncCounts = {
      entries: run.entryCount ?? 0,
      employees: matches.length,
      employeesMatched: matches.filter((m) => m.outcome === 'matched').length,
      employeesUnmatched: matches.filter((m) => m.outcome === 'unmatched' || m.outcome === 'ambiguous').length,
      employeesInactive: matches.filter((m) => m.outcome === 'inactive').length,
      compensationsCreated: itemCount('created'),
      alreadyPresent: itemCount('already_present'),
      corrections: itemCount('correction_created'),
      needsManualCorrection: itemCount('needs_manual_correction'),
      failed: itemCount('failed'),
      entriesNotMatched,
      entriesPending,
      wouldCreate: itemCount('would_create'),
      wouldCorrect: itemCount('would_correct'),
    };
    // A pending entry has no chunk result: it may or may not be in Personio until a retry reconciles it.
    const problems = counts.failed + counts.needsManualCorrection + counts.entriesNotMatched + counts.entriesPending;
    let status: SyncStatus;
    if (input.failure) status = 'failed';
    else if (problems === 0) status = 'succeeded';
    else if (!run.dryRun && entriesTransferred === 0) status = 'failed';
    else status = 'partially_failed';

    await saveRunOutcome(deps.db, input.syncId, {
      status,
      counts,
      totals: [...totals.values()].sort((a, b) => a.benefitKey.localeCompare(b.benefitKey)),
      ...(input.failure ? { failure: input.failure } : {}),
    });
    // Every chunk of this sync has stopped (the workflow awaits them): the next sync of the period need not wait.
    if (run.periodFence) {
      await releaseFence(deps.db, periodScope(run.companyId, run.period), run.periodFence.generation);
      await forgetChunkFences(deps.db, run._id);
    }
    deps.logger.info('sync finished', { syncId: input.syncId, companyId: run.companyId, period: run.period, status, dryRun: run.dryRun });
    return { status, counts };
  }
}

function resultOf(run: SyncRunDoc, entry: PeriodEntry, item: SyncItem, outcome: ItemOutcome | undefined): SyncEntryResultDoc {
  return {
    _id: `${run._id}:${entry.index}`,
    syncId: run._id,
    companyId: run.companyId,
    ...entry,
    status: outcome?.status ?? 'pending',
    ...(outcome?.reason ? { reason: outcome.reason } : outcome ? {} : { reason: 'The sync ended before this compensation was pushed; retry the sync.' }),
    ...(outcome?.errorKind ? { errorKind: outcome.errorKind } : {}),
    ...(outcome?.missingScope ? { missingScope: outcome.missingScope } : {}),
    ...(outcome?.status === 'needs_manual_correction' ? { heldCents: outcome.pushedBeforeCents ?? 0, dueCents: item.amountCents } : {}),
    personId: item.personId,
    compensationTypeId: item.compensationTypeId,
    itemKey: item.itemKey,
    personioCompensationIds: outcome?.personioCompensationIds ?? [],
  };
}
