import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { problem } from './problem.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Bearer-token auth against a list of accepted tokens (several, so they can be rotated). */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler {
  const accepted = tokens.map(digest);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match?.[1]) {
      c.header('www-authenticate', 'Bearer');
      return problem(c, 401, 'Unauthorized', { detail: 'Send an API token as "Authorization: Bearer <token>".' });
    }
    const presented = digest(match[1].trim());
    // Compare against every token (no early exit) in constant time per comparison.
    let ok = false;
    for (const token of accepted) ok = timingSafeEqual(token, presented) || ok;
    if (!ok) {
      c.header('www-authenticate', 'Bearer error="invalid_token"');
      return problem(c, 401, 'Unauthorized', { detail: 'The API token is not valid.' });
    }
    await next();
  };
}
