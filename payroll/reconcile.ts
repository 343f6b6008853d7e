// The exactly-once decision for one compensation item, as a pure function:
// given what the ledger knows and what Personio holds, what is already there and what (if anything) to post.
import type { LedgerDoc } from '../db/payroll-collections.js';
import type { PersonioCompensation } from '../personio/index.js';
import { markersIn } from './item-key.js';

export interface ItemState {
  itemKey: string;
  compensationTypeId: string;
  effectiveFrom: string;
  desiredCents: number;
}

/** A ledger entry Personio is found to hold although the ledger did not know it as pushed. */
export interface ReconciledPush {
  seq: number;
  amountCents: number;
  personioCompensationId: string;
}

export type ItemDecision =
  | { action: 'none'; outcome: 'already_present'; pushedCents: number; reconciled: ReconciledPush[]; pushedSeqs: number[] }
  | { action: 'none'; outcome: 'needs_manual_correction'; pushedCents: number; reconciled: ReconciledPush[]; pushedSeqs: number[] }
  | { action: 'post'; kind: 'original' | 'correction'; seq: number; amountCents: number; pushedCents: number; reconciled: ReconciledPush[]; pushedSeqs: number[] };

/**
 * @param ledger every ledger document of this item (any sync, any status)
 * @param personio the person's compensations of the period in Personio, or undefined when no listing was
 *   needed because every ledger entry is known as pushed
 */
export function decideItem(item: ItemState, ledger: LedgerDoc[], personio: PersonioCompensation[] | undefined): ItemDecision {
  const pushed = new Map<number, { amountCents: number; personioCompensationId?: string }>();
  for (const doc of ledger) if (doc.status === 'pushed') pushed.set(doc.seq, { amountCents: doc.amountCents, personioCompensationId: doc.personioCompensationId });

  const reconciled: ReconciledPush[] = [];
  if (personio) {
    const candidates = personio.filter((c) => c.typeId === item.compensationTypeId && c.effectiveFrom === item.effectiveFrom);
    const claimed = new Set([...pushed.values()].map((p) => p.personioCompensationId).filter(Boolean));
    const commentsReturned = personio.some((c) => c.comment !== undefined);
    if (commentsReturned) {
      // Our marker in the comment identifies our own compensations, even those the ledger never heard of.
      for (const comp of candidates) {
        for (const seq of markersIn(comp.comment, item.itemKey)) {
          if (pushed.has(seq) || claimed.has(comp.id)) continue;
          pushed.set(seq, { amountCents: comp.amountCents, personioCompensationId: comp.id });
          claimed.add(comp.id);
          reconciled.push({ seq, amountCents: comp.amountCents, personioCompensationId: comp.id });
        }
      }
    } else {
      // Personio did not return comments: match a pending ledger entry on type, date and amount instead.
      for (const doc of ledger) {
        if (doc.status === 'pushed' || pushed.has(doc.seq)) continue;
        const comp = candidates.find((c) => c.amountCents === doc.amountCents && !claimed.has(c.id));
        if (!comp) continue;
        pushed.set(doc.seq, { amountCents: comp.amountCents, personioCompensationId: comp.id });
        claimed.add(comp.id);
        reconciled.push({ seq: doc.seq, amountCents: comp.amountCents, personioCompensationId: comp.id });
      }
    }
  }

  const pushedCents = [...pushed.values()].reduce((sum, p) => sum + p.amountCents, 0);
  const pushedSeqs = [...pushed.keys()].sort((a, b) => a - b);
  if (pushedCents === item.desiredCents) return { action: 'none', outcome: 'already_present', pushedCents, reconciled, pushedSeqs };
  if (pushedCents > item.desiredCents) return { action: 'none', outcome: 'needs_manual_correction', pushedCents, reconciled, pushedSeqs };
  // Not yet (fully) in Personio. The next sequence number after the highest pushed one: a pending entry
  // with that number was proven absent from Personio above, so posting it again cannot duplicate.
  const seq = pushedSeqs.length === 0 ? 0 : Math.max(...pushedSeqs) + 1;
  return {
    action: 'post',
    kind: seq === 0 ? 'original' : 'correction',
    seq,
    amountCents: item.desiredCents - pushedCents,
    pushedCents,
    reconciled,
    pushedSeqs,
  };
}

/** Whether deciding this item needs Personio's listing: any ledger entry not known as pushed, or none at all. */
export function needsReconciliation(ledger: LedgerDoc[]): boolean {
  return ledger.length === 0 || ledger.some((doc) => doc.status !== 'pushed');
}
