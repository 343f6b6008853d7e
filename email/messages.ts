// Every word of the summary email, in German (the default) and English.
import type { Locale } from '../i18n/locale.js';

/** `rejected` / `expired`: a sync that required approval and never got it (nothing was written). */
export type Outcome = 'succeeded' | 'partially_failed' | 'failed' | 'rejected' | 'expired';

/** What an outcome's words may name: problems left, who decided on an approval, the approval deadline. */
export interface OutcomeParams {
  problems: number;
  decidedBy?: string;
  expiresAt?: string;
}

/** Who started a sync, as the mails name it: a person (the platform's actor id or email), the schedule, or unknown. */
export type Starter = { kind: 'person'; name: string } | { kind: 'schedule' } | { kind: 'unknown' };

export type ProblemKind =
  | 'permission'
  | 'write_refused'
  | 'failed'
  | 'manual_correction'
  | 'unmatched'
  | 'ambiguous'
  | 'inactive'
  | 'type_missing'
  | 'type_not_allowed'
  | 'not_pushed';

export const PROBLEM_ORDER: readonly ProblemKind[] = [
  'permission',
  'write_refused',
  'failed',
  'manual_correction',
  'unmatched',
  'ambiguous',
  'inactive',
  'type_missing',
  'type_not_allowed',
  'not_pushed',
];

export interface SummaryMessages {
  subject(p: { period: string; company: string; outcome: Outcome }): string;
  heading(period: string): string;
  finishedAt(at: string): string;
  /** Shown when the sync ran after its period's payroll cut-off. */
  lateExport: string;
  /** Shown as `title: detail` (the title in bold in HTML). */
  outcome: Record<Outcome, { title(p: OutcomeParams): string; detail(p: OutcomeParams): string }>;
  /** The comment given with a rejection. */
  decisionComment(comment: string): string;
  /** Under the heading of an approved sync: who approved it and when, and who started it. */
  approvedBy(p: { by: string; at: string; startedBy: Starter }): string;
  /** Under the heading of a rejected or expired sync: who started it. */
  startedBy(startedBy: Starter): string;
  /** The size of a problem group: `3 Einträge`. */
  entries(formatted: string, n: number): string;
  transferredBeforeFailure: string;
  countsHeading: string;
  counts: {
    employees: string;
    compensationsCreated: string;
    alreadyPresent: string;
    corrections: string;
    needsManualCorrection: string;
    failed: string;
    employeesUnmatched: string;
    employeesInactive: string;
    entriesPending: string;
  };
  totalsHeading: string;
  totalsBenefit: string;
  totalsAmount: string;
  totalsTransferred: string;
  totalsOverall: string;
  noTotals: string;
  failureHeading: string;
  failureHint: { permission(scope: string | undefined): string; credentials: string; connectionBroken: string; noCredentials: string; noEntries: string; other: string };
  problemsHeading: string;
  problemsIntro: string;
  problem: Record<ProblemKind, { title: string; action(p: { scope?: string }): string }>;
  manualCorrectionDetail(p: { held: string; due: string }): string;
  moreProblems(n: number): string;
  createdTypesHeading: string;
  createdTypesIntro: string;
  /** Under a created type whose benefit name is taken in Personio by a type of another category. */
  createdTypeRenamed(p: { benefitName: string; categories: string }): string;
  logButton: string;
  logLinkText: string;
  footer(syncId: string): string;
}

const SCOPE_LABELS: Record<Locale, Record<string, string>> = {
  de: {
    'personio:persons:read': 'Mitarbeiter lesen',
    'personio:compensations:read': 'Vergütungen lesen',
    'personio:compensations:write': 'Vergütungen schreiben',
  },
  en: {
    'personio:persons:read': 'Read employees',
    'personio:compensations:read': 'Read compensations',
    'personio:compensations:write': 'Write compensations',
  },
};

const right = (locale: Locale, scope: string | undefined) => {
  if (!scope) return undefined;
  const label = SCOPE_LABELS[locale][scope];
  return locale === 'de' ? (label ? `„${label}“ (${scope})` : scope) : label ? `“${label}” (${scope})` : scope;
};

const startedByDe = (s: Exclude<Starter, { kind: 'unknown' }>) => (s.kind === 'schedule' ? 'vom Zeitplan gestartet' : `gestartet von ${s.name}`);
const startedByEn = (s: Exclude<Starter, { kind: 'unknown' }>) => (s.kind === 'schedule' ? 'started by the payroll schedule' : `started by ${s.name}`);

const de: SummaryMessages = {
  subject: ({ period, company, outcome }) =>
    `Lohnexport ${period} – ${company}: ${{ succeeded: 'alles übertragen', partially_failed: 'mit Problemen übertragen', failed: 'fehlgeschlagen', rejected: 'abgelehnt', expired: 'nicht rechtzeitig freigegeben' }[outcome]}`,
  heading: (period) => `Lohnexport ${period}`,
  finishedAt: (at) => `Abgeschlossen am ${at}`,
  lateExport: 'Später Export: Die Lohnabrechnung dieses Monats war bereits abgeschlossen (Stichtag überschritten). Bitte prüfen Sie, ob die Beträge noch berücksichtigt werden.',
  outcome: {
    succeeded: { title: () => 'Alles übertragen', detail: () => 'Alle Beträge sind in Personio.' },
    partially_failed: {
      title: () => 'Mit Problemen übertragen',
      detail: ({ problems }) =>
        `${problems === 1 ? '1 Eintrag wurde' : `${problems} Einträge wurden`} nicht übertragen oder ${problems === 1 ? 'braucht' : 'brauchen'} eine Korrektur.`,
    },
    failed: { title: () => 'Fehlgeschlagen', detail: () => 'Der Export wurde nicht abgeschlossen.' },
    rejected: {
      title: ({ decidedBy }) => (decidedBy ? `Abgelehnt von ${decidedBy}` : 'Abgelehnt'),
      detail: () => 'Es wurde nichts in Personio geschrieben.',
    },
    expired: {
      title: () => 'Nicht rechtzeitig freigegeben',
      detail: ({ expiresAt }) =>
        `Es wurde nichts in Personio geschrieben. Niemand hat den Export ${expiresAt ? `bis ${expiresAt} ` : ''}freigegeben; ein neuer Start berechnet eine neue Vorschau zur Freigabe.`,
    },
  },
  decisionComment: (comment) => `Kommentar: „${comment}“`,
  approvedBy: ({ by, at, startedBy }) => `Freigegeben von ${by} am ${at}${startedBy.kind === 'unknown' ? '' : ` (${startedByDe(startedBy)})`}`,
  startedBy: (s) => (s.kind === 'person' ? `Gestartet von ${s.name}` : s.kind === 'schedule' ? 'Vom Zeitplan gestartet' : ''),
  entries: (formatted, n) => `${formatted} ${n === 1 ? 'Eintrag' : 'Einträge'}`,
  transferredBeforeFailure: 'Bereits übertragene Beträge bleiben in Personio; ein erneuter Export überträgt nur, was noch fehlt – nichts wird doppelt ausgezahlt.',
  countsHeading: 'Zahlen',
  counts: {
    employees: 'Mitarbeitende',
    compensationsCreated: 'Vergütungen angelegt',
    alreadyPresent: 'Bereits in Personio vorhanden',
    corrections: 'Korrekturen angelegt',
    needsManualCorrection: 'Manuelle Korrektur nötig',
    failed: 'Fehlgeschlagen',
    employeesUnmatched: 'Nicht zugeordnete Mitarbeitende',
    employeesInactive: 'Inaktive Mitarbeitende',
    entriesPending: 'Noch nicht übertragene Einträge',
  },
  totalsHeading: 'Summen',
  totalsBenefit: 'Leistung',
  totalsAmount: 'Betrag',
  totalsTransferred: 'Übertragen',
  totalsOverall: 'Gesamt',
  noTotals: 'Keine Einträge in diesem Zeitraum.',
  failureHeading: 'Warum der Export fehlgeschlagen ist',
  failureHint: {
    permission: (scope) =>
      `Dem API-Zugang fehlt ein Recht. Bitte in Personio (Einstellungen → Integrationen → API-Zugangsdaten) das Recht ${right('de', scope) ?? 'für diesen Zugriff'} erteilen und den Export danach erneut starten.`,
    credentials: 'Personio hat die Zugangsdaten abgelehnt. Bitte die API-Zugangsdaten in Personio prüfen, auf der Plattform neu eingeben und den Export erneut starten.',
    connectionBroken:
      'Die Personio-Verbindung ist unterbrochen (siehe oben), daher wurde nichts gelesen oder geschrieben. Bitte die genannten Punkte in Personio beheben, die Verbindung auf der Plattform testen und den Export danach erneut starten.',
    noCredentials: 'Für dieses Unternehmen sind keine Personio-Zugangsdaten hinterlegt. Bitte Client-ID und Secret eingeben und den Export erneut starten.',
    noEntries: 'Für diesen Zeitraum gibt es keine Einträge. Bitte die Einträge hochladen und den Export erneut starten.',
    other: 'Bitte den Export im Exportprotokoll erneut starten. Bleibt der Fehler, den Support mit der Sync-ID kontaktieren.',
  },
  problemsHeading: 'Was zu tun ist',
  problemsIntro: 'Diese Einträge wurden nicht (vollständig) übertragen:',
  problem: {
    permission: {
      title: 'Recht fehlt in Personio',
      action: ({ scope }) =>
        `Bitte dem API-Zugang in Personio (Einstellungen → Integrationen → API-Zugangsdaten) das Recht ${right('de', scope) ?? 'zum Anlegen von Vergütungen'} erteilen und den Export erneut starten.`,
    },
    write_refused: {
      title: 'Schreiben in Personio nicht erlaubt',
      action: () =>
        'Personio hat das Anlegen abgelehnt, obwohl der API-Zugang das Recht „Vergütungen schreiben“ hat: Die Vergütungsart oder die Gesellschaft der Person ist für diesen Zugang vermutlich gesperrt. Bitte die Zugriffsrechte des API-Zugangs in Personio prüfen und den Export erneut starten.',
    },
    failed: {
      title: 'Von Personio abgelehnt',
      action: () => 'Bitte den angegebenen Grund prüfen, in Personio oder auf der Plattform beheben und den Export erneut starten.',
    },
    manual_correction: {
      title: 'Betrag nach dem Export gesenkt',
      action: () =>
        'Personio enthält bereits mehr als jetzt fällig ist, und Vergütungen lassen sich über die Schnittstelle nicht ändern. Bitte den Betrag in Personio von Hand korrigieren.',
    },
    unmatched: {
      title: 'In Personio nicht gefunden',
      action: () => 'Bitte die E-Mail-Adresse in Personio prüfen: Sie muss genau der Adresse auf der Plattform entsprechen. Danach den Export erneut starten.',
    },
    ambiguous: {
      title: 'E-Mail-Adresse mehrfach in Personio',
      action: () => 'Mehrere Personen in Personio haben diese Adresse. Bitte die Dubletten in Personio bereinigen und den Export erneut starten.',
    },
    inactive: {
      title: 'In Personio inaktiv',
      action: () => 'Nichts wurde übertragen. Soll der Betrag trotzdem ausgezahlt werden, die Person in Personio prüfen und den Export erneut starten.',
    },
    type_missing: {
      title: 'Vergütungsart fehlt',
      action: () => 'Die zugeordnete Vergütungsart gibt es in Personio nicht (mehr). Bitte die Leistung in den Benefit-Zuordnungen einer bestehenden Vergütungsart zuordnen und den Export erneut starten.',
    },
    type_not_allowed: {
      title: 'Vergütungsart ist keine Einmalzahlung',
      action: () =>
        'Die zugeordnete Vergütungsart ist in Personio nicht (mehr) vom Typ Einmalzahlung (ONE_TIME). Auf wiederkehrende Arten würde der Betrag jeden Monat erneut gezahlt, auf Gehaltsarten könnte er das Gehalt ändern – deshalb wurde nichts übertragen. Bitte die Leistung einer Einmalzahlungs-Art zuordnen und den Export erneut starten.',
    },
    not_pushed: {
      title: 'Nicht übertragen',
      action: () => 'Der Export endete, bevor diese Beträge übertragen wurden. Bitte den Export erneut starten; nichts wird doppelt übertragen.',
    },
  },
  manualCorrectionDetail: ({ held, due }) => `in Personio: ${held}, jetzt fällig: ${due}`,
  moreProblems: (n) => `… und ${n} ${n === 1 ? 'weiterer Eintrag' : 'weitere Einträge'}, siehe Exportprotokoll.`,
  createdTypesHeading: 'Neu angelegte Vergütungsarten',
  createdTypesIntro:
    'Dieser Export hat in Personio die folgenden Vergütungsarten angelegt. Bitte jede davon in den Lohnabrechnungs-Einstellungen von Personio einer Lohnart zuordnen – sonst fehlen die Beträge in der Lohnabrechnung.',
  createdTypeRenamed: ({ benefitName, categories }) =>
    `„${benefitName}“ ist in Personio bereits eine Vergütungsart der Kategorie ${categories}. Benefits werden nur auf Einmalzahlungen gebucht, deshalb wurde diese Art unter eigenem Namen angelegt.`,
  logButton: 'Exportprotokoll öffnen',
  logLinkText: 'Exportprotokoll',
  footer: (syncId) => `Diese E-Mail wurde nach dem Lohnexport automatisch versendet. Sync-ID: ${syncId}`,
};

const en: SummaryMessages = {
  subject: ({ period, company, outcome }) =>
    `Payroll export ${period} – ${company}: ${{ succeeded: 'all transferred', partially_failed: 'transferred with problems', failed: 'failed', rejected: 'rejected', expired: 'not approved in time' }[outcome]}`,
  heading: (period) => `Payroll export ${period}`,
  finishedAt: (at) => `Finished on ${at}`,
  lateExport: "Late export: this month's payroll had already closed (past its cut-off day). Check that these amounts are still taken into account.",
  outcome: {
    succeeded: { title: () => 'All transferred', detail: () => 'Every amount is in Personio.' },
    partially_failed: {
      title: () => 'Transferred with problems',
      detail: ({ problems }) => `${problems === 1 ? '1 entry was' : `${problems} entries were`} not transferred or ${problems === 1 ? 'needs' : 'need'} a correction.`,
    },
    failed: { title: () => 'Failed', detail: () => 'The export did not complete.' },
    rejected: {
      title: ({ decidedBy }) => (decidedBy ? `Rejected by ${decidedBy}` : 'Rejected'),
      detail: () => 'nothing was written to Personio.',
    },
    expired: {
      title: () => 'Not approved in time',
      detail: ({ expiresAt }) =>
        `nothing was written to Personio. Nobody approved the export${expiresAt ? ` by ${expiresAt}` : ''}; starting it again computes a new preview to approve.`,
    },
  },
  decisionComment: (comment) => `Comment: “${comment}”`,
  approvedBy: ({ by, at, startedBy }) => `Approved by ${by} on ${at}${startedBy.kind === 'unknown' ? '' : ` (${startedByEn(startedBy)})`}`,
  startedBy: (s) => (s.kind === 'person' ? `Started by ${s.name}` : s.kind === 'schedule' ? 'Started by the payroll schedule' : ''),
  entries: (formatted, n) => `${formatted} ${n === 1 ? 'entry' : 'entries'}`,
  transferredBeforeFailure: 'Amounts already transferred stay in Personio; running the export again transfers only what is missing – nothing is paid twice.',
  countsHeading: 'Numbers',
  counts: {
    employees: 'Employees',
    compensationsCreated: 'Compensations created',
    alreadyPresent: 'Already in Personio',
    corrections: 'Corrections created',
    needsManualCorrection: 'Manual correction needed',
    failed: 'Failed',
    employeesUnmatched: 'Employees not matched',
    employeesInactive: 'Inactive employees',
    entriesPending: 'Entries not yet transferred',
  },
  totalsHeading: 'Totals',
  totalsBenefit: 'Benefit',
  totalsAmount: 'Amount',
  totalsTransferred: 'Transferred',
  totalsOverall: 'Total',
  noTotals: 'No entries in this period.',
  failureHeading: 'Why the export failed',
  failureHint: {
    permission: (scope) =>
      `The API credential lacks a permission. In Personio (Settings → Integrations → API credentials), grant it the ${right('en', scope) ?? 'missing'} permission, then run the export again.`,
    credentials: 'Personio rejected the credentials. Check the API credentials in Personio, enter them again on the platform and run the export again.',
    connectionBroken:
      'The Personio connection is broken (see above), so nothing was read or written. Fix the points named in Personio, test the connection on the platform, then run the export again.',
    noCredentials: 'No Personio credentials are stored for this company. Enter the client ID and secret, then run the export again.',
    noEntries: 'There are no entries for this period. Upload them, then run the export again.',
    other: 'Run the export again from the export log. If the error persists, contact support with the sync ID.',
  },
  problemsHeading: 'What to do',
  problemsIntro: 'These entries were not (fully) transferred:',
  problem: {
    permission: {
      title: 'Permission missing in Personio',
      action: ({ scope }) =>
        `In Personio (Settings → Integrations → API credentials), grant the API credential the ${right('en', scope) ?? '“Write compensations”'} permission, then run the export again.`,
    },
    write_refused: {
      title: 'Writing refused by Personio',
      action: () =>
        'Personio refused the compensation although the API credential may write compensations: the compensation type or the employee’s legal entity is probably closed to this credential. Check the API credential’s access rights in Personio, then run the export again.',
    },
    failed: {
      title: 'Rejected by Personio',
      action: () => 'Check the reason given, fix it in Personio or on the platform, then run the export again.',
    },
    manual_correction: {
      title: 'Amount lowered after the export',
      action: () => 'Personio already holds more than is now due, and compensations cannot be changed through the API. Correct the amount in Personio by hand.',
    },
    unmatched: {
      title: 'Employee not found in Personio',
      action: () => 'Check the email address in Personio: it must be exactly the address used on the platform. Then run the export again.',
    },
    ambiguous: {
      title: 'Email address used twice in Personio',
      action: () => 'Several employees in Personio have this address. Remove the duplicates in Personio, then run the export again.',
    },
    inactive: {
      title: 'Employee inactive in Personio',
      action: () => 'Nothing was transferred. If the amount should still be paid, check the employee in Personio and run the export again.',
    },
    type_missing: {
      title: 'Compensation type missing',
      action: () => 'The mapped compensation type does not exist (any more) in Personio. Map the benefit to an existing compensation type in the benefit mappings, then run the export again.',
    },
    type_not_allowed: {
      title: 'Compensation type is not one-time',
      action: () =>
        'The mapped compensation type is not (any more) a one-time type (ONE_TIME) in Personio. On a recurring type the amount would be paid again every month, on a salary type it could change the salary, so nothing was transferred. Map the benefit to a one-time type, then run the export again.',
    },
    not_pushed: {
      title: 'Not transferred',
      action: () => 'The export ended before these amounts were transferred. Run the export again; nothing is transferred twice.',
    },
  },
  manualCorrectionDetail: ({ held, due }) => `in Personio: ${held}, now due: ${due}`,
  moreProblems: (n) => `… and ${n} more ${n === 1 ? 'entry' : 'entries'}, see the export log.`,
  createdTypesHeading: 'New compensation types',
  createdTypesIntro:
    'This export created the following compensation types in Personio. Map each of them to a wage type (Lohnart) in Personio’s payroll settings, or their amounts will be missing from payroll.',
  createdTypeRenamed: ({ benefitName, categories }) =>
    `“${benefitName}” is already a compensation type of category ${categories} in Personio. Benefits go to one-time types only, so this type was created under its own name.`,
  logButton: 'Open the export log',
  logLinkText: 'Export log',
  footer: (syncId) => `This email was sent automatically after the payroll export. Sync ID: ${syncId}`,
};

export const SUMMARY_MESSAGES: Record<Locale, SummaryMessages> = { de, en };
