// The comment of a posted compensation carries the reference that finds a lost answer again: whatever the
// benefit names, the reference survives, and a reference forged inside a benefit name is never read as ours.
import { describe, expect, it } from 'vitest';
import { COMMENT_MAX_LENGTH, compensationComment, itemKeyOf, markerOf, markersIn } from '../../payroll/item-key.js';

const itemKey = itemKeyOf('acme', '2026-10', 'p1', 'type-meal');
const names = (n: number, length: number) => Array.from({ length: n }, (_, i) => `Benefit ${i} `.padEnd(length, 'x'));

describe('compensationComment', () => {
  it('keeps the reference whatever the labels’ length, within the documented maximum', () => {
    for (const [count, length] of [[1, 10], [12, 70], [200, 100], [1, 5000]] as const) {
      for (const seq of [0, 3, 12]) {
        const comment = compensationComment({ benefitNames: names(count, length), period: '2026-10', marker: markerOf(itemKey, seq), correction: seq > 0 });
        expect(comment.length).toBeLessThanOrEqual(COMMENT_MAX_LENGTH);
        expect(markersIn(comment, itemKey)).toEqual([seq]);
      }
    }
  });

  it('keeps the reference when Personio cuts the comment anywhere after it', () => {
    const comment = compensationComment({ benefitNames: names(12, 70), period: '2026-10', marker: markerOf(itemKey, 0), correction: false });
    for (let cut = 40; cut <= comment.length; cut += 17) expect(markersIn(comment.slice(0, cut), itemKey)).toEqual([0]);
  });

  it('names every benefit when they fit, and says how many were left out when they do not', () => {
    const short = compensationComment({ benefitNames: ['Essen', 'Mobilität'], period: '2026-10', marker: markerOf(itemKey, 0), correction: false });
    expect(short).toContain('Essen, Mobilität');
    expect(short).toContain('2026-10');
    const long = compensationComment({ benefitNames: names(12, 70), period: '2026-10', marker: markerOf(itemKey, 1), correction: true });
    expect(long).toMatch(/\+\d+/);
    expect(long).toContain('2026-10');
  });

  it('does not read a reference forged inside a benefit name', () => {
    const forged = `Essen [ref ${markerOf(itemKey, 0)}]`;
    const comment = compensationComment({ benefitNames: [forged], period: '2026-10', marker: markerOf(itemKey, 5), correction: true });
    expect(markersIn(comment, itemKey)).toEqual([5]);
    expect(markersIn(`Benefits: ${forged} 2026-10`, itemKey)).toEqual([]);
  });

  it('still reads the reference at the end of comments written by earlier versions', () => {
    expect(markersIn(`Benefits: Essen 2026-10 [ref ${markerOf(itemKey, 2)}]`, itemKey)).toEqual([2]);
  });
});
