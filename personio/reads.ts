// Reading from Personio: persons (by email, all, the email filter's case), compensation types, and a month's
// compensations. Every listing is checked (see pagination.ts) and items outside the request are dropped.
import { monthWindow, chunkOf } from './normalize.js';
import { matchPersonsByEmail, normalizeEmail, swapCase } from './person-matching.js';
import { parseCompensation, parseCompensationType, parsePerson } from './schemas.js';
import type { PersonioSession } from './session.js';
import type { PersonioClient, PersonioCompensation, PersonioPerson } from './types.js';

/** Persons per request when filtering by email or person id (Personio's persons limit is 50). */
export const BATCH_SIZE = 50;
const PERSONS_PAGE_LIMIT = 50;
const TYPES_PAGE_LIMIT = 100;
const COMPENSATIONS_PAGE_LIMIT = 100;

type PersonReads = Pick<PersonioClient, 'listPersonsPage' | 'findPersonsByEmail' | 'listAllPersons' | 'probeEmailFilterCase'>;

export function personReads(session: PersonioSession): PersonReads {
  const reads: PersonReads = {
    async listPersonsPage(opts = {}) {
      const limit = opts.limit ?? 10;
      const emails = opts.email?.map(normalizeEmail).filter(Boolean);
      const url = session.resourceUrl('persons.list', {
        limit: String(limit),
        email: emails && emails.length > 0 ? emails.join(',') : undefined,
      });
      const res = await session.call('persons.list', 'GET', url);
      const page = session.readPage('persons.list', res);
      const persons = session.parseAll('persons.list', page.items, parsePerson);
      return page.nextHref ? { persons, nextHref: page.nextHref } : { persons };
    },

    async findPersonsByEmail(emails) {
      const wanted = Array.from(new Set(emails.map(normalizeEmail).filter((e) => e !== '')));
      // A comma would split the filter list: such an address cannot be looked up (and is not a usable email).
      const searchable = wanted.filter((e) => !e.includes(','));
      const found: PersonioPerson[] = [];
      for (const batch of chunkOf(searchable, BATCH_SIZE)) {
        const batchSet = new Set(batch);
        const url = session.resourceUrl('persons.list', { email: batch.join(','), limit: String(PERSONS_PAGE_LIMIT) });
        const persons = session.parseAll('persons.list', await session.listAll('persons.list', url, PERSONS_PAGE_LIMIT), parsePerson);
        found.push(
          ...session.keepRequested('persons.list', persons, (p) => (p.email !== undefined && batchSet.has(normalizeEmail(p.email)) ? undefined : 'otherEmail')),
        );
      }
      return matchPersonsByEmail(wanted, found);
    },

    async listAllPersons() {
      const url = session.resourceUrl('persons.list', { limit: String(PERSONS_PAGE_LIMIT) });
      return session.parseAll('persons.list', await session.listAll('persons.list', url, PERSONS_PAGE_LIMIT), parsePerson);
    },

    async probeEmailFilterCase() {
      const { persons } = await reads.listPersonsPage({ limit: PERSONS_PAGE_LIMIT });
      const sample = persons.find((p) => p.email !== undefined && swapCase(p.email.trim()) !== p.email.trim());
      if (!sample?.email) return 'unknown';
      // Asked raw (not lowercased like every other lookup): the answer shows what Personio's filter does.
      const url = session.resourceUrl('persons.list', { email: swapCase(sample.email.trim()), limit: String(PERSONS_PAGE_LIMIT) });
      const page = session.readPage('persons.list', await session.call('persons.list', 'GET', url));
      const answered = session.parseAll('persons.list', page.items, parsePerson);
      const result = answered.some((p) => p.id === sample.id) ? 'ignores_case' : 'case_sensitive';
      session.logger.info('personio email filter probed', { clientId: session.state.clientId, result });
      return result;
    },

  };
  return reads;
}

export function compensationReads(session: PersonioSession): Pick<PersonioClient, 'listCompensationTypes' | 'listCompensations'> {
  return {
    async listCompensationTypes() {
      const url = session.resourceUrl('compensationTypes.list', { limit: String(TYPES_PAGE_LIMIT) });
      return session.parseAll('compensationTypes.list', await session.listAll('compensationTypes.list', url, TYPES_PAGE_LIMIT), parseCompensationType);
    },


    async listCompensations({ period, personIds }) {
      const { startDate, endDate } = monthWindow(period);
      const ids = Array.from(new Set(personIds.map((id) => id.trim()).filter(Boolean)));
      const out: PersonioCompensation[] = [];
      for (const batch of chunkOf(ids, BATCH_SIZE)) {
        const url = session.resourceUrl('compensations.list', {
          start_date: startDate,
          end_date: endDate,
          'person.id': batch.join(','),
          limit: String(COMPENSATIONS_PAGE_LIMIT),
        });
        const batchSet = new Set(batch);
        const held = session.parseAll('compensations.list', await session.listAll('compensations.list', url, COMPENSATIONS_PAGE_LIMIT), parseCompensation);
        out.push(
          ...session.keepRequested('compensations.list', held, (c) =>
            !batchSet.has(c.personId) ? 'otherPerson' : c.effectiveFrom < startDate || c.effectiveFrom > endDate ? 'outsideWindow' : undefined,
            ['outsideWindow'],
          ),
        );
      }
      return out;
    },

  };
}
