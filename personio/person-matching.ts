/** Matching Personio persons to the email addresses of a period's entries, on our side and case-insensitively. */
import type { FindPersonsByEmailResult, PersonioPerson } from './types.js';

/** trim + lowercase: the form emails are compared and keyed in. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Which persons carry each wanted address, whatever the case on either side. Two persons whose addresses differ
 * only in case are ambiguous: never guess which one is meant. Persons with other addresses are ignored.
 */
export function matchPersonsByEmail(wanted: readonly string[], persons: Iterable<PersonioPerson>): FindPersonsByEmailResult {
  const wantedEmails = Array.from(new Set(wanted.map(normalizeEmail).filter((e) => e !== '')));
  const wantedSet = new Set(wantedEmails);
  const byEmail = new Map<string, Map<string, PersonioPerson>>();
  for (const person of persons) {
    if (!person.email) continue;
    const email = normalizeEmail(person.email);
    if (!wantedSet.has(email)) continue;
    let found = byEmail.get(email);
    if (!found) byEmail.set(email, (found = new Map()));
    found.set(person.id, person);
  }
  const result: FindPersonsByEmailResult = { matched: new Map(), unmatched: [], ambiguous: [] };
  for (const email of wantedEmails) {
    const found = [...(byEmail.get(email)?.values() ?? [])];
    const [first] = found;
    if (!first) result.unmatched.push(email);
    else if (found.length === 1) result.matched.set(email, first);
    else result.ambiguous.push({ email, personIds: found.map((p) => p.id) });
  }
  return result;
}

/** The address with the case of every letter swapped: a probe of whether Personio's email filter ignores case. */
export function swapCase(text: string): string {
  return text.replace(/\p{L}/gu, (ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()));
}
