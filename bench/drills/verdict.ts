// The checks every drill ends with: Personio (the sandbox) against the entries, and the export log against both.
import { compareCompensations, expectedCompensations, productTypeIds, type ExactlyOnceReport, type PersonioSeed } from '../support/scenario.js';
import type { BenchStack, Json } from '../support/stack.js';

export interface SyncVerdict {
  exactlyOnce: ExactlyOnceReport;
  counts: Json;
  /** Entries the export log shows as created, already present or corrected. */
  transferred: number;
  pending: number;
  /** created + already present + corrections in the counts. */
  countedItems: number;
  /** The export log accounts for every entry as transferred (a sync that succeeded). */
  complete: boolean;
}

export async function syncVerdict(stack: BenchStack, seed: PersonioSeed, syncId: string): Promise<SyncVerdict> {
  const typeIdOf = await productTypeIds(stack, seed);
  const exactlyOnce = compareCompensations(expectedCompensations(seed, typeIdOf), await stack.admin.listCompensations(), seed.persons);
  const syncPath = `/v1/companies/${seed.companyId}/payroll-syncs/${syncId}`;
  const detail = await stack.apiExpect(200, 'GET', syncPath);
  const resultsWith = async (statuses: string) => Number((await stack.apiExpect(200, 'GET', `${syncPath}?resultsLimit=1&resultStatus=${statuses}`)).results?.total ?? Number.NaN);
  const transferred = await resultsWith('created,already_present,correction_created');
  const pending = await resultsWith('pending');
  const counts = (detail.counts ?? {}) as Json;
  const countedItems = Number(counts.compensationsCreated ?? 0) + Number(counts.alreadyPresent ?? 0) + Number(counts.corrections ?? 0);
  const total = seed.entries.length;
  return { exactlyOnce, counts, transferred, pending, countedItems, complete: transferred === total && pending === 0 && countedItems === total };
}

export const exactlyOnceHolds = (v: SyncVerdict) => v.exactlyOnce.duplicates.length === 0 && v.exactlyOnce.missing.length === 0 && v.exactlyOnce.unexpected.length === 0;

export function verdictRows(v: SyncVerdict): string[] {
  const total = v.exactlyOnce.expected;
  return [
    `| compensations expected / held | ${v.exactlyOnce.expected} / ${v.exactlyOnce.actual} |`,
    `| duplicates | ${v.exactlyOnce.duplicates.length} |`,
    `| missing entries | ${v.exactlyOnce.missing.length} |`,
    `| unexpected compensations (wrong amount, type or date) | ${v.exactlyOnce.unexpected.length} |`,
    `| export log: entries transferred / pending; created + already present + corrections | ${v.transferred} / ${v.pending}; ${v.countedItems} of ${total}${v.complete ? '' : ' ⚠ incomplete'} |`,
  ];
}

export function verdictExamples(v: SyncVerdict): string[] {
  const examples = (title: string, items: string[]) => (items.length > 0 ? [`${title} (first 10, person|type|value|date): ${items.slice(0, 10).join(', ')}`] : []);
  return [...examples('Duplicates', v.exactlyOnce.duplicates), ...examples('Missing', v.exactlyOnce.missing), ...examples('Unexpected', v.exactlyOnce.unexpected)];
}
