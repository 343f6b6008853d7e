/** GET and POST /v2/compensations. */
import type { Hono } from 'hono';
import { listingWindow, showsInWindow, type ListingWindow } from './compensation-window.js';
import { isValidDate } from './dates.js';
import type { SandboxEnv } from './env.js';
import { guard } from './middleware.js';
import { page, parseLimit, readListing } from './pagination.js';
import { problem, readJsonObject } from './problem.js';
import { DEFAULT_CURRENCY, type SandboxCompensation, type SandboxState } from './state.js';

export const INTERVALS = ['MONTHLY', 'QUARTERLY', 'HALF-YEARLY', 'YEARLY'];

/** A number > 0 with at most 2 decimals, written plainly (no exponent). */
export function checkValue(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'value is required and must be a number.';
  if (value <= 0) return 'value must be greater than 0.';
  if (value >= 1e12) return 'value is too large.';
  if (!/^\d+(\.\d{1,2})?$/.test(String(value))) return 'value must have at most 2 decimal places.';
  return undefined;
}

/** The read form: nested amount, type with name and category; `comment` unless the personality leaves it out. */
export function renderCompensationForRead(comp: SandboxCompensation, state: SandboxState): Record<string, unknown> {
  const type = state.compensationTypes.get(comp.typeId);
  const out: Record<string, unknown> = {
    id: comp.id,
    person: { id: comp.personId },
    type: type ? { id: type.id, name: type.name, category: type.category } : { id: comp.typeId },
    amount: { value: comp.value, currency: comp.currency },
    effective_from: comp.effectiveFrom,
  };
  if (comp.interval !== undefined) out.interval = comp.interval;
  if (state.personality.listComments) out.comment = comp.comment ?? null;
  if (comp.legalEntityId !== undefined) out.legal_entity = { id: comp.legalEntityId };
  return out;
}

/** The create answer: flat value/currency as posted, `type` holds only its id. */
function renderCreated(comp: SandboxCompensation): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: comp.id,
    person: { id: comp.personId },
    type: { id: comp.typeId },
    value: comp.value,
    currency: comp.currency,
    effective_from: comp.effectiveFrom,
  };
  if (comp.interval !== undefined) out.interval = comp.interval;
  out.comment = comp.comment ?? null;
  return out;
}

/** The first `max` characters (code points) of a comment longer than that; null = no limit. */
function cutComment(comment: string, max: number | null): string {
  if (max === null) return comment;
  const chars = Array.from(comment);
  return chars.length > max ? chars.slice(0, max).join('') : comment;
}

function idOf(ref: unknown): string | undefined {
  if (!ref || typeof ref !== 'object') return undefined;
  const id = (ref as { id?: unknown }).id;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return undefined;
}

export function registerCompensationRoutes(app: Hono<SandboxEnv>, state: SandboxState, now: () => Date): void {
  app.get('/v2/compensations', guard(state, now, ['personio:compensations:read']), (c) => {
    const listing = readListing(c, state.personality);
    const q = listing.served;
    const errors: string[] = [];
    const limit = parseLimit(q.get('limit'), { min: 1, max: 100, default: 100 });
    if (!limit.ok) errors.push(limit.detail);
    errors.push(...listing.errors);
    const rawStart = q.get('start_date');
    const rawEnd = q.get('end_date');
    if (rawStart !== null && !isValidDate(rawStart)) errors.push('start_date must be a date (YYYY-MM-DD).');
    if (rawEnd !== null && !isValidDate(rawEnd)) errors.push('end_date must be a date (YYYY-MM-DD).');
    if (errors.length > 0 || !limit.ok) return problem(c, 400, errors, now());

    // ignore_filters: no window at all, not even the default month.
    let window: ListingWindow | undefined;
    if (!listing.filtersIgnored) {
      const parsed = listingWindow(rawStart, rawEnd, now());
      if (!parsed.ok) return problem(c, 400, parsed.detail, now());
      window = parsed.value;
    }
    const personIds = q.get('person.id')?.split(',').map((s) => s.trim()).filter(Boolean);
    const legalEntityIds = q.get('legal_entity.id')?.split(',').map((s) => s.trim()).filter(Boolean);
    const keepsApplying = (comp: SandboxCompensation) =>
      state.personality.recurringInLaterMonths && state.compensationTypes.get(comp.typeId)?.category === 'RECURRING';
    const items = [...state.compensations.values()]
      .filter(
        (comp) =>
          comp.value !== 0 &&
          (!window || showsInWindow(window, comp.effectiveFrom, keepsApplying(comp))) &&
          (!personIds || personIds.includes(comp.personId)) &&
          (!legalEntityIds || (comp.legalEntityId !== undefined && legalEntityIds.includes(comp.legalEntityId))),
      )
      .sort((a, b) => a.seq - b.seq);
    return c.json(page(c, listing, items, limit.value, (comp) => renderCompensationForRead(comp, state)));
  });

  app.post(
    '/v2/compensations',
    guard(state, now, ['personio:compensations:read', 'personio:compensations:write']),
    async (c) => {
      const read = await readJsonObject(c, now);
      if (!read.ok) return read.res;
      const b = read.body;
      const errors: string[] = [];
      const personId = idOf(b.person);
      if (!personId) errors.push('person.id is required.');
      else if (!state.persons.has(personId)) errors.push(`person.id ${personId} does not exist.`);
      const typeId = idOf(b.type);
      const type = typeId ? state.compensationTypes.get(typeId) : undefined;
      if (!typeId) errors.push('type.id is required.');
      else if (!type) errors.push(`type.id ${typeId} does not exist.`);
      const valueError = checkValue(b.value);
      if (valueError) errors.push(valueError);
      if (b.currency !== undefined && (typeof b.currency !== 'string' || !/^[A-Z]{3}$/.test(b.currency))) {
        errors.push('currency must be an ISO 4217 code such as EUR.');
      }
      if (!isValidDate(b.effective_from)) errors.push('effective_from is required and must be a date (YYYY-MM-DD).');
      if (b.interval !== undefined && (typeof b.interval !== 'string' || !INTERVALS.includes(b.interval))) {
        errors.push(`interval must be one of ${INTERVALS.join(', ')}.`);
      }
      if (b.comment !== undefined && b.comment !== null && typeof b.comment !== 'string') errors.push('comment must be a string.');
      if (errors.length > 0 || !personId || !typeId || !type) return problem(c, 400, errors, now());
      if (state.personality.writeForbiddenTypeIds.includes(typeId)) {
        return problem(c, 403, 'The API credential is not allowed to create compensations of this compensation type.', now());
      }

      const comp: SandboxCompensation = {
        id: state.newCompensationId(),
        seq: state.nextSeq(),
        personId,
        typeId,
        value: b.value as number,
        currency: typeof b.currency === 'string' ? b.currency : DEFAULT_CURRENCY,
        effectiveFrom: b.effective_from as string,
        createdAt: now().toISOString(),
      };
      // interval only applies to RECURRING types (ignored for ONE_TIME).
      if (type.category === 'RECURRING') comp.interval = typeof b.interval === 'string' ? b.interval : 'MONTHLY';
      if (typeof b.comment === 'string') comp.comment = cutComment(b.comment, state.personality.commentMaxLength);
      const clientId = c.get('clientId');
      if (clientId !== undefined) comp.clientId = clientId;
      state.compensations.set(comp.id, comp);
      state.onMutation();
      return c.json(renderCreated(comp), 201);
    },
  );
}
