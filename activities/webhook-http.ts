// One webhook POST: the target is resolved and judged first, then the request goes to exactly the addresses
// that were judged (a DNS answer that changes between the check and the connection cannot slip a private
// address in). No redirect is followed; one deadline covers the lookup and the whole exchange.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { privateTargetReason, resolveTarget, type ResolvedTarget, type Resolver } from '../security/webhook-targets.js';

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivateTargets: boolean;
  resolver?: Resolver;
}

export type WebhookPostResult =
  | { kind: 'answered'; statusCode: number; durationMs: number }
  | { kind: 'failed'; error: string; durationMs: number }
  | { kind: 'refused'; reason: string; durationMs: number };

/** How much of a receiver's answer is read before the connection is dropped: only the status counts. */
const MAX_ANSWER_BYTES = 64 * 1024;

function pinnedLookup(target: ResolvedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    const addresses = target.addresses.map((a) => ({ address: a.address, family: a.family }));
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 4);
    if (options.all) return callback(null, addresses);
    return callback(null, first.address, first.family);
  };
}

function send(url: URL, target: ResolvedTarget, post: WebhookPost, signal: AbortSignal): Promise<number> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
        lookup: pinnedLookup(target),
        signal,
        agent: false,
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        response.on('close', () => resolve(response.statusCode ?? 0));
        response.on('error', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(post.body);
  });
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return `no answer within ${timeoutMs} ms`;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

export async function postWebhook(post: WebhookPost): Promise<WebhookPostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(post.url);
  let target: ResolvedTarget;
  try {
    target = await resolveTarget(url, { timeoutMs: post.timeoutMs, ...(post.resolver ? { resolver: post.resolver } : {}) });
  } catch (error) {
    return { kind: 'failed', error: describeError(error, post.timeoutMs), durationMs: elapsed() };
  }
  const refusal = post.allowPrivateTargets ? undefined : privateTargetReason(target);
  if (refusal) return { kind: 'refused', reason: refusal, durationMs: elapsed() };
  const remaining = Math.max(1, post.timeoutMs - elapsed());
  try {
    const statusCode = await send(url, target, post, AbortSignal.timeout(remaining));
    return { kind: 'answered', statusCode, durationMs: elapsed() };
  } catch (error) {
    return { kind: 'failed', error: describeError(error, post.timeoutMs), durationMs: elapsed() };
  }
}
