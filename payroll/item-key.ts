// Deterministic identities of the compensations this service puts into Personio.
import { createHash } from 'node:crypto';

/** One key per (company, period, person, compensation type): the unit of exactly-once. */
export function itemKeyOf(companyId: string, period: string, personId: string, compensationTypeId: string): string {
  const digest = createHash('sha256').update(`${companyId}\u0000${period}\u0000${personId}\u0000${compensationTypeId}`).digest('hex');
  return `ps-${digest.slice(0, 24)}`;
}

/** The marker written into a compensation's comment, and searched for when reconciling. */
export function markerOf(itemKey: string, seq: number): string {
  return `${itemKey}-${seq}`;
}

export function ledgerIdOf(itemKey: string, seq: number): string {
  return `${itemKey}:${seq}`;
}

/** Extracts every marker of this item from a comment (a comment holds at most one, but be lenient). */
export function markersIn(comment: string | undefined, itemKey: string): number[] {
  if (!comment) return [];
  const seqs: number[] = [];
  const pattern = new RegExp(`${itemKey}-(\\d+)`, 'g');
  for (const match of comment.matchAll(pattern)) seqs.push(Number(match[1]));
  return seqs;
}

export function compensationComment(opts: { benefitNames: string[]; period: string; marker: string; correction: boolean }): string {
  const label = opts.benefitNames.join(', ');
  const kind = opts.correction ? 'Korrektur / correction' : 'Benefits';
  // Personio shows the comment to payroll admins: readable first, the reference last.
  return `${kind}: ${label} ${opts.period} [ref ${opts.marker}]`.slice(0, 500);
}
