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

/** The person's compensations that can be this item's posts: same type, same effective date. */
export function candidatesFor(item: Pick<ItemState, 'compensationTypeId' | 'effectiveFrom'>, held: readonly PersonioCompensation[]): PersonioCompensation[] {
  return held.filter((c) => c.typeId === item.compensationTypeId && c.effectiveFrom === item.effectiveFrom);
}

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
    const candidates = candidatesFor(item, personio);
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

/** What a push reports for an item (the export log's item statuses). */
export type PushStatus = 'created' | 'already_present' | 'correction_created' | 'needs_manual_correction' | 'failed' | 'would_create' | 'would_correct';

interface VerdictBase {
  pushedBeforeCents: number;
  /** Personio ids of this item's posts known now (ledger and reconciliation). */
  knownIds: string[];
  /** Posts found in Personio that the ledger must now record as pushed. */
  reconciled: ReconciledPush[];
}

export type PushVerdict =
  | (VerdictBase & { post: false; status: Exclude<PushStatus, 'failed'>; reason?: string })
  | (VerdictBase & { post: true; seq: number; amountCents: number });

/**
 * The whole push decision for one item in one sync: nothing to do (and what to report), or the post to make.
 * - A type that does not exist yet (dry run) would be created.
 * - What decideItem finds already there is reported as created (or corrected) when this very sync posted it in
 *   an earlier attempt — recorded, or found again for its own unanswered post — and as already present otherwise.
 * - A lowered amount is reported for manual correction; a dry run reports what it would post.
 */
export function decidePush(
  item: ItemState,
  ledger: ItemLedger,
  listing: PersonioCompensation[] | undefined,
  sync: { syncId: string; dryRun: boolean; typeWouldBeCreated?: boolean },
): PushVerdict {
  if (sync.typeWouldBeCreated) return { post: false, status: 'would_create', pushedBeforeCents: 0, knownIds: [], reconciled: [] };
  const decision = decideItem(item, ledger, listing);
  const base: VerdictBase = {
    pushedBeforeCents: decision.pushedCents,
    knownIds: [...ledger.pushed.map((f) => f.personioCompensationId), ...decision.reconciled.map((r) => r.personioCompensationId)],
    reconciled: decision.reconciled,
  };
  if (decision.action === 'none') {
    if (decision.outcome === 'needs_manual_correction') {
      return {
        ...base,
        post: false,
        status: 'needs_manual_correction',
        reason: `Personio already holds ${decision.pushedCents} cents for this compensation, more than the ${item.desiredCents} cents now due: correct it in Personio by hand.`,
      };
    }
    const seqsByThisSync = [
      ...ledger.pushed.filter((f) => f.syncId === sync.syncId).map((f) => f.seq),
      ...decision.reconciled.filter((r) => ledger.pending?.syncId === sync.syncId && r.seq === ledger.pending.seq).map((r) => r.seq),
    ];
    const status = seqsByThisSync.length === 0 ? 'already_present' : seqsByThisSync.some((seq) => seq > 0) ? 'correction_created' : 'created';
    return { ...base, post: false, status };
  }
  if (sync.dryRun) return { ...base, post: false, status: decision.kind === 'original' ? 'would_create' : 'would_correct' };
  return { ...base, post: true, seq: decision.seq, amountCents: decision.amountCents };
}
