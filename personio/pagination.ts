/** Following Personio's `_meta.links.next.href` cursors safely. */
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
