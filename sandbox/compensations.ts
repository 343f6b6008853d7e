/** GET and POST /v2/compensations. */
import type { Hono } from 'hono';
import { addDays, addMonths, currentMonth, isValidDate } from './dates.js';
import type { SandboxEnv } from './env.js';
import { guard } from './middleware.js';
import { decodeCursor, page, parseLimit } from './pagination.js';
import { problem } from './problem.js';
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

/** The read form: nested amount, type with name and category. */
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
  out.comment = comp.comment ?? null;
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

function idOf(ref: unknown): string | undefined {
  if (!ref || typeof ref !== 'object') return undefined;
  const id = (ref as { id?: unknown }).id;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return undefined;
}

export function registerCompensationRoutes(app: Hono<SandboxEnv>, state: SandboxState, now: () => Date): void {
  app.get('/v2/compensations', guard(state, now, ['personio:compensations:read']), (c) => {
    const q = new URL(c.req.url).searchParams;
    const errors: string[] = [];
    const limit = parseLimit(q.get('limit'), { min: 1, max: 100, default: 100 });
    if (!limit.ok) errors.push(limit.detail);
    const cursor = decodeCursor(q.get('cursor'));
    if (!cursor.ok) errors.push(cursor.detail);

    const rawStart = q.get('start_date');
    const rawEnd = q.get('end_date');
    if (rawStart !== null && !isValidDate(rawStart)) errors.push('start_date must be a date (YYYY-MM-DD).');
    if (rawEnd !== null && !isValidDate(rawEnd)) errors.push('end_date must be a date (YYYY-MM-DD).');
    if (errors.length > 0 || !limit.ok || !cursor.ok) return problem(c, 400, errors, now());

    let start: string;
    let end: string;
    if (rawStart === null && rawEnd === null) ({ start, end } = currentMonth(now()));
    else if (rawStart !== null && rawEnd !== null) [start, end] = [rawStart, rawEnd];
    else if (rawStart !== null) [start, end] = [rawStart, addDays(addMonths(rawStart, 1), -1)];
    else [start, end] = [addDays(addMonths(rawEnd as string, -1), 1), rawEnd as string];
    if (end < start) return problem(c, 400, 'end_date must not be before start_date.', now());
    // The window may span at most one month: end_date must come before the same day of the next month.
    if (end >= addMonths(start, 1)) {
      return problem(c, 400, 'The period between start_date and end_date must not exceed one month.', now());
    }

    const personIds = q.get('person.id')?.split(',').map((s) => s.trim()).filter(Boolean);
    const legalEntityIds = q.get('legal_entity.id')?.split(',').map((s) => s.trim()).filter(Boolean);
    const items = [...state.compensations.values()]
      .filter(
        (comp) =>
          comp.value !== 0 &&
          comp.effectiveFrom >= start &&
          comp.effectiveFrom <= end &&
          (!personIds || personIds.includes(comp.personId)) &&
          (!legalEntityIds || (comp.legalEntityId !== undefined && legalEntityIds.includes(comp.legalEntityId))),
      )
      .sort((a, b) => a.seq - b.seq);
    return c.json(page(c, items, limit.value, cursor.value, (comp) => renderCompensationForRead(comp, state)));
  });

  app.post(
    '/v2/compensations',
    guard(state, now, ['personio:compensations:read', 'personio:compensations:write']),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return problem(c, 400, 'The request body must be valid JSON.', now());
      }
      const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
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
      if (typeof b.comment === 'string') comp.comment = b.comment;
      const clientId = c.get('clientId');
      if (clientId !== undefined) comp.clientId = clientId;
      state.compensations.set(comp.id, comp);
      state.onMutation();
      return c.json(renderCreated(comp), 201);
    },
  );
}
