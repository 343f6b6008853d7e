/** Limit parsing and opaque cursor pagination with Personio's `_data` / `_meta.links` envelope. */
import type { Context } from 'hono';
import type { SandboxEnv } from './env.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; detail: string };

export function parseLimit(raw: string | null, opts: { min: number; max: number; default: number }): Parsed<number> {
  if (raw === null || raw === '') return { ok: true, value: opts.default };
  if (!/^\d+$/.test(raw)) return { ok: false, detail: `limit must be an integer between ${opts.min} and ${opts.max}.` };
  const n = Number(raw);
  if (n < opts.min || n > opts.max) return { ok: false, detail: `limit must be between ${opts.min} and ${opts.max}, got ${n}.` };
  return { ok: true, value: n };
}

/** A cursor is opaque to clients: it encodes the position (seq) after which the next page starts. */
export function encodeCursor(afterSeq: number): string {
  return Buffer.from(JSON.stringify({ after: afterSeq })).toString('base64url');
}

export function decodeCursor(raw: string | null): Parsed<number | undefined> {
  if (raw === null || raw === '') return { ok: true, value: undefined };
  try {
    const decoded = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    const after = decoded && typeof decoded === 'object' ? (decoded as { after?: unknown }).after : undefined;
    if (typeof after === 'number' && Number.isInteger(after)) return { ok: true, value: after };
  } catch {
    // fall through
  }
  return { ok: false, detail: 'The cursor is invalid.' };
}

export interface ListBody<T> {
  _data: T[];
  _meta: { links: { self: { href: string }; next?: { href: string } } };
}

/**
 * One page of `items` (sorted by seq) after the request's cursor. The next link repeats the request's
 * own query with a new cursor; it is absent on the last page. With the repeat_cursor fault, the next
 * link carries the request's own cursor again (a live Personio quirk).
 */
export function page<T extends { seq: number }, R>(
  c: Context<SandboxEnv>,
  items: T[],
  limit: number,
  after: number | undefined,
  render: (item: T) => R,
): ListBody<R> {
  const url = new URL(c.req.url);
  const start = after === undefined ? 0 : items.findIndex((i) => i.seq > after);
  const rest = start < 0 ? [] : items.slice(start);
  const slice = rest.slice(0, limit);
  const body: ListBody<R> = { _data: slice.map(render), _meta: { links: { self: { href: url.toString() } } } };
  const last = slice[slice.length - 1];
  let nextCursor: string | undefined;
  if (c.get('repeatCursor') && url.searchParams.get('cursor')) nextCursor = url.searchParams.get('cursor') ?? undefined;
  else if (rest.length > limit && last) nextCursor = encodeCursor(last.seq);
  if (nextCursor) {
    const next = new URL(url);
    next.searchParams.set('cursor', nextCursor);
    body._meta.links.next = { href: next.toString() };
  }
  return body;
}
