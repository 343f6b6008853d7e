// Closes a run in the export log: per-entry results, counts, money totals per benefit, final status.
import type { SyncCounts, SyncFailure, SyncStatus } from '../../contracts/sync.js';
import { companyCollections } from '../../db/companies.js';
import { iterateEntries } from '../../db/entry-sets.js';
import { ledgersOf, readChunkRecords } from '../../db/ledger.js';
import { chunkFencesReleased, forgetChunkFences, periodScope, releaseFence } from '../../db/push-fences.js';
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
import type { ItemLedger } from '../../payroll/reconcile.js';
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

  /**
   * Per-entry results of pushed items, from the chunk outcomes. A chunk that did not finish (the sync failed or was
   * cancelled while it pushed) has no outcome: what its attempts recorded in the ledger tells which of its items
   * this sync did post, and which POSTs were still unanswered; the rest stay `pending`.
   */
  async function writeItemResults(run: SyncRunDoc): Promise<{ outcomes: ItemOutcome[]; tally?: EntryTally }> {
    if (!run.plan || run.plan.chunksTotal === 0) return { outcomes: [] };
    const [plans, chunkResults] = await Promise.all([work.chunkPlans.find(idsOfSync(run._id)).toArray(), work.chunkResults.find(idsOfSync(run._id)).toArray()]);
    const outcomes = new Map(chunkResults.flatMap((result) => result.outcomes.map((o) => [o.itemKey, o] as const)));
    const finished = new Set(chunkResults.map((result) => result.chunkNo));
    const unfinished = run.dryRun ? [] : plans.filter((plan) => !finished.has(plan.chunkNo));
    const recorded = ledgersOf((await Promise.all(unfinished.map((plan) => readChunkRecords(deps.db, run._id, plan.chunkNo)))).flat());
    const byItem = new Map<string, ItemResultSource>();
    for (const plan of plans) {
      for (const item of plan.items) {
        const outcome = outcomes.get(item.itemKey) ?? outcomeFromLedger(run._id, item, recorded.get(item.itemKey));
        byItem.set(item.itemKey, { item, ...(outcome ? { outcome } : {}), inFlight: recorded.get(item.itemKey)?.pending?.syncId === run._id });
      }
    }
    const itemOutcomes = [...byItem.values()].map((v) => v.outcome).filter((o): o is ItemOutcome => o !== undefined);
    if (byItem.size === 0 || !run.entrySetId) return { outcomes: itemOutcomes };
    const itemOfEntry = new Map<number, ItemResultSource>();
    for (const value of byItem.values()) for (const index of value.item.entryIndexes) itemOfEntry.set(index, value);
    // Every entry of the set is either in an item (its result is written here) or was given its final, not-matched
    // result by planSync: the tally needs no read of the results back.
    const tally = new EntryTally();
    const results: SyncEntryResultDoc[] = [];
    for await (const entry of iterateEntries(deps.db, run.entrySetId, run.entryChunkCount ?? 0)) {
      const owner = itemOfEntry.get(entry.index);
      const result = owner ? resultOf(run, entry, owner) : undefined;
      if (result) results.push(result);
      tally.add(entry, result?.status ?? 'unmatched');
    }
    await saveEntryResults(deps.db, results);
    return { outcomes: itemOutcomes, tally };
  }

  return {
    finishSync: (input: FinishSyncInput): Promise<FinishSyncResult> => finishSync(input),
  };

  async function finishSync(input: FinishSyncInput): Promise<FinishSyncResult> {
    const run = await loadRun(deps.db, input.syncId);
    const written = await writeItemResults(run);
    const outcomes = written.outcomes;
    const matches = await work.personMatches.find({ syncId: input.syncId }, { projection: { outcome: 1 } }).toArray();
    const itemCount = (status: ItemOutcome['status']) => outcomes.filter((o) => o.status === status).length;
    const mappings = (await companyCollections(deps.db).benefitMappings.findOne({ _id: run.companyId }))?.mappings ?? [];

    let tally = written.tally;
    if (!tally) {
      // No plan (the sync ended before it): whatever results exist were written by planSync, if anything.
      tally = new EntryTally();
      for await (const result of entryResults.find({ syncId: input.syncId }, { projection: { benefitKey: 1, amountCents: 1, status: 1 } })) tally.add(result, result.status);
    }
    const { entriesNotMatched, entriesTransferred, entriesPending } = tally;
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
      totals: tally.totals(mappings),
      ...(input.failure ? { failure: input.failure } : {}),
    });
    // Every chunk of this sync has stopped (the workflow awaits them). Unless one stopped with a POST unanswered
    // (it may still land), the next sync of the period need not wait; otherwise it waits the fence's grace.
    if (run.periodFence && (await chunkFencesReleased(deps.db, run._id))) {
      await releaseFence(deps.db, periodScope(run.companyId, run.period), run.periodFence.generation);
      await forgetChunkFences(deps.db, run._id);
    }
    deps.logger.info('sync finished', { syncId: input.syncId, companyId: run.companyId, period: run.period, status, dryRun: run.dryRun });
    return { status, counts };
  }
}

/** Entry counts and money per benefit, from each entry's result status. */
class EntryTally {
  entriesNotMatched = 0;
  entriesTransferred = 0;
  entriesPending = 0;
  private readonly byBenefit = new Map<string, { entries: number; amountCents: number; transferredCents: number }>();

  add(entry: Pick<PeriodEntry, 'benefitKey' | 'amountCents'>, status: EntryResultStatus): void {
    const total = this.byBenefit.get(entry.benefitKey) ?? { entries: 0, amountCents: 0, transferredCents: 0 };
    total.entries++;
    total.amountCents += entry.amountCents;
    if (TRANSFERRED.has(status)) {
      total.transferredCents += entry.amountCents;
      this.entriesTransferred++;
    }
    if (NOT_MATCHED.has(status)) this.entriesNotMatched++;
    if (status === 'pending') this.entriesPending++;
    this.byBenefit.set(entry.benefitKey, total);
  }

  totals(mappings: readonly { benefitKey: string; benefitName: string; compensationTypeId: string | null }[]): BenefitTotal[] {
    return [...this.byBenefit.entries()]
      .map(([benefitKey, total]) => {
        const mapping = mappings.find((m) => m.benefitKey === benefitKey);
        return { benefitKey, benefitName: mapping?.benefitName ?? benefitKey, compensationTypeId: mapping?.compensationTypeId ?? null, ...total };
      })
      .sort((a, b) => a.benefitKey.localeCompare(b.benefitKey));
  }
}

interface ItemResultSource {
  item: SyncItem;
  outcome?: ItemOutcome;
  /** No outcome, and this sync's POST of the item had no answer when it stopped: it may be in Personio. */
  inFlight: boolean;
}

/** What this sync's ledger records say of an item its chunk did not finish: posted (and Personio's ids), or nothing. */
function outcomeFromLedger(syncId: string, item: SyncItem, recorded: ItemLedger | undefined): ItemOutcome | undefined {
  const own = recorded?.pushed.filter((p) => p.syncId === syncId) ?? [];
  const newest = own.at(-1);
  if (!newest) return undefined;
  const before = item.ledger?.pushed ?? [];
  return {
    itemKey: item.itemKey,
    status: newest.seq === 0 ? 'created' : 'correction_created',
    pushedBeforeCents: before.reduce((sum, p) => sum + p.amountCents, 0),
    personioCompensationIds: [...before, ...own].map((p) => p.personioCompensationId),
  };
}

const NOT_PUSHED = 'The sync ended before this compensation was pushed; retry the sync.';
const IN_FLIGHT = 'The sync ended while this compensation was being pushed, without an answer from Personio: it may be there. Retrying the sync checks Personio first and posts it only if it is missing.';

function resultOf(run: SyncRunDoc, entry: PeriodEntry, source: ItemResultSource): SyncEntryResultDoc {
  const { item, outcome } = source;
  return {
    _id: `${run._id}:${entry.index}`,
    syncId: run._id,
    companyId: run.companyId,
    ...entry,
    status: outcome?.status ?? 'pending',
    ...(outcome?.reason ? { reason: outcome.reason } : outcome ? {} : { reason: source.inFlight ? IN_FLIGHT : NOT_PUSHED }),
    ...(outcome?.errorKind ? { errorKind: outcome.errorKind } : {}),
    ...(outcome?.missingScope ? { missingScope: outcome.missingScope } : {}),
    ...(outcome?.status === 'needs_manual_correction' ? { heldCents: outcome.pushedBeforeCents ?? 0, dueCents: item.amountCents } : {}),
    personId: item.personId,
    compensationTypeId: item.compensationTypeId,
    itemKey: item.itemKey,
    personioCompensationIds: outcome?.personioCompensationIds ?? [],
  };
}
