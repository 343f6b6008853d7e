// The per-credential resource rate limit: its window length, and the two readings of Retry-After on its 429.
import { beforeEach, describe, expect, it } from 'vitest';
import { advanceClock, credentialWithToken, envelopeDetails, get, http, tokenRequest, useTestSandbox, type Reply } from './support.js';

const sb = useTestSandbox({ clock: true });
let t: string;
beforeEach(async () => {
  t = await credentialWithToken(sb, 'acme');
});

describe('windowSeconds', () => {
  it('sets the sliding window length; Retry-After is computed from it', async () => {
    await sb.admin.setRateLimit(2, { windowSeconds: 5 });
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    advanceClock(sb, 2_000);
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    const limited = await get(sb, '/v2/persons', t);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    advanceClock(sb, 3_001);
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    expect((await get(sb, '/v2/persons', t)).status).toBe(429);
  });

  it('applies per credential when given with clientId, and defaults to 60 s', async () => {
    const beta = await credentialWithToken(sb, 'beta');
    await sb.admin.setRateLimit(1, { clientId: 'acme', windowSeconds: 2 });
    await sb.admin.setRateLimit(1, 'beta');
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    expect((await get(sb, '/v2/persons', beta)).status).toBe(200);
    expect((await get(sb, '/v2/persons', t)).headers.get('retry-after')).toBe('2');
    expect((await get(sb, '/v2/persons', beta)).headers.get('retry-after')).toBe('60');
    advanceClock(sb, 2_001);
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    expect((await get(sb, '/v2/persons', beta)).status).toBe(429);
  });

  it('accepts 1–3600 only', async () => {
    for (const windowSeconds of [0, 3601, 1.5]) {
      await expect(sb.admin.setRateLimit(1, { windowSeconds })).rejects.toMatchObject({ status: 400 });
    }
    const res = await http(`${sb.url}/__admin/rate-limit`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requestsPerMinute: 3, windowSeconds: 3600 }),
    });
    expect(res.body).toEqual({ default: { requestsPerMinute: 3, windowSeconds: 3600 }, perClient: {} });
  });
});

describe('rateLimitRetryAfter', () => {
  it('true (default): the 429 carries Retry-After', async () => {
    await sb.admin.setRateLimit(1);
    await get(sb, '/v2/persons', t);
    const limited = await get(sb, '/v2/persons', t);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
  });

  it('false: the 429 of the rate limit has no Retry-After; the window still is what was set', async () => {
    await sb.admin.setPersonality({ rateLimitRetryAfter: false });
    await sb.admin.setRateLimit(1, { windowSeconds: 3 });
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    const limited = await get(sb, '/v2/persons', t);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.body.errors[0].type).toMatch(/common.too_many_requests$/);
    envelopeDetails(limited);
    advanceClock(sb, 3_001);
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
  });

  it('false leaves injected status faults and the token endpoint\'s 429 alone', async () => {
    await sb.admin.setPersonality({ rateLimitRetryAfter: false });
    await sb.admin.addFault({ path: '/v2/persons', kind: 'status', status: 429, retryAfterSeconds: 7, count: 1 });
    expect((await get(sb, '/v2/persons', t)).headers.get('retry-after')).toBe('7');

    const form = { grant_type: 'client_credentials', client_id: 'acme', client_secret: 'acme-secret' };
    let limited: Reply | undefined;
    for (let i = 0; i < 200 && !limited; i++) {
      const res = await tokenRequest(sb.url, form);
      if (res.status === 429) limited = res;
    }
    expect(limited?.headers.get('retry-after')).toBe('1');
  });
});
