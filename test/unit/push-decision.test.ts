// The whole push decision for one item in one sync, case by case: what to post, or what to report.
import { describe, expect, it } from 'vitest';
import { itemKeyOf, markerOf } from '../../payroll/item-key.js';
import { decidePush, type ItemLedger } from '../../payroll/reconcile.js';
import type { PersonioCompensation } from '../../personio/index.js';

const itemKey = itemKeyOf('acme', '2026-10', 'p1', 'type-meal');
const item = { itemKey, compensationTypeId: 'type-meal', effectiveFrom: '2026-10-31', desiredCents: 5000 };
const ours = (id: string, amountCents: number, seq: number): PersonioCompensation => ({
  id,
  personId: 'p1',
  typeId: 'type-meal',
  amountCents,
  effectiveFrom: '2026-10-31',
  comment: `[ref ${markerOf(itemKey, seq)}] Benefits: meal 2026-10`,
});
const sync = { syncId: 'this-sync', dryRun: false };
const pushed = (seq: number, amountCents: number, syncId: string, id = `c${seq}`) => ({ seq, amountCents, personioCompensationId: id, syncId });

describe('decidePush', () => {
  it('posts the original of an item nobody posted', () => {
    expect(decidePush(item, { pushed: [] }, [], sync)).toMatchObject({ post: true, seq: 0, amountCents: 5000, pushedBeforeCents: 0, knownIds: [] });
  });

  it('reports a type that does not exist yet as would_create, without looking further', () => {
    expect(decidePush(item, { pushed: [] }, undefined, { ...sync, typeWouldBeCreated: true })).toEqual({
      post: false,
      status: 'would_create',
      pushedBeforeCents: 0,
      knownIds: [],
      reconciled: [],
    });
  });

  it('reports a post recorded by an earlier attempt of this sync as created, and by another sync as already present', () => {
    expect(decidePush(item, { pushed: [pushed(0, 5000, 'this-sync')] }, undefined, sync)).toMatchObject({ post: false, status: 'created', knownIds: ['c0'] });
    expect(decidePush(item, { pushed: [pushed(0, 5000, 'last-month-run')] }, undefined, sync)).toMatchObject({ post: false, status: 'already_present' });
  });

  it('reports its own unanswered post found in Personio as created, and has the ledger record it', () => {
    const ledger: ItemLedger = { pushed: [], pending: { seq: 0, amountCents: 5000, syncId: 'this-sync' } };
    expect(decidePush(item, ledger, [ours('c9', 5000, 0)], sync)).toMatchObject({
      post: false,
      status: 'created',
      knownIds: ['c9'],
      reconciled: [{ seq: 0, amountCents: 5000, personioCompensationId: 'c9' }],
    });
  });

  it('reports another sync’s unanswered post found in Personio as already present', () => {
    const ledger: ItemLedger = { pushed: [], pending: { seq: 0, amountCents: 5000, syncId: 'crashed-sync' } };
    expect(decidePush(item, ledger, [ours('c9', 5000, 0)], sync)).toMatchObject({ post: false, status: 'already_present' });
  });

  it('reports a correction this sync already posted as correction_created', () => {
    const ledger: ItemLedger = { pushed: [pushed(0, 3000, 'last-month-run'), pushed(1, 2000, 'this-sync')] };
    expect(decidePush(item, ledger, undefined, sync)).toMatchObject({ post: false, status: 'correction_created', knownIds: ['c0', 'c1'] });
  });

  it('posts only the difference of a raised amount as the next correction', () => {
    const ledger: ItemLedger = { pushed: [pushed(0, 3000, 'last-month-run'), pushed(1, 500, 'other')] };
    expect(decidePush(item, ledger, undefined, sync)).toMatchObject({ post: true, seq: 2, amountCents: 1500, pushedBeforeCents: 3500 });
  });

  it('reports a lowered amount for manual correction, with what Personio holds and what is due', () => {
    const verdict = decidePush(item, { pushed: [pushed(0, 7000, 'last-month-run')] }, undefined, sync);
    expect(verdict).toMatchObject({ post: false, status: 'needs_manual_correction', pushedBeforeCents: 7000 });
    expect(verdict.post === false && verdict.reason).toMatch(/holds 7000 cents.*the 5000 cents now due/);
  });

  it('in a dry run, says what it would post instead of posting', () => {
    expect(decidePush(item, { pushed: [] }, [], { ...sync, dryRun: true })).toMatchObject({ post: false, status: 'would_create' });
    expect(decidePush(item, { pushed: [pushed(0, 3000, 'x')] }, undefined, { ...sync, dryRun: true })).toMatchObject({ post: false, status: 'would_correct', pushedBeforeCents: 3000 });
  });
});
