// What the client trusts of a listing, and how persons are matched to addresses, without a server.
import { describe, expect, it } from 'vitest';
import { collectPages, type ListingPage } from '../../personio/pagination.js';
import { matchPersonsByEmail, swapCase } from '../../personio/person-matching.js';
import { PersonioError } from '../../personio/index.js';
import type { PersonioLogger } from '../../personio/types.js';

const logged: string[] = [];
const logger: PersonioLogger = { debug() {}, info: (msg) => void logged.push(msg), warn: (msg) => void logged.push(msg) };
const BASE = 'https://api.personio.test';

/** A fake server: page n of `pages` at `?cursor=c<n>`, with the next link the test decides. */
function serve(pages: { items: unknown[]; next?: string }[]) {
  const asked: string[] = [];
  const fetchPage = async (url: URL): Promise<ListingPage> => {
    asked.push(url.search);
    const n = Number(url.searchParams.get('cursor')?.slice(1) ?? 0);
    const page = pages[n] ?? { items: [] };
    return page.next ? { items: page.items, nextHref: `/v2/compensations?cursor=${page.next}` } : { items: page.items };
  };
  return { fetchPage, asked };
}
const items = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: String(from + i) }));
const collect = (pages: { items: unknown[]; next?: string }[], limit = 3) =>
  collectPages(serve(pages).fetchPage, new URL(`${BASE}/v2/compensations`), { endpoint: 'compensations.list', baseUrl: BASE, limit, logger });

describe('collectPages', () => {
  it('follows cursor-only next links to the end', async () => {
    const got = await collect([{ items: items(0, 3), next: 'c1' }, { items: items(3, 3), next: 'c2' }, { items: items(6, 1) }]);
    expect(got).toEqual(items(0, 7));
  });

  it('ends at a last page that links back to its own cursor (a live quirk)', async () => {
    const got = await collect([{ items: items(0, 3), next: 'c1' }, { items: items(3, 2), next: 'c1' }]);
    expect(got).toEqual(items(0, 5));
  });

  it('fails, retryably, when a full page links back to a cursor already followed: the rest is unknown', async () => {
    const err = await collect([{ items: items(0, 3), next: 'c1' }, { items: items(3, 3), next: 'c1' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PersonioError);
    expect(err).toMatchObject({ kind: 'inconsistent_listing', retryable: true });
  });

  it('keeps an item repeated unchanged once, and fails when one id comes back with another content', async () => {
    expect(await collect([{ items: items(0, 3), next: 'c1' }, { items: [{ id: '2' }, { id: '3' }] }])).toEqual(items(0, 4));
    const changed = await collect([{ items: items(0, 3), next: 'c1' }, { items: [{ id: '2', amount: 5 }] }]).catch((e: unknown) => e);
    expect(changed).toMatchObject({ kind: 'inconsistent_listing' });
  });

  it('fails instead of stopping silently after the page limit', async () => {
    const endless = Array.from({ length: 5 }, (_, n) => ({ items: items(n * 3, 3), next: `c${n + 1}` }));
    const err = await collectPages(serve(endless).fetchPage, new URL(`${BASE}/v2/x`), { endpoint: 'persons.list', baseUrl: BASE, limit: 3, logger, maxPages: 4 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'inconsistent_listing' });
  });
});

describe('matchPersonsByEmail', () => {
  it('matches whatever the case on either side, and calls two spellings of one address ambiguous', () => {
    const result = matchPersonsByEmail(
      ['ANNA.schmidt@x.de', 'ben@x.de', 'twin@x.de', 'nobody@x.de'],
      [
        { id: '1', email: 'Anna.Schmidt@X.de' },
        { id: '2', email: ' ben@x.de ' },
        { id: '3', email: 'twin@x.de' },
        { id: '4', email: 'TWIN@x.de' },
        { id: '5', email: 'other@x.de' },
        { id: '6' },
      ],
    );
    expect([...result.matched].map(([email, p]) => [email, p.id])).toEqual([
      ['anna.schmidt@x.de', '1'],
      ['ben@x.de', '2'],
    ]);
    expect(result.ambiguous).toEqual([{ email: 'twin@x.de', personIds: ['3', '4'] }]);
    expect(result.unmatched).toEqual(['nobody@x.de']);
  });

  it('swaps the case of every letter for the probe', () => {
    expect(swapCase('Anna.Schmidt@Müller.de')).toBe('aNNA.sCHMIDT@mÜLLER.DE');
    expect(swapCase('123@4.5')).toBe('123@4.5');
  });
});
