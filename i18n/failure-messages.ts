// What a customer is told about a sync that failed as a whole: a fixed sentence per failure type, in their language.
// The raw failure text (host names, key ids, Personio's own detail) stays in the logs and the Temporal history.
import { FailureType, personioFailureType } from '../contracts/failures.js';
import type { Locale } from './locale.js';

export interface FailureForCustomer {
  type?: string;
  missingScope?: string;
}

type Key = 'periodClosed' | 'cancelled' | 'noCredentials' | 'undecryptable' | 'connectionBroken' | 'noEntries' | 'companyMissing' | 'workflowEnded' | 'permission' | 'credentials' | 'unreachable' | 'refused' | 'other';

const MESSAGES: Record<Locale, Record<Key, string>> = {
  en: {
    periodClosed: 'The period’s payroll had closed (its cut-off day had passed): the scheduled run exported nothing. Start it from the platform, allowing a late export, if it is still wanted.',
    cancelled: 'The sync was cancelled.',
    noCredentials: 'No Personio credentials are stored for this company.',
    undecryptable: 'The stored Personio credentials cannot be decrypted with the configured keys: enter them again or configure CREDENTIALS_PREVIOUS_KEYS.',
    connectionBroken: 'The Personio connection is broken: nothing was read or written. Fix it in Personio and test the connection.',
    noEntries: 'There are no entries for this period.',
    companyMissing: 'The company does not exist.',
    workflowEnded: 'The sync was stopped before it could record its outcome: what it posted is in Personio, the rest is not. Retry it.',
    permission: 'Personio refused the request: the API credential lacks a permission.',
    credentials: 'Personio rejected the API credentials.',
    unreachable: 'Personio could not be reached for long enough. Retry the sync later.',
    refused: 'Personio refused a request of the sync.',
    other: 'The sync failed because of an internal error. Retry it; if it fails again, contact support with the sync id.',
  },
  de: {
    periodClosed: 'Die Lohnabrechnung des Zeitraums war schon abgeschlossen (Stichtag überschritten): Der geplante Lauf hat nichts exportiert. Bei Bedarf in der Plattform mit erlaubtem verspätetem Export starten.',
    cancelled: 'Der Export wurde abgebrochen.',
    noCredentials: 'Für dieses Unternehmen sind keine Personio-Zugangsdaten hinterlegt.',
    undecryptable: 'Die gespeicherten Personio-Zugangsdaten lassen sich mit den konfigurierten Schlüsseln nicht entschlüsseln: bitte erneut eingeben oder CREDENTIALS_PREVIOUS_KEYS konfigurieren.',
    connectionBroken: 'Die Personio-Verbindung ist unterbrochen: Es wurde nichts gelesen oder geschrieben. Bitte in Personio beheben und die Verbindung testen.',
    noEntries: 'Für diesen Zeitraum gibt es keine Einträge.',
    companyMissing: 'Das Unternehmen existiert nicht.',
    workflowEnded: 'Der Export wurde angehalten, bevor er sein Ergebnis festhalten konnte: Was er übertragen hat, ist in Personio, der Rest nicht. Bitte erneut starten.',
    permission: 'Personio hat die Anfrage abgelehnt: Dem API-Zugang fehlt ein Recht.',
    credentials: 'Personio hat die API-Zugangsdaten abgelehnt.',
    unreachable: 'Personio war zu lange nicht erreichbar. Bitte den Export später erneut starten.',
    refused: 'Personio hat eine Anfrage des Exports abgelehnt.',
    other: 'Der Export ist wegen eines internen Fehlers fehlgeschlagen. Bitte erneut starten; schlägt er wieder fehl, den Support mit der Sync-ID kontaktieren.',
  },
};

const UNREACHABLE = new Set(['network', 'timeout', 'unavailable', 'rate_limited', 'inconsistent_listing'].map(personioFailureType));

function keyOf(failure: FailureForCustomer): Key {
  switch (failure.type) {
    case FailureType.SyncCancelled:
      return 'cancelled';
    case FailureType.PayrollPeriodClosed:
      return 'periodClosed';
    case FailureType.NoPersonioCredentials:
      return 'noCredentials';
    case FailureType.CredentialsUndecryptable:
      return 'undecryptable';
    case FailureType.PersonioConnectionBroken:
      return 'connectionBroken';
    case FailureType.NoEntries:
      return 'noEntries';
    case FailureType.CompanyNotFound:
      return 'companyMissing';
    case FailureType.SyncWorkflowEnded:
      return 'workflowEnded';
    case personioFailureType('permission_missing'):
      return 'permission';
    case personioFailureType('credentials_rejected'):
      return 'credentials';
    default:
      if (failure.type && UNREACHABLE.has(failure.type)) return 'unreachable';
      if (failure.type?.startsWith('Personio.')) return 'refused';
      return 'other';
  }
}

/** The customer's sentence for a failure, by its type only (never its raw message). */
export function customerFailureMessage(failure: FailureForCustomer, locale: Locale): string {
  const key = keyOf(failure);
  const text = MESSAGES[locale][key];
  return key === 'permission' && failure.missingScope ? `${text} (${failure.missingScope})` : text;
}
