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

/**
 * The longest comment this service sends. Personio documents no limit; a limit it might enforce by cutting is
 * harmless because the reference comes first, and 255 characters stays within the common column size.
 */
export const COMMENT_MAX_LENGTH = 255;

const LEADING_REFERENCE = /^\s*\[ref (ps-[0-9a-f]+)-(\d+)\]/;
const TRAILING_REFERENCE = /\[ref (ps-[0-9a-f]+)-(\d+)\]\s*$/;

/**
 * The sequence number of this item's reference in a comment, as a list (empty or one). Only the reference at the
 * very start (this version's form) or, failing that, at the very end (earlier versions') counts: a reference
 * forged inside a benefit name never does.
 */
export function markersIn(comment: string | undefined, itemKey: string): number[] {
  if (!comment) return [];
  const reference = LEADING_REFERENCE.exec(comment) ?? TRAILING_REFERENCE.exec(comment);
  return reference && reference[1] === itemKey ? [Number(reference[2])] : [];
}

/** The benefit names that fit into `room` characters: as many whole names as fit, then how many were left out. */
function benefitLabel(names: readonly string[], room: number): string {
  for (let shown = names.length; shown >= 1; shown--) {
    const rest = names.length - shown;
    const label = `${names.slice(0, shown).join(', ')}${rest > 0 ? ` +${rest}` : ''}`;
    if (label.length <= room) return label;
  }
  const rest = names.length > 1 ? ` +${names.length - 1}` : '';
  const first = names[0] ?? '';
  return `${first.slice(0, Math.max(0, room - rest.length - 1))}…${rest}`;
}

/**
 * The comment of a posted compensation: `[ref <marker>] <kind>: <benefits> <period>`. The reference comes first
 * and is never shortened (it finds a post whose answer was lost); the benefit names are shortened to fit.
 */
export function compensationComment(opts: { benefitNames: string[]; period: string; marker: string; correction: boolean }): string {
  const kind = opts.correction ? 'Korrektur / correction' : 'Benefits';
  const head = `[ref ${opts.marker}] ${kind}: `;
  const tail = ` ${opts.period}`;
  return `${head}${benefitLabel(opts.benefitNames, COMMENT_MAX_LENGTH - head.length - tail.length)}${tail}`;
}
