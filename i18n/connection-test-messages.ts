// What the admin reads after a connection test: one line per requirement, saying what to fix in Personio.
import type { ConnectionCheckId } from '../contracts/connection-test.js';
import type { Locale } from './locale.js';

export type ConnectionMessageKey =
  | 'credentials.passed'
  | 'credentials.failed'
  | 'credentials.unreachable'
  | 'credentials.missing'
  | 'credentials.undecryptable'
  | 'persons_readable.passed'
  | 'persons_readable.failed'
  | 'email_readable.passed'
  | 'email_readable.failed'
  | 'email_readable.no_persons'
  | 'compensation_types_readable.passed'
  | 'compensation_types_readable.failed'
  | 'compensations_writable.passed'
  | 'compensations_writable.failed'
  | 'not_checked.credentials'
  | 'not_checked.persons'
  | 'error.unexpected';

const messages: Record<Locale, Record<ConnectionMessageKey, string>> = {
  en: {
    'credentials.passed': 'Personio accepted the client ID and secret.',
    'credentials.failed': 'Personio rejected the client ID or secret. Check the API credentials in Personio (Settings → Integrations → API credentials) and enter them again.',
    'credentials.unreachable': 'Personio unreachable: no answer from the Personio API. Try again in a few minutes; if it persists, check Personio’s status page.',
    'credentials.missing': 'No Personio credentials are stored for this company yet. Enter the client ID and secret first.',
    'credentials.undecryptable': 'The stored credentials cannot be decrypted with the configured keys: enter them again or configure CREDENTIALS_PREVIOUS_KEYS.',
    'persons_readable.passed': 'Employees are readable.',
    'persons_readable.failed': 'Employees are not readable. Grant the API credential the "Read employees" permission (personio:persons:read).',
    'email_readable.passed': 'The Email attribute is readable, so employees can be matched by email.',
    'email_readable.failed': 'Employees come back without email addresses. Add "Email" to the readable employee attributes of the API credential.',
    'email_readable.no_persons': 'No employee was returned, so the Email attribute could not be verified. Add employees in Personio, then test again.',
    'compensation_types_readable.passed': 'Compensation types are readable.',
    'compensation_types_readable.failed': 'Compensation types are not readable. Grant the API credential the "Read compensations" permission (personio:compensations:read).',
    'compensations_writable.passed':
      'The credential has the scopes to create compensations. Judged from the scopes only (a test write would create a real payment): Personio may still refuse writes for a compensation type or a legal entity closed to this credential.',
    'compensations_writable.failed': 'Compensations cannot be created. Grant the API credential both "Read compensations" and "Write compensations" (personio:compensations:read and personio:compensations:write).',
    'not_checked.credentials': 'Not checked: the credentials were not accepted.',
    'not_checked.persons': 'Not checked: employees are not readable.',
    'error.unexpected': 'Personio answered unexpectedly. Try again; if it persists, contact support with the trace id.',
  },
  de: {
    'credentials.passed': 'Personio hat Client-ID und Secret akzeptiert.',
    'credentials.failed': 'Personio hat Client-ID oder Secret abgelehnt. Bitte die API-Zugangsdaten in Personio prüfen (Einstellungen → Integrationen → API-Zugangsdaten) und erneut eingeben.',
    'credentials.unreachable': 'Personio nicht erreichbar: Die Personio-API antwortet nicht. Bitte in einigen Minuten erneut versuchen; falls es anhält, die Statusseite von Personio prüfen.',
    'credentials.missing': 'Für dieses Unternehmen sind noch keine Personio-Zugangsdaten hinterlegt. Bitte zuerst Client-ID und Secret eingeben.',
    'credentials.undecryptable': 'Die gespeicherten Zugangsdaten lassen sich mit den konfigurierten Schlüsseln nicht entschlüsseln: bitte erneut eingeben oder CREDENTIALS_PREVIOUS_KEYS konfigurieren.',
    'persons_readable.passed': 'Mitarbeiterdaten sind lesbar.',
    'persons_readable.failed': 'Mitarbeiterdaten sind nicht lesbar. Bitte dem API-Zugang das Recht „Mitarbeiter lesen“ (personio:persons:read) geben.',
    'email_readable.passed': 'Das Attribut E-Mail ist lesbar; Mitarbeiter können per E-Mail zugeordnet werden.',
    'email_readable.failed': 'Mitarbeiter werden ohne E-Mail-Adresse geliefert. Bitte „E-Mail“ zu den lesbaren Mitarbeiterattributen des API-Zugangs hinzufügen.',
    'email_readable.no_persons': 'Es wurde kein Mitarbeiter geliefert, daher konnte das Attribut E-Mail nicht geprüft werden. Bitte Mitarbeiter in Personio anlegen und erneut testen.',
    'compensation_types_readable.passed': 'Vergütungsarten sind lesbar.',
    'compensation_types_readable.failed': 'Vergütungsarten sind nicht lesbar. Bitte dem API-Zugang das Recht „Vergütungen lesen“ (personio:compensations:read) geben.',
    'compensations_writable.passed':
      'Der API-Zugang hat die Rechte zum Anlegen von Vergütungen. Geprüft wurden nur die Rechte (ein Testeintrag wäre eine echte Zahlung): Personio kann das Anlegen für einzelne Vergütungsarten oder Gesellschaften trotzdem ablehnen, wenn sie für diesen Zugang gesperrt sind.',
    'compensations_writable.failed': 'Vergütungen können nicht angelegt werden. Bitte dem API-Zugang die Rechte „Vergütungen lesen“ und „Vergütungen schreiben“ geben (personio:compensations:read und personio:compensations:write).',
    'not_checked.credentials': 'Nicht geprüft: Die Zugangsdaten wurden nicht akzeptiert.',
    'not_checked.persons': 'Nicht geprüft: Mitarbeiterdaten sind nicht lesbar.',
    'error.unexpected': 'Personio hat unerwartet geantwortet. Bitte erneut versuchen; falls es anhält, den Support mit der Trace-ID kontaktieren.',
  },
};

export const CHECK_ORDER: readonly ConnectionCheckId[] = [
  'credentials',
  'persons_readable',
  'email_readable',
  'compensation_types_readable',
  'compensations_writable',
];

export function connectionMessage(locale: Locale, key: ConnectionMessageKey): string {
  return messages[locale][key];
}
