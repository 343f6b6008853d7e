// RFC 9457 problem details: every error the API returns has this shape.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface FieldProblem {
  field: string;
  reason: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export type ProblemExtras = { type?: string; detail?: string; errors?: FieldProblem[] } & Record<string, unknown>;

export function problemBody(status: ContentfulStatusCode, title: string, extra: ProblemExtras = {}): ProblemBody {
  return { ...extra, type: extra.type ?? 'about:blank', title, status };
}

export function problem(c: Context, status: ContentfulStatusCode, title: string, extra: ProblemExtras = {}): Response {
  return c.body(JSON.stringify(problemBody(status, title, extra)), status, { 'content-type': 'application/problem+json' });
}

/** Thrown by handlers; the app's error handler renders it as problem+json. */
export class ApiProblem extends Error {
  override name = 'ApiProblem';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly extra: ProblemExtras = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(extra.detail ?? title);
  }
}
