// The exactly-once decision for one compensation item, as a pure function:
// given what the ledger knows and what Personio holds, what is already there and what (if anything) to post.
import type { PersonioCompensation } from '../personio/index.js';
import { markersIn } from './item-key.js';

export interface ItemState {
  itemKey: string;
  compensationTypeId: string;
  effectiveFrom: string;
  desiredCents: number;
}

/** What the ledger knows of one item: pushed facts (seq 0, 1, …) and a post that may be unanswered. */
export interface ItemLedger {
  pushed: { seq: number; amountCents: number; personioCompensationId: string; syncId: string }[];
  /** The newest pending post; `syncId` is the sync that wrote it (a post that may exist without an answer). */
  pending?: { seq: number; amountCents: number; syncId?: string };
}

/** A post Personio is found to hold although the ledger did not know it as pushed. */
export interface ReconciledPush {
  seq: number;
  amountCents: number;
  personioCompensationId: string;
}

interface DecisionBase {
  pushedCents: number;
  reconciled: ReconciledPush[];
}

export type ItemDecision =
  | (DecisionBase & { action: 'none'; outcome: 'already_present' | 'needs_manual_correction' })
  | (DecisionBase & { action: 'post'; kind: 'original' | 'correction'; seq: number; amountCents: number });

/**
 * The post `seq` of an item among the person's compensations of the same type and date: by our reference where
 * Personio returned the comment; by amount where it returned none (a listing may leave comments out), and only
 * among compensations not already known as other posts (`claimed`). A comment without our reference is not ours.
 */
export function findOwnPost(
  candidates: readonly PersonioCompensation[],
  itemKey: string,
  seq: number,
  amountCents: number,
  claimed: ReadonlySet<string>,
): PersonioCompensation | undefined {
  const unclaimed = candidates.filter((c) => !claimed.has(c.id));
  return (
    unclaimed.find((c) => markersIn(c.comment, itemKey).includes(seq)) ??
    unclaimed.find((c) => c.comment === undefined && c.amountCents === amountCents)
  );
}

/** Personio's listing is needed unless the ledger knows pushed facts and no unanswered post. */
export function needsReconciliation(ledger: ItemLedger): boolean {
  return ledger.pushed.length === 0 || ledger.pending !== undefined;
}

/**
 * @param personio the person's compensations of the period in Personio, or undefined when the listing
 *   was not needed (see needsReconciliation)
 */
export function decideItem(item: ItemState, ledger: ItemLedger, personio: PersonioCompensation[] | undefined): ItemDecision {
  const pushed = new Map<number, { amountCents: number; personioCompensationId: string }>(ledger.pushed.map((p) => [p.seq, p]));
  const reconciled: ReconciledPush[] = [];
  if (personio) {
    const candidates = personio.filter((c) => c.typeId === item.compensationTypeId && c.effectiveFrom === item.effectiveFrom);
    const claimed = new Set([...pushed.values()].map((p) => p.personioCompensationId));
    const found = (seq: number, comp: PersonioCompensation) => {
      pushed.set(seq, { amountCents: comp.amountCents, personioCompensationId: comp.id });
      claimed.add(comp.id);
      reconciled.push({ seq, amountCents: comp.amountCents, personioCompensationId: comp.id });
    };
    // Our reference in a comment identifies our own posts, even those the ledger never heard of.
    for (const comp of candidates) {
      for (const seq of markersIn(comp.comment, item.itemKey)) if (!pushed.has(seq) && !claimed.has(comp.id)) found(seq, comp);
    }
    if (ledger.pending && !pushed.has(ledger.pending.seq)) {
      const comp = findOwnPost(candidates, item.itemKey, ledger.pending.seq, ledger.pending.amountCents, claimed);
      if (comp) found(ledger.pending.seq, comp);
    }
  }

  const pushedCents = [...pushed.values()].reduce((sum, p) => sum + p.amountCents, 0);
  if (pushedCents === item.desiredCents) return { action: 'none', outcome: 'already_present', pushedCents, reconciled };
  if (pushedCents > item.desiredCents) return { action: 'none', outcome: 'needs_manual_correction', pushedCents, reconciled };
  // The next sequence number after the highest pushed one. An unanswered post with that number was just
  // proven absent from Personio, so posting it again cannot pay twice.
  const seq = pushed.size === 0 ? 0 : Math.max(...pushed.keys()) + 1;
  return { action: 'post', kind: seq === 0 ? 'original' : 'correction', seq, amountCents: item.desiredCents - pushedCents, pushedCents, reconciled };
}
