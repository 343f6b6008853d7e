// Closes a run in the export log: counts, money totals per benefit and the final status.
import { collections } from '../../db/collections.js';
import { payrollCollections, type BenefitTotal, type EntryResultStatus, type SyncCounts, type SyncStatus } from '../../db/payroll-collections.js';
import type { ActivityDeps } from '../deps.js';
import { loadRun } from './sync-context.js';

const TRANSFERRED: ReadonlySet<EntryResultStatus> = new Set(['created', 'already_present', 'correction_created']);
const NOT_MATCHED: ReadonlySet<EntryResultStatus> = new Set(['unmatched', 'ambiguous', 'inactive', 'type_missing']);

export interface FinishSyncInput {
  syncId: string;
  failure?: { message: string; type?: string };
}

export interface FinishSyncResult {
  status: SyncStatus;
  counts: SyncCounts;
}

export function createFinishSyncActivity(deps: ActivityDeps) {
  const p = payrollCollections(deps.db);
  return {
    async finishSync(input: FinishSyncInput): Promise<FinishSyncResult> {
      const run = await loadRun(deps.db, input.syncId);
      const matches = await p.personMatches.find({ syncId: input.syncId }, { projection: { outcome: 1 } }).toArray();
      const items = await p.items.find({ syncId: input.syncId }, { projection: { status: 1 } }).toArray();
      const itemCount = (status: string) => items.filter((i) => i.status === status).length;
      const mappings = (await collections(deps.db).benefitMappings.findOne({ _id: run.companyId }))?.mappings ?? [];

      const totals = new Map<string, BenefitTotal>();
      let entriesNotMatched = 0;
      let entriesTransferred = 0;
      let entries = 0;
      const cursor = p.entryResults.find({ syncId: input.syncId }, { projection: { benefitKey: 1, amountCents: 1, status: 1, compensationTypeId: 1 } });
      for await (const result of cursor) {
        entries++;
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
        totals.set(result.benefitKey, total);
      }

      const counts: SyncCounts = {
        entries: run.entryCount ?? entries,
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
        wouldCreate: itemCount('would_create'),
        wouldCorrect: itemCount('would_correct'),
      };
      const problems = counts.failed + counts.needsManualCorrection + counts.entriesNotMatched;
      let status: SyncStatus;
      if (input.failure) status = 'failed';
      else if (problems === 0) status = 'succeeded';
      else if (!run.dryRun && entriesTransferred === 0) status = 'failed';
      else status = 'partially_failed';

      await p.syncRuns.updateOne(
        { _id: input.syncId },
        {
          $set: {
            status,
            counts,
            totals: [...totals.values()].sort((a, b) => a.benefitKey.localeCompare(b.benefitKey)),
            finishedAt: new Date(),
            'progress.phase': 'done',
            ...(input.failure ? { failure: input.failure } : {}),
          },
        },
      );
      deps.logger.info('sync finished', { syncId: input.syncId, companyId: run.companyId, period: run.period, status, dryRun: run.dryRun });
      return { status, counts };
    },
  };
}
