import { describe, expect, it } from 'vitest';
import { chunkSizeFor, MAX_CHUNK_ITEMS, maxChunkItemsFor, MIN_CHUNK_ITEMS, PUSH_CONCURRENCY } from '../../payroll/chunking.js';

const chunksOf = (items: number) => {
  const size = chunkSizeFor(items);
  const sizes: number[] = [];
  for (let i = 0; i < items; i += size) sizes.push(Math.min(size, items - i));
  return sizes;
};

describe('push chunk sizes', () => {
  it('never exceed the maximum and cover every item, for every sync size up to 20,000', () => {
    for (let items = 1; items <= 20_000; items += items < 1_000 ? 1 : 37) {
      const sizes = chunksOf(items);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_CHUNK_ITEMS);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(items);
    }
  });

  it('keep every push slot busy in the last round when the sync is large enough', () => {
    expect(chunksOf(1_000)).toHaveLength(8);
    expect(chunksOf(10_000).length % PUSH_CONCURRENCY).toBe(0);
    expect(chunksOf(240)).toEqual([60, 60, 60, 60]);
  });

  it('do not split small syncs into tiny chunks', () => {
    expect(chunksOf(40)).toEqual([40]);
    expect(chunksOf(60)).toEqual([30, 30]);
    for (let items = MIN_CHUNK_ITEMS; items <= 2_000; items++) {
      const sizes = chunksOf(items);
      if (sizes.length > 1) expect(sizes[0]).toBeGreaterThanOrEqual(MIN_CHUNK_ITEMS);
    }
  });

  it('stay small enough under a rate limit to finish in about a minute', () => {
    // 60 requests/min for the credential, 4 chunks at once: 15 POSTs a minute each.
    expect(maxChunkItemsFor(60)).toBe(15);
    expect(Math.max(...Array.from({ length: 10 }, (_, k) => chunkSizeFor(1_000 + k * 97, 60)))).toBeLessThanOrEqual(15);
    // 150/min (the drill's limit): 37 a chunk; 400 items make 12 chunks, so 8 are left when one stalls.
    expect(maxChunkItemsFor(150)).toBe(37);
    expect(Math.ceil(400 / chunkSizeFor(400, 150))).toBe(12);
    expect(maxChunkItemsFor(800)).toBe(MAX_CHUNK_ITEMS);
    expect(maxChunkItemsFor(undefined)).toBe(MAX_CHUNK_ITEMS);
  });
});
