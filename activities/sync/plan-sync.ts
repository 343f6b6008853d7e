// Turns the period's entries into compensation items: one per (person, type), summing the entries of
// benefits mapped to the same type. Entries that cannot be pushed get their final result here.
import { iterateEntries } from '../../db/entry-sets.js';
import { readPeriodLedgers } from '../../db/ledger.js';
import { saveEntryResults, savePlan, type SyncEntryResultDoc } from '../../db/sync-runs.js';
import { chunkDocId, saveChunkPlans, syncWorkCollections, type SyncChunkPlanDoc, type SyncItem, type SyncPersonMatchDoc } from '../../db/sync-work.js';
import { LEGACY_PUSH_CONCURRENCY } from '../../contracts/sync.js';
import { chunkSizeFor, PUSH_CONCURRENCY } from '../../payroll/chunking.js';
import { itemKeyOf } from '../../payroll/item-key.js';
import { periodEffectiveDate } from '../../payroll/period.js';
import type { ActivityDeps } from '../deps.js';
import type { BenefitTypeResolution } from './ensure-types.js';
import { loadRun, requireEntrySet } from './sync-context.js';

type NotMatched = Exclude<SyncPersonMatchDoc['outcome'], 'matched'>;

const MATCH_REASONS: Record<NotMatched, (m: SyncPersonMatchDoc | undefined) => string> = {
  unmatched: () => 'No employee in Personio has this email address: check the address in Personio or in the platform.',
  ambiguous: (m) => `Several employees in Personio have this email address (${(m?.personIds ?? []).join(', ')}): fix the duplicates in Personio.`,
  inactive: () => 'The employee is inactive in Personio: nothing was transferred.',
};

export interface PlanResult {
  itemsTotal: number;
  chunksTotal: number;
  /**
   * Chunks the workflow pushes at once. Decided here and recorded in the workflow's history, so a deploy that
   * changes PUSH_CONCURRENCY does not change the commands of syncs already running (their replay reads this value).
   */
  pushConcurrency: number;
}

export function createPlanSyncActivity(deps: ActivityDeps) {
  return {
    planSync: (input: { syncId: string; benefits: BenefitTypeResolution[] }): Promise<PlanResult> => planSync(input),
  };

  async function planSync(input: { syncId: string; benefits: BenefitTypeResolution[] }): Promise<PlanResult> {
    const run = await loadRun(deps.db, input.syncId);
    // Plans saved before pushConcurrency was recorded were pushed 4 at a time.
    if (run.plan) return { pushConcurrency: LEGACY_PUSH_CONCURRENCY, ...run.plan };
    const matches = new Map((await syncWorkCollections(deps.db).personMatches.find({ syncId: input.syncId }).toArray()).map((m) => [m.email, m]));
    const benefits = new Map(input.benefits.map((b) => [b.benefitKey, b]));
    const effectiveFrom = periodEffectiveDate(run.period);

    const finalResults: SyncEntryResultDoc[] = [];
    const items = new Map<string, SyncItem>();
    for await (const entry of iterateEntries(deps.db, requireEntrySet(run), run.entryChunkCount ?? 0)) {
      const base = { _id: `${input.syncId}:${entry.index}`, syncId: input.syncId, companyId: run.companyId, ...entry };
      const match = matches.get(entry.employeeEmail);
      if (!match || match.outcome !== 'matched') {
        const outcome: NotMatched = match && match.outcome !== 'matched' ? match.outcome : 'unmatched';
        finalResults.push({ ...base, status: outcome, reason: MATCH_REASONS[outcome](match) });
        continue;
      }
      const personId = match.personId as string;
      const benefit = benefits.get(entry.benefitKey);
      if (!benefit) {
        finalResults.push({ ...base, status: 'type_missing', personId, reason: `Benefit "${entry.benefitKey}" is unknown.` });
        continue;
      }
      if (benefit.status === 'type_missing' || benefit.status === 'type_not_allowed') {
        finalResults.push({ ...base, status: benefit.status, personId, reason: benefit.reason });
        continue;
      }
      const typeId = benefit.status === 'ok' ? benefit.compensationTypeId : `new:${entry.benefitKey}`;
      const itemKey = itemKeyOf(run.companyId, run.period, personId, typeId);
      const item = items.get(itemKey);
      if (item) {
        item.amountCents += entry.amountCents;
        item.entryIndexes.push(entry.index);
        if (!item.benefitKeys.includes(entry.benefitKey)) {
          item.benefitKeys.push(entry.benefitKey);
          item.benefitNames.push(benefit.benefitName);
        }
      } else {
        items.set(itemKey, {
          itemKey,
          personId,
          compensationTypeId: typeId,
          amountCents: entry.amountCents,
          currency: entry.currency,
          effectiveFrom,
          benefitKeys: [entry.benefitKey],
          benefitNames: [benefit.benefitName],
          entryIndexes: [entry.index],
          ...(benefit.status === 'would_create' ? { typeWouldBeCreated: true } : {}),
        });
      }
    }

    // What earlier syncs of the period recorded, read once for the whole sync and carried by the chunk plans: the
    // period belongs to this sync now (db/push-fences.ts), so nothing else writes these items' ledgers meanwhile.
    const recorded = await readPeriodLedgers(deps.db, run.companyId, run.period);
    for (const item of items.values()) {
      const ledger = recorded.get(item.itemKey);
      if (ledger) item.ledger = ledger;
    }
    // Sorted by person so a person's items share a chunk and one listing serves them all.
    const ordered = [...items.values()].sort((a, b) => a.personId.localeCompare(b.personId) || a.compensationTypeId.localeCompare(b.compensationTypeId));
    const chunkSize = chunkSizeFor(ordered.length, deps.push?.requestsPerMinute);
    const chunks: SyncChunkPlanDoc[] = [];
    for (let i = 0; i < ordered.length; i += chunkSize) {
      const chunkNo = i / chunkSize;
      chunks.push({ _id: chunkDocId(input.syncId, chunkNo), syncId: input.syncId, chunkNo, items: ordered.slice(i, i + chunkSize) });
    }
    await saveEntryResults(deps.db, finalResults);
    await saveChunkPlans(deps.db, chunks);
    const plan = { itemsTotal: ordered.length, chunksTotal: chunks.length, pushConcurrency: PUSH_CONCURRENCY };
    await savePlan(deps.db, input.syncId, plan);
    return plan;
  }
}
