/** Following Personio's `_meta.links.next.href` cursors safely, and noticing when a listing cannot be trusted. */
import type { PersonioEndpoint } from './endpoints.js';
import { inconsistentListing } from './errors.js';
import type { PersonioLogger } from './types.js';

/**
 * Resolves a `next.href` against the base URL. A relative href is resolved against baseUrl; an absolute
 * href on another origin is re-targeted to baseUrl's origin (path and query kept), so the bearer token is
 * never sent to a host other than the configured one.
 */
export function resolveNextHref(href: string, baseUrl: string, logger?: PersonioLogger): URL {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const resolved = new URL(href, base);
  if (resolved.origin !== base.origin) {
    logger?.warn('personio next link points to another origin; following it on the configured base URL', {
      linkOrigin: resolved.origin,
      baseOrigin: base.origin,
    });
    return new URL(`${resolved.pathname}${resolved.search}`, base.origin);
  }
  return resolved;
}

/** The cursor of a next link (its `cursor` query parameter, else the whole link). */
export function cursorOf(url: URL): string {
  return url.searchParams.get('cursor') ?? url.toString();
}

export interface ListingPage {
  items: unknown[];
  nextHref?: string;
}

export interface CollectPagesOptions {
  endpoint: PersonioEndpoint;
  baseUrl: string;
  /** The page size asked for: a page that links back to a cursor already seen is the end only when it was not full. */
  limit: number;
  logger: PersonioLogger;
  /** Safety net against a server that never ends a listing. */
  maxPages?: number;
}

const idOf = (item: unknown): string | undefined => {
  const id = item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
};

/**
 * Every item of a listing, page after page. Reconciliation trusts a listing to be complete (a post it misses is
 * posted again), so a listing that cannot be shown complete fails with a retryable `inconsistent_listing` error
 * instead of ending early: a full page linking back to a cursor already followed, a page limit reached, or one id
 * with two different contents. A page that was not full and links back to its own cursor is a quirk of the last
 * page (reported by users of the live API) and ends the listing. An item repeated unchanged is kept once.
 */
export async function collectPages(
  fetchPage: (url: URL) => Promise<ListingPage>,
  firstUrl: URL,
  opts: CollectPagesOptions,
): Promise<unknown[]> {
  const maxPages = opts.maxPages ?? 10_000;
  const items: unknown[] = [];
  const seenItems = new Map<string, string>();
  const seenCursors = new Set<string>();
  let url: URL | undefined = firstUrl;
  for (let page = 0; url; page++) {
    if (page >= maxPages) throw inconsistentListing(opts.endpoint, `more than ${maxPages} pages`);
    const { items: pageItems, nextHref } = await fetchPage(url);
    for (const item of pageItems) {
      const id = idOf(item);
      if (id === undefined) {
        items.push(item);
        continue;
      }
      const content = JSON.stringify(item);
      const earlier = seenItems.get(id);
      if (earlier === undefined) {
        seenItems.set(id, content);
        items.push(item);
      } else if (earlier !== content) {
        throw inconsistentListing(opts.endpoint, `item ${id} came back twice with different contents`);
      }
    }
    url = undefined;
    if (!nextHref) break;
    const next = resolveNextHref(nextHref, opts.baseUrl, opts.logger);
    const cursor = cursorOf(next);
    if (!seenCursors.has(cursor)) {
      seenCursors.add(cursor);
      url = next;
    } else if (pageItems.length >= opts.limit) {
      throw inconsistentListing(opts.endpoint, `a full page of ${pageItems.length} items linked back to a cursor already followed`);
    } else {
      opts.logger.info('personio linked a last page back to a cursor already followed; the listing ends there', {
        endpoint: opts.endpoint,
        pages: page + 1,
        items: items.length,
      });
    }
  }
  return items;
}
