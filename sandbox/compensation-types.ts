/** GET and POST /v2/compensations/types. */
import type { Hono } from 'hono';
import type { SandboxEnv } from './env.js';
import { guard } from './middleware.js';
import { page, parseLimit, readListing } from './pagination.js';
import { problem, readJsonObject } from './problem.js';
import type { SandboxCompensationType, SandboxState } from './state.js';

export const CREATABLE_CATEGORIES = ['ONE_TIME', 'RECURRING'];

export function renderType(t: SandboxCompensationType): Record<string, unknown> {
  return { id: t.id, name: t.name, category: t.category };
}

export function registerCompensationTypeRoutes(app: Hono<SandboxEnv>, state: SandboxState, now: () => Date): void {
  app.get('/v2/compensations/types', guard(state, now, ['personio:compensations:read']), (c) => {
    const listing = readListing(c, state.personality);
    const limit = parseLimit(listing.served.get('limit'), { min: 1, max: 100, default: 100 });
    if (!limit.ok || listing.errors.length > 0) {
      return problem(c, 400, [...(limit.ok ? [] : [limit.detail]), ...listing.errors], now());
    }
    const items = [...state.compensationTypes.values()].sort((a, b) => a.seq - b.seq);
    return c.json(page(c, listing, items, limit.value, renderType));
  });

  app.post('/v2/compensations/types', guard(state, now, ['personio:compensations:write']), async (c) => {
    const read = await readJsonObject(c, now);
    if (!read.ok) return read.res;
    const b = read.body;
    const errors: string[] = [];
    const name = typeof b.name === 'string' ? b.name.trim() : '';
    if (!name) errors.push('name is required and must be a non-empty string.');
    else if (name.length > 255) errors.push('name must be at most 255 characters.');
    if (typeof b.category !== 'string' || !CREATABLE_CATEGORIES.includes(b.category)) {
      errors.push(`category must be one of ${CREATABLE_CATEGORIES.join(', ')}.`);
    }
    if (errors.length > 0) return problem(c, 400, errors, now());
    // Duplicate names are allowed (sandbox decision, like Personio's import that creates types by name).
    const type: SandboxCompensationType = { id: state.newTypeId(), seq: state.nextSeq(), name, category: b.category as string };
    state.compensationTypes.set(type.id, type);
    state.onMutation();
    return c.json(renderType(type), 200);
  });
}
