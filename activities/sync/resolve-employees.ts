// Finds every employee of the period's entries in Personio by email, in batches, resumable.
import { Context } from '@temporalio/activity';
import { savePersonMatches, syncWorkCollections, type SyncPersonMatchDoc } from '../../db/sync-work.js';
import { iterateEntries } from '../../db/entry-sets.js';
import { matchPersonsByEmail, type FindPersonsByEmailResult } from '../../personio/index.js';
import type { ActivityDeps } from '../deps.js';
import { personioClientFor } from '../personio-access.js';
import { forEachLimited, loadRun, requireEntrySet } from './sync-context.js';

/** Emails per step (the client splits them into requests of ≤ 50); each step's matches are saved at once. */
const EMAILS_PER_STEP = 200;
/** Steps looked up at once; the per-credential rate limiter paces the requests. */
const STEPS_IN_FLIGHT = 4;

export interface ResolveEmployeesResult {
  employees: number;
  matched: number;
  unmatched: number;
  ambiguous: number;
  inactive: number;
}

const displayName = (p: { firstName?: string; lastName?: string }) => [p.firstName, p.lastName].filter(Boolean).join(' ') || undefined;

export function createResolveEmployeesActivity(deps: ActivityDeps) {
  return {
    resolveEmployees: (input: { syncId: string }): Promise<ResolveEmployeesResult> => resolveEmployees(input),
  };

  async function resolveEmployees(input: { syncId: string }): Promise<ResolveEmployeesResult> {
    const run = await loadRun(deps.db, input.syncId);
    const setId = requireEntrySet(run);
    const { personMatches } = syncWorkCollections(deps.db);
    const emails = new Set<string>();
    for await (const entry of iterateEntries(deps.db, setId, run.entryChunkCount ?? 0)) emails.add(entry.employeeEmail);

    // Resume: emails resolved by an earlier attempt are not asked again.
    const done = new Set((await personMatches.find({ syncId: input.syncId }, { projection: { email: 1 } }).toArray()).map((m) => m.email));
    const remaining = [...emails].filter((email) => !done.has(email)).sort();
    const client = await personioClientFor(deps, run.companyId, 'sync');
    let resolved = done.size;
    /** Saves what Personio said about a batch of addresses (write-once: a retried attempt keeps the first answer). */
    const save = async (batch: string[], found: FindPersonsByEmailResult) => {
      const docs: SyncPersonMatchDoc[] = [];
      for (const email of batch) {
        const base = { _id: `${input.syncId}:${email}`, syncId: input.syncId, email };
        const ambiguous = found.ambiguous.find((a) => a.email === email);
        const person = found.matched.get(email);
        if (ambiguous) docs.push({ ...base, outcome: 'ambiguous', personIds: ambiguous.personIds });
        else if (!person) docs.push({ ...base, outcome: 'unmatched' });
        else {
          const name = displayName(person);
          docs.push({ ...base, outcome: person.status === 'INACTIVE' ? 'inactive' : 'matched', personId: person.id, ...(name ? { name } : {}) });
        }
      }
      await savePersonMatches(deps.db, docs);
      resolved += batch.length;
      Context.current().heartbeat({ resolved, total: emails.size });
    };
    const steps = Array.from({ length: Math.ceil(remaining.length / EMAILS_PER_STEP) }, (_, k) => remaining.slice(k * EMAILS_PER_STEP, (k + 1) * EMAILS_PER_STEP));
    const filterIgnoresCase = steps.length > 0 && (await client.probeEmailFilterCase()) === 'ignores_case';
    if (filterIgnoresCase) {
      // Personio's filter finds every spelling of an address: ask for ours, 50 to a request.
      await forEachLimited(steps, STEPS_IN_FLIGHT, async (batch) => save(batch, await client.findPersonsByEmail(batch)));
    } else if (steps.length > 0) {
      // A filter that matches case exactly (or one that could not be probed) misses `Anna.Schmidt@…` asked as
      // `anna.schmidt@…`, and the second spelling of an address held twice: read every person once, match here.
      deps.logger.info('email filter may match case exactly; matching against every person', { syncId: input.syncId });
      const persons = await client.listAllPersons();
      for (const batch of steps) await save(batch, matchPersonsByEmail(batch, persons));
    }

    const all = await personMatches.find({ syncId: input.syncId }, { projection: { outcome: 1 } }).toArray();
    const count = (outcome: SyncPersonMatchDoc['outcome']) => all.filter((m) => m.outcome === outcome).length;
    return { employees: emails.size, matched: count('matched'), unmatched: count('unmatched'), ambiguous: count('ambiguous'), inactive: count('inactive') };
  }
}
