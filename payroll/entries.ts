// A period's entries as the domain sees them: one row per employee and benefit, money in integer cents.

/** One row of a period's entry set, money in cents. `index` is the row's position in the PUT request. */
export interface PeriodEntry {
  index: number;
  /** Trimmed and lower-cased. */
  employeeEmail: string;
  benefitKey: string;
  amountCents: number;
  currency: string;
}

export interface BenefitEntryTotal {
  benefitKey: string;
  entries: number;
  amountCents: number;
}

/** Per-benefit count and sum, sorted by benefitKey. Integer cents: 50,000 × 1,000,000.00 stays a safe integer. */
export function totalsByBenefit(entries: Iterable<PeriodEntry>): BenefitEntryTotal[] {
  const totals = new Map<string, BenefitEntryTotal>();
  for (const entry of entries) {
    const total = totals.get(entry.benefitKey);
    if (total) {
      total.entries += 1;
      total.amountCents += entry.amountCents;
    } else totals.set(entry.benefitKey, { benefitKey: entry.benefitKey, entries: 1, amountCents: entry.amountCents });
  }
  return [...totals.values()].sort((a, b) => (a.benefitKey < b.benefitKey ? -1 : a.benefitKey > b.benefitKey ? 1 : 0));
}
