// Pure units of the client: money, Retry-After, error bodies, next links, backoff, token bucket, token cache.
import { describe, expect, it } from 'vitest';
import { centsToDecimalString as formatCents } from '../../payroll/money.js';
import { centsToValue, valueToCents, parseRetryAfter, RateLimiter, monthWindow, PersonioError } from '../../personio/index.js';
import { readErrorBody } from '../../personio/errors.js';
import { retryDelay } from '../../personio/http.js';
import { resolveNextHref, cursorOf } from '../../personio/pagination.js';
import { parseCompensation, parsePerson } from '../../personio/schemas.js';
import { TokenCache } from '../../personio/token-cache.js';

describe('money', () => {
  it('formats integer cents as exact decimals', () => {
    expect(formatCents(1999)).toBe('19.99');
    expect(formatCents(10)).toBe('0.10');
    expect(formatCents(100000099)).toBe('1000000.99');
    expect(formatCents(-5)).toBe('-0.05');
    expect(formatCents(0)).toBe('0.00');
    expect(() => formatCents(1.5)).toThrow(RangeError);
    expect(() => formatCents(Number.MAX_SAFE_INTEGER + 2)).toThrow(RangeError);
  });

  it('sends values whose JSON has at most 2 decimals and reads them back to the same cents', () => {
    for (let cents = 0; cents < 20_000; cents += 7) {
      const value = centsToValue(cents);
      expect(JSON.stringify(value)).toMatch(/^\d+(\.\d{1,2})?$/);
      expect(valueToCents(value)).toBe(cents);
      expect(valueToCents(JSON.parse(JSON.stringify(value)))).toBe(cents);
    }
    expect(JSON.stringify({ value: centsToValue(100000099) })).toBe('{"value":1000000.99}');
    expect(valueToCents(19.99)).toBe(1999);
    expect(valueToCents(0.1 + 0.2)).toBe(30);
    expect(valueToCents(-19.99)).toBe(-1999);
  });

  it('parses numeric strings and rejects junk', () => {
    expect(valueToCents('12.345')).toBe(1235);
    expect(valueToCents('12.344')).toBe(1234);
    expect(valueToCents('-0.5')).toBe(-50);
    expect(valueToCents('7')).toBe(700);
    expect(valueToCents('1e3')).toBeUndefined();
    expect(valueToCents('abc')).toBeUndefined();
    expect(valueToCents(Number.NaN)).toBeUndefined();
    expect(valueToCents(null)).toBeUndefined();
  });
});

describe('parsing', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it('reads the v2 envelope, its older form and OAuth2 bodies', () => {
    expect(
      readErrorBody(JSON.stringify({ personio_trace_id: 't1', errors: [{ title: 'Bad', detail: 'a' }, { detail: 'b' }] })),
    ).toEqual({ traceId: 't1', detail: 'a; b' });
    expect(readErrorBody(JSON.stringify({ trace_id: 't2', errors: [{ title: 'Bad', details: 'old' }] }))).toEqual({ traceId: 't2', detail: 'old' });
    expect(readErrorBody(JSON.stringify({ error: 'invalid_client', error_description: 'nope', trace_id: 't3' }))).toEqual({
      traceId: 't3',
      detail: 'nope',
      oauthError: 'invalid_client',
    });
    expect(readErrorBody('<html>gateway</html>')).toEqual({ detail: '<html>gateway</html>' });
    expect(readErrorBody('')).toEqual({});
  });

  it('parses persons and compensations tolerantly', () => {
    expect(parsePerson({ id: 17, email: 42, first_name: 'A', extra: { x: 1 } })).toEqual({ id: '17', firstName: 'A' });
    expect(parsePerson({ email: 'a@b.c' })).toBeUndefined();
    expect(parsePerson('nope')).toBeUndefined();
    expect(
      parseCompensation({ id: 1, person: { id: 2 }, type: { id: 't' }, value: '12.50', currency: 'EUR', effective_from: '2025-01-31T00:00:00Z' }),
    ).toEqual({ id: '1', personId: '2', typeId: 't', amountCents: 1250, currency: 'EUR', effectiveFrom: '2025-01-31' });
    expect(parseCompensation({ id: 1, person: { id: 2 }, type: { id: 't' }, effective_from: '2025-01-31' })).toBeUndefined();
  });

  it('computes month windows', () => {
    expect(monthWindow('2024-02')).toEqual({ startDate: '2024-02-01', endDate: '2024-02-29' });
    expect(monthWindow('2025-12')).toEqual({ startDate: '2025-12-01', endDate: '2025-12-31' });
    expect(() => monthWindow('2025-00')).toThrow(RangeError);
    expect(() => monthWindow('25-01')).toThrow(RangeError);
  });
});

describe('next links', () => {
  it('resolves relative links and keeps foreign origins off the bearer token', () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m) };
    expect(resolveNextHref('/v2/persons?cursor=abc', 'https://api.personio.de').toString()).toBe('https://api.personio.de/v2/persons?cursor=abc');
    expect(resolveNextHref('https://api.personio.de/v2/persons?cursor=x&limit=50', 'https://api.personio.de').toString()).toBe(
      'https://api.personio.de/v2/persons?cursor=x&limit=50',
    );
    expect(resolveNextHref('https://evil.example/v2/persons?cursor=y', 'http://127.0.0.1:4010', logger).toString()).toBe(
      'http://127.0.0.1:4010/v2/persons?cursor=y',
    );
    expect(warnings).toHaveLength(1);
    expect(cursorOf(new URL('https://x/v2/persons?cursor=c1&limit=2'))).toBe('c1');
  });
});

describe('backoff', () => {
  const retry = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, budgetMs: 120_000, minRateLimitDelayMs: 1000, rateLimitWindowMs: 60_000 };
  const unavailable = new PersonioError('x', { kind: 'unavailable', retryable: true, status: 503 });
  it('grows exponentially with jitter within [half, full] and caps at maxDelayMs', () => {
    expect(retryDelay(retry, 1, unavailable, () => 0)).toBe(250);
    expect(retryDelay(retry, 1, unavailable, () => 1)).toBe(500);
    expect(retryDelay(retry, 3, unavailable, () => 1)).toBe(2000);
    expect(retryDelay(retry, 20, unavailable, () => 1)).toBe(30_000);
  });
  it('honours Retry-After, and waits ≥ 1 s on a 429 without it', () => {
    const withHeader = new PersonioError('x', { kind: 'rate_limited', retryable: true, status: 429, retryAfterMs: 7000 });
    const without = new PersonioError('x', { kind: 'rate_limited', retryable: true, status: 429 });
    expect(retryDelay(retry, 1, withHeader, () => 0)).toBe(7000);
    expect(retryDelay(retry, 1, without, () => 0)).toBe(1000);
    expect(retryDelay(retry, 4, without, () => 1)).toBe(4000);
  });
});

describe('RateLimiter', () => {
  it('lets a burst through, then spaces callers by the interval, first come first served', () => {
    let t = 0;
    const limiter = new RateLimiter({ ratePerMinute: 60, burst: 3, now: () => t });
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 0, 0]);
    expect(limiter.reserve()).toBe(1000);
    expect(limiter.reserve()).toBe(2000);
    t = 10_000; // idle long enough to refill the whole burst
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 0, 0, 1000]);
  });

  it('holds everybody back after pause(), then paces them without a burst', () => {
    let t = 0;
    const limiter = new RateLimiter({ ratePerMinute: 6000, burst: 10, now: () => t });
    limiter.pause(5000);
    expect(limiter.reserve()).toBe(5000);
    t = 5000;
    expect(limiter.reserve()).toBe(10); // the server's window is full after a 429: no burst right after the pause
  });
});

describe('TokenCache', () => {
  it('shares one in-flight fetch, reuses until 60 s before expiry, and only invalidates the rejected token', async () => {
    let t = 1_000_000;
    let fetches = 0;
    let release: (() => void) | undefined;
    const cache = new TokenCache({
      now: () => t,
      fetchToken: async () => {
        fetches++;
        await new Promise<void>((r) => (release = r));
        return { accessToken: `tok-${fetches}`, expiresAt: t + 3_600_000, grantedScopes: [] };
      },
    });
    const waiting = Promise.all([cache.get(), cache.get(), cache.get()]);
    await Promise.resolve();
    release!();
    const tokens = await waiting;
    expect(new Set(tokens.map((x) => x.accessToken))).toEqual(new Set(['tok-1']));
    expect(fetches).toBe(1);
    t += 3_600_000 - 61_000;
    expect((await cache.get()).accessToken).toBe('tok-1');
    t += 2000; // inside the 60 s margin
    const renewing = cache.get();
    await Promise.resolve();
    release!();
    expect((await renewing).accessToken).toBe('tok-2');
    cache.invalidate('tok-1'); // stale rejection: keeps tok-2
    expect((await cache.get()).accessToken).toBe('tok-2');
    expect(fetches).toBe(2);
  });

  it('renews on demand although the cached token is fresh, and a refused renewal drops the cached token', async () => {
    let fetches = 0;
    let revoked = false;
    const cache = new TokenCache({
      fetchToken: async () => {
        fetches++;
        if (revoked) throw new Error('401 invalid client');
        return { accessToken: `tok-${fetches}`, expiresAt: Date.now() + 3_600_000, grantedScopes: ['a'] };
      },
    });
    expect((await cache.get()).accessToken).toBe('tok-1');
    expect((await cache.renew()).accessToken).toBe('tok-2');
    expect((await cache.get()).accessToken).toBe('tok-2');
    revoked = true;
    await expect(cache.renew()).rejects.toThrow('401');
    // The credential was refused: the cached token is not handed out as if it still worked.
    await expect(cache.get()).rejects.toThrow('401');
    expect(fetches).toBe(4);
  });
});
