// The sandbox's token endpoint, revocation, bearer checks and token-endpoint rate limit.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ALL_SCOPES,
  COMP_READ,
  PERSONS_READ,
  advanceClock,
  envelopeDetails,
  get,
  http,
  token,
  tokenRequest,
  useTestSandbox,
} from './support.js';

const sb = useTestSandbox({ clock: true });
beforeEach(async () => {
  await sb.admin.setCredentials({ clientId: 'acme', clientSecret: 's3cret', scopes: [PERSONS_READ, COMP_READ] });
});

const valid = { grant_type: 'client_credentials', client_id: 'acme', client_secret: 's3cret' };

describe('POST /v2/auth/token', () => {
  it('issues a 24 h papi- token with the granted scopes', async () => {
    const res = await tokenRequest(sb.url, valid);
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('application/json');
    expect(res.body).toEqual({ access_token: expect.stringMatching(/^papi-\S{20,}$/), token_type: 'Bearer', expires_in: 86400, scope: `${PERSONS_READ} ${COMP_READ}` });
    const second = await tokenRequest(sb.url, valid);
    expect(second.body.access_token).not.toBe(res.body.access_token);
    // both tokens work in parallel
    expect((await get(sb, '/v2/persons', res.body.access_token)).status).toBe(200);
    expect((await get(sb, '/v2/persons', second.body.access_token)).status).toBe(200);
  });

  it('grants a requested subset of scopes, and refuses scopes the credential lacks with invalid_scope', async () => {
    const subset = await tokenRequest(sb.url, { ...valid, scope: PERSONS_READ });
    expect(subset.body.scope).toBe(PERSONS_READ);
    expect((await get(sb, '/v2/compensations/types', subset.body.access_token)).status).toBe(403);
    const refused = await tokenRequest(sb.url, { ...valid, scope: `${PERSONS_READ} personio:compensations:write` });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_scope', error_uri: expect.any(String), timestamp: expect.any(String), trace_id: expect.any(String), meta: {} });
    expect(refused.body.error_description).toContain('personio:compensations:write');
  });

  it('answers every failure with 400 and an OAuth2 body', async () => {
    const cases: [Record<string, string>, string, string?][] = [
      [{ ...valid, client_secret: 'wrong' }, 'invalid_client'],
      [{ ...valid, client_id: 'nobody' }, 'invalid_client'],
      [{ client_id: 'acme', client_secret: 's3cret' }, 'invalid_request'],
      [{ ...valid, grant_type: 'password' }, 'unsupported_grant_type'],
      [{ grant_type: 'client_credentials', client_id: 'acme' }, 'invalid_request'],
      [valid, 'invalid_request', 'application/json'],
    ];
    for (const [fields, error, contentType] of cases) {
      const res = await tokenRequest(sb.url, fields, contentType);
      expect(res.status, `${error} ${JSON.stringify(fields)}`).toBe(400);
      expect(res.body).toEqual({ error, error_description: expect.any(String), error_uri: expect.any(String), timestamp: expect.any(String), trace_id: expect.any(String), meta: {} });
      expect(res.text).not.toContain('s3cret');
    }
  });

  it('allows 150 token requests a minute, then only one per second for 60 s', async () => {
    for (let i = 0; i < 150; i++) expect((await tokenRequest(sb.url, valid)).status).toBe(200);
    const limited = await tokenRequest(sb.url, valid);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    // other credentials are not affected
    await sb.admin.setCredentials({ clientId: 'beta', clientSecret: 'b', scopes: [] });
    expect((await tokenRequest(sb.url, { ...valid, client_id: 'beta', client_secret: 'b' })).status).toBe(200);

    advanceClock(sb, 1000);
    expect((await tokenRequest(sb.url, valid)).status).toBe(200);
    expect((await tokenRequest(sb.url, valid)).status).toBe(429);
    advanceClock(sb, 30_000);
    expect((await tokenRequest(sb.url, valid)).status).toBe(200);
    expect((await tokenRequest(sb.url, valid)).status).toBe(429);
    advanceClock(sb, 30_000); // the penalty minute is over
    for (let i = 0; i < 5; i++) expect((await tokenRequest(sb.url, valid)).status).toBe(200);
  });
});

describe('bearer tokens', () => {
  it('answers 401 with the v2 envelope for a missing, unknown, expired or revoked token', async () => {
    const missing = await get(sb, '/v2/persons');
    expect(missing.status).toBe(401);
    expect(envelopeDetails(missing)[0]).toMatch(/bearer/i);
    expect(missing.body.errors[0].type).toBe('https://developer.personio.de/reference/errors#common.unauthorized');

    expect((await get(sb, '/v2/persons', 'papi-unknown')).status).toBe(401);

    const t = await token(sb, 'acme', 's3cret');
    advanceClock(sb, 86_399_000);
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    advanceClock(sb, 1000);
    const expired = await get(sb, '/v2/persons', t);
    expect(expired.status).toBe(401);
    envelopeDetails(expired);

    const t2 = await token(sb, 'acme', 's3cret');
    const revoke = await http(`${sb.url}/v2/auth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: t2 }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect(revoke.text).toBe('');
    expect((await get(sb, '/v2/persons', t2)).status).toBe(401);
  });

  it('invalidates tokens when the credential is deleted or its secret changes', async () => {
    const t = await token(sb, 'acme', 's3cret');
    await sb.admin.setCredentials({ clientId: 'acme', clientSecret: 's3cret', scopes: ALL_SCOPES });
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    await sb.admin.setCredentials({ clientId: 'acme', clientSecret: 'rotated', scopes: ALL_SCOPES });
    expect((await get(sb, '/v2/persons', t)).status).toBe(401);
    const t2 = await token(sb, 'acme', 'rotated');
    await sb.admin.deleteCredentials('acme');
    expect((await get(sb, '/v2/persons', t2)).status).toBe(401);
  });

  it('applies a scope removed from the credential at once', async () => {
    const t = await token(sb, 'acme', 's3cret');
    expect((await get(sb, '/v2/compensations/types', t)).status).toBe(200);
    await sb.admin.setCredentials({ clientId: 'acme', clientSecret: 's3cret', scopes: [PERSONS_READ] });
    const denied = await get(sb, '/v2/compensations/types', t);
    expect(denied.status).toBe(403);
    expect(envelopeDetails(denied)[0]).toMatch(/does not grant access/);
  });

  it('accepts the partner and app headers with or without the X- prefix, and never requires them', async () => {
    const t = await token(sb, 'acme', 's3cret');
    await sb.admin.clearRequests();
    expect((await get(sb, '/v2/persons', t, { 'X-Personio-Partner-ID': 'ACME', 'X-Personio-App-ID': 'SYNC' })).status).toBe(200);
    expect((await get(sb, '/v2/persons', t, { 'Personio-Partner-ID': 'ACME2', 'Personio-App-ID': 'SYNC2' })).status).toBe(200);
    expect((await get(sb, '/v2/persons', t)).status).toBe(200);
    const log = await sb.admin.listRequests();
    expect(log.map((r) => [r.partnerId, r.appId])).toEqual([
      ['ACME', 'SYNC'],
      ['ACME2', 'SYNC2'],
      [undefined, undefined],
    ]);
  });

  it('logs requests with client id, never secrets or tokens', async () => {
    const t = await token(sb, 'acme', 's3cret');
    await get(sb, '/v2/persons?limit=3', t);
    await tokenRequest(sb.url, { ...valid, client_secret: 'wrong-secret' });
    const log = await sb.admin.listRequests();
    expect(log.map((r) => [r.method, r.path, r.status, r.clientId])).toEqual([
      ['POST', '/v2/auth/token', 200, 'acme'],
      ['GET', '/v2/persons', 200, 'acme'],
      ['POST', '/v2/auth/token', 400, 'acme'],
    ]);
    expect(log[1]).toMatchObject({ query: { limit: '3' }, time: '2025-03-15T10:00:00.000Z' });
    const text = JSON.stringify(log);
    for (const needle of ['s3cret', 'wrong-secret', t]) expect(text).not.toContain(needle);
    await sb.admin.clearRequests();
    expect(await sb.admin.listRequests()).toEqual([]);
  });
});
