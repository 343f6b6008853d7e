// The exactly-once decision on its own: what the ledger knows plus what Personio holds decides what to post.
import { describe, expect, it } from 'vitest';
import { itemKeyOf, markerOf } from '../../payroll/item-key.js';
import { decideItem, needsReconciliation, type ItemLedger } from '../../payroll/reconcile.js';
import type { PersonioCompensation } from '../../personio/index.js';

const itemKey = itemKeyOf('acme', '2026-10', 'p1', 'type-meal');
const item = { itemKey, compensationTypeId: 'type-meal', effectiveFrom: '2026-10-31', desiredCents: 5000 };
const comp = (id: string, amountCents: number, seq?: number, extra: Partial<PersonioCompensation> = {}): PersonioCompensation => ({
  id,
  personId: 'p1',
  typeId: 'type-meal',
  amountCents,
  effectiveFrom: '2026-10-31',
  ...(seq === undefined ? { comment: 'entered by HR' } : { comment: `Benefits: meal 2026-10 [ref ${markerOf(itemKey, seq)}]` }),
  ...extra,
});
const empty: ItemLedger = { pushed: [] };

describe('decideItem', () => {
  it('posts the original when neither the ledger nor Personio knows the item', () => {
    expect(decideItem(item, empty, [])).toMatchObject({ action: 'post', kind: 'original', seq: 0, amountCents: 5000 });
  });

  it('records a post Personio holds after a lost answer instead of posting again', () => {
    const decision = decideItem(item, { pushed: [], pending: { seq: 0, amountCents: 5000 } }, [comp('c1', 5000, 0)]);
    expect(decision).toMatchObject({ action: 'none', outcome: 'already_present', reconciled: [{ seq: 0, personioCompensationId: 'c1' }] });
  });

  it('finds its own post by marker even when the ledger lost it', () => {
    expect(decideItem(item, empty, [comp('c1', 5000, 0)])).toMatchObject({ action: 'none', outcome: 'already_present' });
  });

  it('ignores a compensation HR entered by hand with the same type, date and amount', () => {
    expect(decideItem(item, empty, [comp('hr', 5000)])).toMatchObject({ action: 'post', seq: 0 });
  });

  it('posts only the difference as a correction when the amount was raised', () => {
    const ledger: ItemLedger = { pushed: [{ seq: 0, amountCents: 3000, personioCompensationId: 'c1', syncId: 's1' }] };
    expect(decideItem(item, ledger, undefined)).toMatchObject({ action: 'post', kind: 'correction', seq: 1, amountCents: 2000 });
  });

  it('asks for a manual correction when the amount was lowered, posting nothing', () => {
    const ledger: ItemLedger = { pushed: [{ seq: 0, amountCents: 7000, personioCompensationId: 'c1', syncId: 's1' }] };
    expect(decideItem(item, ledger, undefined)).toMatchObject({ action: 'none', outcome: 'needs_manual_correction', pushedCents: 7000 });
  });

  it('re-posts a correction whose earlier post never reached Personio, with the same sequence number', () => {
    const ledger: ItemLedger = { pushed: [{ seq: 0, amountCents: 3000, personioCompensationId: 'c1', syncId: 's1' }], pending: { seq: 1, amountCents: 2000 } };
    expect(decideItem(item, ledger, [comp('c1', 3000, 0)])).toMatchObject({ action: 'post', seq: 1, amountCents: 2000, reconciled: [] });
  });

  it('matches on type, date and amount when Personio returns no comments', () => {
    const noComment = (id: string, cents: number) => ({ ...comp(id, cents), comment: undefined });
    const ledger: ItemLedger = { pushed: [], pending: { seq: 0, amountCents: 5000 } };
    expect(decideItem(item, ledger, [noComment('other-type', 5000), noComment('c9', 5000)].map((c, i) => (i === 0 ? { ...c, typeId: 'x' } : c)))).toMatchObject({
      action: 'none',
      reconciled: [{ seq: 0, personioCompensationId: 'c9' }],
    });
    // Without an unanswered post of ours, a look-alike is someone else's: post.
    expect(decideItem(item, empty, [noComment('c9', 5000)])).toMatchObject({ action: 'post', seq: 0 });
  });

  it('decides per compensation when a listing holds some comments and leaves others out', () => {
    const ledger: ItemLedger = { pushed: [], pending: { seq: 0, amountCents: 5000 } };
    // HR's compensation carries a comment without our reference: never ours, whatever its amount.
    expect(decideItem(item, ledger, [comp('hr', 5000), { ...comp('c7', 5000), comment: undefined }])).toMatchObject({
      action: 'none',
      reconciled: [{ seq: 0, personioCompensationId: 'c7' }],
    });
    expect(decideItem(item, ledger, [comp('hr', 5000)])).toMatchObject({ action: 'post', seq: 0 });
  });

  it('finds its post again when Personio cut the comment after the reference', () => {
    const ledger: ItemLedger = { pushed: [], pending: { seq: 0, amountCents: 5000 } };
    const cut = { ...comp('c3', 5000), comment: `[ref ${markerOf(itemKey, 0)}] Benefits: Ess` };
    expect(decideItem(item, ledger, [cut])).toMatchObject({ action: 'none', reconciled: [{ seq: 0, personioCompensationId: 'c3' }] });
  });

  it('needs Personio only when something is not known as pushed', () => {
    expect(needsReconciliation(empty)).toBe(true);
    expect(needsReconciliation({ pushed: [{ seq: 0, amountCents: 1, personioCompensationId: 'c', syncId: 's' }] })).toBe(false);
    expect(needsReconciliation({ pushed: [{ seq: 0, amountCents: 1, personioCompensationId: 'c', syncId: 's' }], pending: { seq: 1, amountCents: 1 } })).toBe(true);
  });
});
