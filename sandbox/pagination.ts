/**
 * Listing requests: the query they are served with (which the personality and the ignore_filters fault decide),
 * limit parsing, and cursor pagination with Personio's `_data` / `_meta.links` envelope.
 */
import type { Context } from 'hono';
import { decodeCursor, encodeCursor, type Parsed } from './cursor.js';
import type { SandboxEnv } from './env.js';
import type { SandboxPersonality } from './personality.js';

export type { Parsed };

export function parseLimit(raw: string | null, opts: { min: number; max: number; default: number }): Parsed<number> {
  if (raw === null || raw === '') return { ok: true, value: opts.default };
  if (!/^\d+$/.test(raw)) return { ok: false, detail: `limit must be an integer between ${opts.min} and ${opts.max}.` };
  const n = Number(raw);
  if (n < opts.min || n > opts.max) return { ok: false, detail: `limit must be between ${opts.min} and ${opts.max}, got ${n}.` };
  return { ok: true, value: n };
}

export interface ListingRequest {
  /** The limit and filters the request stands for (never a cursor): its own query, or under the cursor_only
   *  personality the one its cursor carries. cursor_only next links carry it on. */
  query: URLSearchParams;
  /** What the handler reads its limit and filters from: `query`, or only its limit when ignore_filters fired. */
  served: URLSearchParams;
  /** The ignore_filters fault fired: serve every item (for compensations: no date window either). */
  filtersIgnored: boolean;
  /** The seq after which the page starts (from the cursor). */
  after: number | undefined;
  nextLinks: SandboxPersonality['nextLinks'];
  /** 400 details about the cursor; empty when it is fine. */
  errors: string[];
}

/** How a GET listing request is to be served; every listing route reads its parameters from here. */
export function readListing(c: Context<SandboxEnv>, personality: SandboxPersonality): ListingRequest {
  const own = new URL(c.req.url).searchParams;
  const cursor = decodeCursor(own.get('cursor'));
  const carried = cursor.ok ? cursor.value?.q : undefined;
  // A cursor without a stored query (made under 'full') leaves the request's own parameters in force.
  const query = new URLSearchParams(personality.nextLinks === 'cursor_only' && carried !== undefined ? carried : own);
  query.delete('cursor');
  const filtersIgnored = c.get('ignoreFilters') === true;
  const served = new URLSearchParams(query);
  if (filtersIgnored) for (const key of [...served.keys()]) if (key !== 'limit') served.delete(key);
  return {
    query,
    served,
    filtersIgnored,
    after: cursor.ok ? cursor.value?.after : undefined,
    nextLinks: personality.nextLinks,
    errors: cursor.ok ? [] : [cursor.detail],
  };
}

export interface ListBody<T> {
  _data: T[];
  _meta: { links: { self: { href: string }; next?: { href: string } } };
}

/**
 * One page of `items` (sorted by seq) after the listing's cursor; `next` is absent on the last page.
 * 'full': the next link repeats the request's own query with a new cursor. 'cursor_only': it holds only a
 * cursor, which carries the query. With the repeat_cursor fault the next link carries the request's own
 * cursor again (a live Personio quirk).
 */
export function page<T extends { seq: number }, R>(
  c: Context<SandboxEnv>,
  listing: ListingRequest,
  items: T[],
  limit: number,
  render: (item: T) => R,
): ListBody<R> {
  const url = new URL(c.req.url);
  const after = listing.after;
  const start = after === undefined ? 0 : items.findIndex((i) => i.seq > after);
  const rest = start < 0 ? [] : items.slice(start);
  const slice = rest.slice(0, limit);
  const body: ListBody<R> = { _data: slice.map(render), _meta: { links: { self: { href: url.toString() } } } };
  const last = slice[slice.length - 1];
  const ownCursor = url.searchParams.get('cursor');
  let nextCursor: string | undefined;
  if (c.get('repeatCursor') && ownCursor) nextCursor = ownCursor;
  else if (rest.length > limit && last) {
    nextCursor = encodeCursor(listing.nextLinks === 'cursor_only' ? { after: last.seq, q: listing.query.toString() } : { after: last.seq });
  }
  if (nextCursor) {
    const next = listing.nextLinks === 'cursor_only' ? new URL(url.pathname, url.origin) : new URL(url);
    next.searchParams.set('cursor', nextCursor);
    body._meta.links.next = { href: next.toString() };
  }
  return body;
}
