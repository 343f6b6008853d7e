// Which Personio compensation types a monthly benefit may be posted to, and how a type is found by name.
// Personio repeats a RECURRING compensation every month from its effective date, and a POST on a salary type can
// change the salary: a benefit amount goes to a ONE_TIME type, and to nothing else.
import type { Locale } from '../i18n/locale.js';
import type { PersonioCompensationType } from '../personio/index.js';

export const BENEFIT_CATEGORY = 'ONE_TIME';

/** Why a type cannot take benefit amounts, or undefined when it can. */
export function unsuitableReason(type: Pick<PersonioCompensationType, 'category'>): string | undefined {
  if (type.category === BENEFIT_CATEGORY) return undefined;
  if (type.category === undefined) return 'Personio did not say the category of this type; only ONE_TIME types take benefit amounts.';
  if (type.category === 'RECURRING') return 'RECURRING: Personio would pay the amount again every month.';
  return `${type.category}: a salary-like type; a benefit amount posted there could change the salary.`;
}

export interface TypesNamed<T> {
  /** The ONE_TIME type of that name (the first one Personio lists). */
  oneTime?: T;
  /** Types of that name in another category: never used for a benefit, reported. */
  otherCategories: T[];
}

/** The types named `name` (case, surrounding and repeated spaces ignored), split by whether they can take benefits. */
export function typesNamed<T extends PersonioCompensationType>(types: readonly T[], name: string): TypesNamed<T> {
  const wanted = normalizeTypeName(name);
  const named = types.filter((t) => normalizeTypeName(t.name) === wanted);
  const oneTime = named.find((t) => unsuitableReason(t) === undefined);
  return { ...(oneTime ? { oneTime } : {}), otherCategories: named.filter((t) => unsuitableReason(t) !== undefined) };
}

/** Case-insensitive, trimmed, inner whitespace collapsed: the form type names are compared in. */
export function normalizeTypeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

const ONE_TIME_SUFFIX: Record<Locale, string> = { de: 'Einmalzahlung', en: 'one-time' };

/**
 * The name under which a benefit's ONE_TIME type is looked up or created: the benefit's own name unless a type of
 * another category holds it, then `<name> (Einmalzahlung)`, `<name> (Einmalzahlung 2)`, … — the first one no type
 * of another category holds. Deterministic, so a retried creation finds the type it made.
 */
export function oneTimeTypeName(types: readonly PersonioCompensationType[], benefitName: string, locale: Locale): string {
  if (typesNamed(types, benefitName).otherCategories.length === 0) return benefitName;
  for (let n = 1; ; n++) {
    const candidate = `${benefitName} (${ONE_TIME_SUFFIX[locale]}${n > 1 ? ` ${n}` : ''})`;
    if (typesNamed(types, candidate).otherCategories.length === 0) return candidate;
  }
}
