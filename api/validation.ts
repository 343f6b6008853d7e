// Turns validation failures into problem+json that names every bad field and why.
import type { Context, MiddlewareHandler } from 'hono';
import type { ZodError } from 'zod';
import { problem, type FieldProblem } from './problem.js';

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, segment) => {
    if (typeof segment === 'number') return `${acc}[${segment}]`;
    return acc ? `${acc}.${String(segment)}` : String(segment);
  }, '');
}

export function zodProblems(error: ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path) || '(body)', reason: issue.message }));
}

export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target: string },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const where = result.target === 'param' ? 'path' : result.target;
  const status = result.target === 'param' && c.req.method === 'GET' ? 404 : 400;
  return problem(c, status, status === 404 ? 'Not Found' : 'Invalid request', {
    detail: `The request ${where} is invalid: ${result.error.issues.length} problem(s).`,
    errors: zodProblems(result.error),
  });
}

/** Bodies must be JSON; anything else is refused before it is read. */
export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  const method = c.req.method;
  const hasBody = c.req.header('content-length') !== undefined ? c.req.header('content-length') !== '0' : c.req.header('transfer-encoding') !== undefined;
  if ((method === 'PUT' || method === 'POST' || method === 'PATCH') && hasBody) {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return problem(c, 415, 'Unsupported Media Type', {
        detail: `Send the body as application/json (got ${type ? `"${type}"` : 'no content type'}).`,
        errors: [{ field: 'content-type', reason: 'must be application/json' }],
      });
    }
  }
  await next();
};

/**
 * For routes whose JSON body is optional: an empty body sent with `content-type: application/json` (curl -H … -X POST)
 * counts as no body, instead of failing as malformed JSON.
 */
export const emptyJsonBodyIsNoBody: MiddlewareHandler = async (c, next) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json' && (c.req.header('content-length') === '0' || (await c.req.raw.clone().text()).trim() === '')) {
    const headers = new Headers(c.req.raw.headers);
    headers.delete('content-type');
    headers.delete('content-length');
    c.req.raw = new Request(c.req.url, { method: c.req.method, headers });
  }
  await next();
};
