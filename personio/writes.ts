// Writing to Personio: a ONE_TIME compensation type, and a compensation. Neither is ever replayed after an
// answer that may hide a commit (see http.ts ReplayPolicy): the caller looks in Personio before writing again.
import { markCommitUnknown, unexpectedResponse } from './errors.js';
import { centsToValue } from './money.js';
import { parseCompensation, parseCompensationType } from './schemas.js';
import type { PersonioSession } from './session.js';
import type { CreateCompensationInput, PersonioClient, PersonioCompensation } from './types.js';

export function writes(session: PersonioSession): Pick<PersonioClient, 'createCompensationType' | 'createCompensation'> {
  return {
    async createCompensationType(name) {
      const clean = name.trim().replace(/\s+/g, ' ');
      if (clean === '') throw new RangeError('compensation type name must not be empty');
      const url = session.resourceUrl('compensationTypes.create', {});
      // no-replay: a dropped answer may hide a created type; the caller lists the types before creating again.
      const res = await session.call('compensationTypes.create', 'POST', url, {
        json: { name: clean, category: 'ONE_TIME' },
        policy: 'no-replay',
      });
      const type = parseCompensationType(res.body);
      if (!type) throw markCommitUnknown(unexpectedResponse('compensationTypes.create', 'no type id', res.status));
      return type;
    },

    async createCompensation(input: CreateCompensationInput, opts = {}) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.effectiveFrom)) {
        throw new RangeError(`effectiveFrom must be YYYY-MM-DD, got ${JSON.stringify(input.effectiveFrom)}`);
      }
      const body: Record<string, unknown> = {
        person: { id: input.personId },
        type: { id: input.typeId },
        value: centsToValue(input.amountCents), // throws RangeError unless integer cents
        currency: input.currency,
        effective_from: input.effectiveFrom,
      };
      if (input.comment !== undefined) body.comment = input.comment;
      const url = session.resourceUrl('compensations.create', {});
      // no-replay: see ReplayPolicy. Only a 429 (or a 401, see session.call()) leads to a second POST.
      const res = await session.call('compensations.create', 'POST', url, { json: body, policy: 'no-replay', ...opts });
      const created = parseCompensation(res.body);
      if (created) return created;
      // Committed (2xx) but unreadable: build the result from what we sent if at least an id came back.
      const id = res.body && typeof res.body === 'object' ? (res.body as { id?: unknown }).id : undefined;
      if (typeof id === 'string' || typeof id === 'number') {
        const fallback: PersonioCompensation = {
          id: String(id),
          personId: input.personId,
          typeId: input.typeId,
          amountCents: input.amountCents,
          currency: input.currency,
          effectiveFrom: input.effectiveFrom,
        };
        if (input.comment !== undefined) fallback.comment = input.comment;
        return fallback;
      }
      throw markCommitUnknown(unexpectedResponse('compensations.create', 'no compensation id', res.status));
    },
  };
}
