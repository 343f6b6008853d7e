// The webhook POST against real HTTP servers on 127.0.0.1 (in-process, free ports).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { postWebhook, type WebhookPost } from '../../activities/webhook-http.js';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

interface Seen {
  headers: IncomingHttpHeaders;
  body: string;
}

async function server(answer: (res: import('node:http').ServerResponse) => void): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const s = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      answer(res);
    });
  });
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { port: (s.address() as AddressInfo).port, seen };
}

const post = (url: string, extra: Partial<WebhookPost> = {}): Promise<Awaited<ReturnType<typeof postWebhook>>> =>
  postWebhook({ url, body: '{"type":"payroll_sync.completed"}', headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' }, timeoutMs: 2_000, allowPrivateTargets: true, ...extra });

describe('postWebhook', () => {
  it('POSTs the body and headers and answers the status', async () => {
    const target = await server((res) => res.writeHead(204).end());
    const result = await post(`http://127.0.0.1:${target.port}/hooks`);
    expect(result).toMatchObject({ kind: 'answered', statusCode: 204 });
    expect(target.seen).toEqual([{ headers: expect.objectContaining({ 'content-type': 'application/json', 'webhook-id': 'msg_1', 'content-length': '33' }), body: '{"type":"payroll_sync.completed"}' }]);
  });

  it('refuses a private target without connecting when private targets are not allowed', async () => {
    const target = await server((res) => res.writeHead(200).end());
    const result = await post(`http://127.0.0.1:${target.port}/hooks`, { allowPrivateTargets: false });
    expect(result).toMatchObject({ kind: 'refused', reason: '127.0.0.1 is a private-network address (loopback)' });
    expect(target.seen).toHaveLength(0);
  });

  it('connects to the addresses it judged, not to a second DNS answer', async () => {
    const target = await server((res) => res.writeHead(200).end());
    let lookups = 0;
    const resolver = async () => {
      lookups++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const result = await post(`http://hooks.example.test:${target.port}/hooks`, { resolver });
    expect(result).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(lookups).toBe(1);
    expect(target.seen[0]?.headers.host).toBe(`hooks.example.test:${target.port}`);
    // The same name, judged private, is refused when private targets are not allowed.
    expect(await post(`http://hooks.example.test:${target.port}/hooks`, { resolver, allowPrivateTargets: false })).toMatchObject({
      kind: 'refused',
      reason: 'hooks.example.test resolves to 127.0.0.1, a private-network address (loopback)',
    });
    expect(target.seen).toHaveLength(1);
  });

  it('follows no redirect', async () => {
    const elsewhere = await server((res) => res.writeHead(200).end());
    const redirecting = await server((res) => res.writeHead(307, { location: `http://127.0.0.1:${elsewhere.port}/` }).end());
    expect(await post(`http://127.0.0.1:${redirecting.port}/hooks`)).toMatchObject({ kind: 'answered', statusCode: 307 });
    expect(elsewhere.seen).toHaveLength(0);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const silent = await server(() => undefined);
    const started = Date.now();
    const result = await post(`http://127.0.0.1:${silent.port}/hooks`, { timeoutMs: 300 });
    expect(result).toMatchObject({ kind: 'failed', error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('names a refused connection', async () => {
    const closed = await server((res) => res.end());
    const { port } = closed;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    expect(await post(`http://127.0.0.1:${port}/hooks`)).toMatchObject({ kind: 'failed', error: 'ECONNREFUSED' });
  });
});
