// The client tolerates the plausible Personio answers our sandbox does not give (the [decision] points of
// personio-api.md): a tiny real HTTP server plays that other Personio. No mocked fetch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPersonioClientFactory, PersonioError } from '../../personio/index.js';
import { captureLogger } from './support.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let baseUrl: string;
let routes: Record<string, Handler>;
let seen: { method: string; url: string; auth?: string }[];

const SECRET = 'alt-secret-value';
const TOKEN = 'papi-alt-token-value';

function json(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      seen.push({ method: req.method ?? '', url: req.url ?? '', ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
      const handler = routes[`${req.method} ${path}`];
      if (handler) handler(req, body, res);
      else json(res, 404, { trace_id: 'nf', errors: [{ title: 'Not Found', details: 'no such route' }] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen = [];
  routes = {
    'POST /v2/auth/token': (_req, body, res) => {
      const form = new URLSearchParams(body);
      if (form.get('client_secret') !== SECRET) {
        return json(res, 400, { error: 'unauthorized_client', error_description: `bad client ${form.get('client_id')}`, trace_id: 'tr-oauth' });
      }
      // no `scope` field, no expires_in: the client must cope
      json(res, 200, { access_token: TOKEN, token_type: 'Bearer' });
    },
  };
});

function client() {
  const { logger, lines } = captureLogger();
  const make = createPersonioClientFactory({ baseUrl, retry: { baseDelayMs: 1, maxDelayMs: 5, minRateLimitDelayMs: 1 }, logger });
  return { c: make({ clientId: 'alt', clientSecret: SECRET }), lines };
}

describe('alternative Personio answers', () => {
  it('treats unauthorized_client (any token 400) as rejected credentials, without echoing secrets', async () => {
    const make = createPersonioClientFactory({ baseUrl });
    const err = (await make({ clientId: 'alt', clientSecret: 'wrong-secret-xyz' }).authenticate().catch((e: unknown) => e)) as PersonioError;
    expect(err).toBeInstanceOf(PersonioError);
    expect(err).toMatchObject({ kind: 'credentials_rejected', status: 400, traceId: 'tr-oauth', detail: 'bad client alt' });
    expect(err.message).toContain('unauthorized_client');
  });

  it('accepts a token response without scope or expires_in', async () => {
    const { c } = client();
    expect(await c.authenticate()).toEqual({ grantedScopes: [] });
  });

  it('follows relative next links, tolerates numeric ids and the older error envelope', async () => {
    routes['GET /v2/persons'] = (req, _body, res) => {
      const cursor = new URL(req.url ?? '/', 'http://x').searchParams.get('cursor');
      if (!cursor) {
        return json(res, 200, {
          _data: [{ id: 1, email: 'A@X.DE' }, { email: 'no-id@x.de' }],
          _meta: { links: { next: { href: '/v2/persons?cursor=p2&email=a%40x.de%2Cb%40x.de&limit=50' } } },
        });
      }
      if (cursor === 'p2') return json(res, 200, { _data: [{ id: '2', email: 'b@x.de', status: 'UNSPECIFIED' }], _meta: { links: {} } });
      json(res, 400, { trace_id: 'tr-old', errors: [{ title: 'Bad', details: 'bad cursor' }] });
    };
    const { c, lines } = client();
    const result = await c.findPersonsByEmail(['a@x.de', 'b@x.de']);
    expect(result.matched.get('a@x.de')).toEqual({ id: '1', email: 'A@X.DE' });
    expect(result.matched.get('b@x.de')).toEqual({ id: '2', email: 'b@x.de', status: 'UNSPECIFIED' });
    expect(seen.filter((s) => s.url.startsWith('/v2/persons')).map((s) => s.url)).toEqual([
      '/v2/persons?email=a%40x.de%2Cb%40x.de&limit=50',
      '/v2/persons?cursor=p2&email=a%40x.de%2Cb%40x.de&limit=50',
    ]);
    expect(lines.some((l) => l.level === 'warn' && l.msg.includes('skipped'))).toBe(true);

    routes['GET /v2/persons'] = (_req, _body, res) => json(res, 400, { trace_id: 'tr-old', errors: [{ title: 'Bad', details: 'bad filter' }] });
    const err = (await c.listPersonsPage().catch((e: unknown) => e)) as PersonioError;
    expect(err).toMatchObject({ kind: 'validation', status: 400, traceId: 'tr-old', detail: 'bad filter' });
  });

  it('accepts 200 for a created compensation, with a nested amount', async () => {
    routes['POST /v2/compensations'] = (_req, body, res) => {
      const b = JSON.parse(body) as { value: number; comment: string };
      expect(b.value).toBe(12.34);
      json(res, 200, {
        id: 99,
        person: { id: '1' },
        type: { id: 't' },
        amount: { value: b.value, currency: 'EUR' },
        effective_from: '2025-05-31',
        comment: b.comment,
      });
    };
    const { c } = client();
    const created = await c.createCompensation({ personId: '1', typeId: 't', amountCents: 1234, currency: 'EUR', effectiveFrom: '2025-05-31', comment: 'k' });
    expect(created).toEqual({ id: '99', personId: '1', typeId: 't', amountCents: 1234, currency: 'EUR', effectiveFrom: '2025-05-31', comment: 'k' });
  });

  it('reads compensations with a flat value and without comment', async () => {
    routes['GET /v2/compensations'] = (_req, _body, res) =>
      json(res, 200, { _data: [{ id: 'c1', person: { id: '1' }, type: { id: 't' }, value: 5, currency: 'EUR', effective_from: '2025-05-01' }] });
    const { c } = client();
    expect(await c.listCompensations({ period: '2025-05', personIds: ['1'] })).toEqual([
      { id: 'c1', personId: '1', typeId: 't', amountCents: 500, currency: 'EUR', effectiveFrom: '2025-05-01' },
    ]);
  });

  it('reports a body that is not JSON or not a list as unexpected_response', async () => {
    routes['GET /v2/compensations/types'] = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>maintenance</html>');
    };
    const { c } = client();
    const err = (await c.listCompensationTypes().catch((e: unknown) => e)) as PersonioError;
    expect(err).toMatchObject({ kind: 'unexpected_response', retryable: false, status: 200 });

    routes['GET /v2/compensations/types'] = (_req, _body, res) => json(res, 200, { data: [] });
    const err2 = (await c.listCompensationTypes().catch((e: unknown) => e)) as PersonioError;
    expect(err2.kind).toBe('unexpected_response');
  });

  it('maps 404 to not_found and an unknown status to unexpected_response', async () => {
    const { c } = client();
    routes['GET /v2/compensations/types'] = (_req, _body, res) =>
      json(res, 404, { personio_trace_id: 'tr-404', errors: [{ title: 'Not Found', detail: 'gone' }] }, 'application/problem+json');
    expect(await c.listCompensationTypes().catch((e: unknown) => e)).toMatchObject({ kind: 'not_found', status: 404, traceId: 'tr-404', detail: 'gone' });
    routes['GET /v2/compensations/types'] = (_req, _body, res) => json(res, 501, {});
    expect(await c.listCompensationTypes().catch((e: unknown) => e)).toMatchObject({ kind: 'unexpected_response', status: 501 });
  });

  it('redacts the secret and the token if Personio ever echoes them', async () => {
    routes['GET /v2/persons'] = (_req, _body, res) =>
      json(res, 400, { personio_trace_id: 't', errors: [{ detail: `token ${TOKEN} and secret ${SECRET} are bad` }] });
    const { c } = client();
    const err = (await c.listPersonsPage().catch((e: unknown) => e)) as PersonioError;
    expect(err.detail).toBe('token [redacted] and secret [redacted] are bad');
    for (const text of [err.message, String(err.stack), JSON.stringify(err)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(SECRET);
    }
    expect(seen.find((s) => s.url.startsWith('/v2/persons'))?.auth).toBe(`Bearer ${TOKEN}`);
  });
});
