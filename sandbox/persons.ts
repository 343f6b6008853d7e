/** GET /v2/persons: cursor pagination, filters, and the readable-attributes whitelist. */
import type { Hono } from 'hono';
import type { SandboxEnv } from './env.js';
import { guard } from './middleware.js';
import { page, parseLimit, readListing } from './pagination.js';
import type { SandboxPersonality } from './personality.js';
import { problem } from './problem.js';
import { WHITELISTED_ATTRIBUTES, type SandboxPerson, type SandboxState } from './state.js';

/** A person as Personio returns it: whitelisted attributes the credential may not read are omitted. */
export function renderPerson(p: SandboxPerson, readable: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: p.id };
  for (const attr of WHITELISTED_ATTRIBUTES) {
    const value = p[attr];
    if (value !== undefined && readable.includes(attr)) out[attr] = value;
  }
  out.status = p.status;
  out.created_at = p.created_at;
  out.updated_at = p.updated_at;
  out.custom_attributes = [];
  out.employments = [];
  return out;
}

function list(raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

/** The form both sides of the email filter are compared in (the filter's values are trimmed already). */
function emailNormalizer(mode: SandboxPersonality['emailFilter']): (email: string) => string {
  return mode === 'case_insensitive' ? (email) => email.toLowerCase() : (email) => email;
}

export function registerPersonRoutes(app: Hono<SandboxEnv>, state: SandboxState, now: () => Date): void {
  app.get('/v2/persons', guard(state, now, ['personio:persons:read']), (c) => {
    const listing = readListing(c, state.personality);
    const q = listing.served;
    const errors: string[] = [];
    const limit = parseLimit(q.get('limit'), { min: 1, max: 50, default: 10 });
    if (!limit.ok) errors.push(limit.detail);
    errors.push(...listing.errors);
    const status = q.get('status');
    if (status !== null && status !== 'ACTIVE' && status !== 'INACTIVE') errors.push('status must be ACTIVE or INACTIVE.');
    const timeFilters: { field: 'created_at' | 'updated_at'; op: 'gt' | 'lt'; at: number }[] = [];
    for (const field of ['created_at', 'updated_at'] as const) {
      for (const op of ['gt', 'lt'] as const) {
        const raw = q.get(`${field}.${op}`);
        if (raw === null) continue;
        const at = Date.parse(raw);
        if (Number.isNaN(at)) errors.push(`${field}.${op} must be an ISO 8601 date-time.`);
        else timeFilters.push({ field, op, at });
      }
    }
    if (errors.length > 0 || !limit.ok) return problem(c, 400, errors, now());

    const readable = state.credentials.get(c.get('clientId') ?? '')?.readableAttributes ?? [];
    const normalizeEmail = emailNormalizer(state.personality.emailFilter);
    const emails = list(q.get('email'))?.map(normalizeEmail);
    const ids = list(q.get('id'));
    const firstName = q.get('first_name')?.toLowerCase();
    const lastName = q.get('last_name')?.toLowerCase();

    const matches = (p: SandboxPerson): boolean => {
      // Without the Email attribute the email filter matches nothing (sandbox decision, see personio-api.md).
      if (emails && (!readable.includes('email') || !p.email || !emails.includes(normalizeEmail(p.email)))) return false;
      if (ids && !ids.includes(p.id)) return false;
      if (status !== null && p.status !== status) return false;
      if (firstName !== undefined && (!readable.includes('first_name') || p.first_name?.toLowerCase() !== firstName)) return false;
      if (lastName !== undefined && (!readable.includes('last_name') || p.last_name?.toLowerCase() !== lastName)) return false;
      for (const f of timeFilters) {
        const t = Date.parse(p[f.field]);
        if (f.op === 'gt' ? !(t > f.at) : !(t < f.at)) return false;
      }
      return true;
    };
    const items = [...state.persons.values()].filter(matches).sort((a, b) => a.seq - b.seq);
    return c.json(page(c, listing, items, limit.value, (p) => renderPerson(p, readable)));
  });
}
