/** The opaque cursor of Personio's listings: base64url JSON, never read by clients. */
/** A parsed query parameter: its value, or why it is invalid. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; detail: string };

export interface CursorContent {
  /** The position (seq) after which the next page starts. */
  after: number;
  /** Under the cursor_only personality: the request's query (limit and filters, no cursor) the later pages are served with. */
  q?: string;
}

export function encodeCursor(content: CursorContent): string {
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

/** Absent or empty → undefined. A cursor without `q` (the 'full' personality's) decodes as well. */
export function decodeCursor(raw: string | null): Parsed<CursorContent | undefined> {
  if (raw === null || raw === '') return { ok: true, value: undefined };
  try {
    const decoded = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (decoded && typeof decoded === 'object') {
      const { after, q } = decoded as { after?: unknown; q?: unknown };
      if (typeof after === 'number' && Number.isInteger(after)) {
        if (q === undefined) return { ok: true, value: { after } };
        if (typeof q === 'string') return { ok: true, value: { after, q } };
      }
    }
  } catch {
    // fall through
  }
  return { ok: false, detail: 'The cursor is invalid.' };
}
