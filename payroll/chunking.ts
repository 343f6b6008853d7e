// How a sync's compensation items are split into push chunks. Pure, and activity-side only: the workflow learns
// the chunk count and the push concurrency from planSync's result in its history, never from these constants.

/** Push chunks in flight at once per sync; Personio's rate limit is enforced by the client. */
export const PUSH_CONCURRENCY = 4;

/**
 * Most items per chunk. Each chunk costs a fixed set of database round trips and history events, so larger
 * chunks make a sync cheaper; a retried chunk redoes at most this many items (safely, via the ledger).
 */
export const MAX_CHUNK_ITEMS = 200;
/** Below this many items per chunk, splitting further for parallelism costs more than it gains. */
export const MIN_CHUNK_ITEMS = 25;
/**
 * How long a chunk should take at the credential's pace. Far inside pushChunk's 30-minute start-to-close timeout,
 * even with other syncs of the company sharing the credential's limit; and short, because a chunk whose worker dies
 * stands still for about a minute (the heartbeat timeout, then the fence's grace): with chunks of about that length,
 * the other pushers keep the limit busy meanwhile instead of finishing and leaving the stalled chunk last and alone.
 */
export const TARGET_CHUNK_MINUTES = 1;

/** Most items a chunk may hold so that it takes about TARGET_CHUNK_MINUTES at `requestsPerMinute` (one POST each). */
export function maxChunkItemsFor(requestsPerMinute: number | undefined): number {
  if (!requestsPerMinute || requestsPerMinute <= 0) return MAX_CHUNK_ITEMS;
  return Math.max(1, Math.min(MAX_CHUNK_ITEMS, Math.floor((requestsPerMinute / PUSH_CONCURRENCY) * TARGET_CHUNK_MINUTES)));
}

/**
 * Items per chunk for a sync of `itemCount` items: as few chunks as the maximum allows (MAX_CHUNK_ITEMS, lower
 * under a low rate limit), rounded up to a multiple of PUSH_CONCURRENCY so the last round does not run one chunk
 * alone, and chunks of equal size.
 */
export function chunkSizeFor(itemCount: number, requestsPerMinute?: number): number {
  const maxItems = maxChunkItemsFor(requestsPerMinute);
  if (itemCount <= 0) return maxItems;
  let chunks = Math.ceil(itemCount / maxItems);
  const balanced = Math.ceil(chunks / PUSH_CONCURRENCY) * PUSH_CONCURRENCY;
  if (itemCount / balanced >= MIN_CHUNK_ITEMS) chunks = balanced;
  else chunks = Math.max(chunks, Math.min(PUSH_CONCURRENCY, Math.floor(itemCount / MIN_CHUNK_ITEMS)));
  return Math.ceil(itemCount / chunks);
}
