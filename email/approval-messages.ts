// Every word of the approval mails (four eyes: a payroll export waits for a second person), in German and English.
// The request and the reminder are one mail; the reminder differs in its subject, heading and one line.
import type { Locale } from '../i18n/locale.js';
import type { Starter } from './messages.js';

export interface ApprovalMessages {
  subject(p: { period: string; company: string; reminder: boolean }): string;
  heading(p: { period: string; reminder: boolean }): string;
  /** Who started it and when; that nothing is written before a second person approves it. */
  intro(p: { period: string; company: string; starter: Starter; startedAt: string | null }): string;
  /** The reminder's extra line: waiting since the preview was computed. */
  waitingSince(at: string): string;
  /** A preview computed again after entries or mappings changed. */
  newPreview: string;
  /** The sync runs after its period's payroll cut-off. */
  lateExport: string;
  deadlineTitle(expiresAt: string): string;
  deadlineDetail: string;
  fourEyes(starter: Starter): string;
  previewHeading: string;
  previewIntro: string;
  counts: {
    wouldCreate: string;
    wouldCorrect: string;
    alreadyPresent: string;
    notTransferable: string;
    needsManualCorrection: string;
    employees: string;
  };
  totalsHeading: string;
  totalsBenefit: string;
  totalsEntries: string;
  /** The plain-text part's `(12 entries)`. */
  entries(formatted: string, n: number): string;
  totalsAmount: string;
  totalsOverall: string;
  noTotals: string;
  button: string;
  linkText: string;
  footer(p: { company: string; syncId: string }): string;
}

const en: ApprovalMessages = {
  subject: ({ period, company, reminder }) => `${reminder ? 'Reminder: ' : ''}Payroll export ${period} of ${company} is ready for approval`,
  heading: ({ period, reminder }) => (reminder ? `Reminder: payroll export ${period} still awaits approval` : `Payroll export ${period} awaits approval`),
  intro: ({ period, company, starter, startedAt }) => {
    const on = startedAt ? ` on ${startedAt}` : '';
    const who = starter.kind === 'person' ? `${starter.name} started` : starter.kind === 'schedule' ? 'The payroll schedule started' : 'Someone started';
    return `${who} the payroll export ${period} of ${company}${on}. ${company} works on the four-eyes principle: nothing has been written to Personio yet, and nothing will be until a second person checks the preview below and approves it.`;
  },
  waitingSince: (at) => `It has been waiting for approval since ${at}.`,
  newPreview: 'This is a new preview: entries or benefit mappings changed after the previous one, which can no longer be approved.',
  lateExport: "Late export: this month's payroll has already closed (past its cut-off day). Check that these amounts can still be taken into account.",
  deadlineTitle: (expiresAt) => `Approve by ${expiresAt}`,
  deadlineDetail: 'If nobody approves it by then, the export expires and nothing is written to Personio; it can then be started again.',
  fourEyes: (starter) =>
    starter.kind === 'person'
      ? `Four eyes: the approval must come from someone other than ${starter.name}, who started the export.`
      : starter.kind === 'schedule'
        ? 'Four eyes: the payroll schedule started this export, so it must be approved by a person.'
        : 'Four eyes: the approval must come from someone other than the person who started the export.',
  previewHeading: 'Preview',
  previewIntro:
    'After approval exactly this is written to Personio. If entries or benefit mappings change before then, the approval is refused and a new preview is computed and sent.',
  counts: {
    wouldCreate: 'Would be created',
    wouldCorrect: 'Would be corrected',
    alreadyPresent: 'Already in Personio',
    notTransferable: 'Not transferable',
    needsManualCorrection: 'Manual correction needed',
    employees: 'Employees',
  },
  totalsHeading: 'Totals of the entries',
  totalsBenefit: 'Benefit',
  totalsEntries: 'Entries',
  entries: (formatted, n) => `${formatted} ${n === 1 ? 'entry' : 'entries'}`,
  totalsAmount: 'Amount',
  totalsOverall: 'Total',
  noTotals: 'No entries in this period.',
  button: 'Review and approve in the export log',
  linkText: 'Export log',
  footer: ({ company, syncId }) => `Sent automatically by the Personio payroll sync because ${company} requires a second person to approve each payroll export. Sync ID: ${syncId}`,
};

const de: ApprovalMessages = {
  subject: ({ period, company, reminder }) => `${reminder ? 'Erinnerung: ' : ''}Lohnexport ${period} von ${company} wartet auf Freigabe`,
  heading: ({ period, reminder }) => (reminder ? `Erinnerung: Lohnexport ${period} wartet noch auf Freigabe` : `Lohnexport ${period} wartet auf Freigabe`),
  intro: ({ period, company, starter, startedAt }) => {
    const on = startedAt ? ` am ${startedAt}` : '';
    const who = starter.kind === 'person' ? `${starter.name} hat` : starter.kind === 'schedule' ? 'Der Zeitplan hat' : 'Jemand hat';
    return `${who} den Lohnexport ${period} von ${company}${on} gestartet. ${company} arbeitet nach dem Vier-Augen-Prinzip: In Personio wurde noch nichts geschrieben, und es wird nichts geschrieben, bis eine zweite Person die Vorschau unten prüft und freigibt.`;
  },
  waitingSince: (at) => `Er wartet seit ${at} auf Freigabe.`,
  newPreview: 'Dies ist eine neue Vorschau: Einträge oder Benefit-Zuordnungen haben sich nach der vorigen geändert, die deshalb nicht mehr freigegeben werden kann.',
  lateExport: 'Später Export: Die Lohnabrechnung dieses Monats ist bereits abgeschlossen (Stichtag überschritten). Bitte prüfen Sie, ob die Beträge noch berücksichtigt werden können.',
  deadlineTitle: (expiresAt) => `Freigabe bis ${expiresAt}`,
  deadlineDetail: 'Gibt bis dahin niemand den Export frei, verfällt er, und in Personio wird nichts geschrieben; danach kann er neu gestartet werden.',
  fourEyes: (starter) =>
    starter.kind === 'person'
      ? `Vier Augen: Freigeben muss eine andere Person als ${starter.name}, die den Export gestartet hat.`
      : starter.kind === 'schedule'
        ? 'Vier Augen: Der Zeitplan hat diesen Export gestartet, freigeben muss ihn eine Person.'
        : 'Vier Augen: Freigeben muss eine andere Person als die, die den Export gestartet hat.',
  previewHeading: 'Vorschau',
  previewIntro:
    'Nach der Freigabe wird genau dies in Personio geschrieben. Ändern sich Einträge oder Benefit-Zuordnungen vorher, wird die Freigabe abgelehnt und eine neue Vorschau berechnet und verschickt.',
  counts: {
    wouldCreate: 'Würden angelegt',
    wouldCorrect: 'Würden korrigiert',
    alreadyPresent: 'Bereits in Personio vorhanden',
    notTransferable: 'Nicht übertragbar',
    needsManualCorrection: 'Manuelle Korrektur nötig',
    employees: 'Mitarbeitende',
  },
  totalsHeading: 'Summen der Einträge',
  totalsBenefit: 'Leistung',
  totalsEntries: 'Einträge',
  entries: (formatted, n) => `${formatted} ${n === 1 ? 'Eintrag' : 'Einträge'}`,
  totalsAmount: 'Betrag',
  totalsOverall: 'Gesamt',
  noTotals: 'Keine Einträge in diesem Zeitraum.',
  button: 'Im Exportprotokoll prüfen und freigeben',
  linkText: 'Exportprotokoll',
  footer: ({ company, syncId }) => `Automatisch gesendet vom Personio-Lohnexport, weil bei ${company} jeder Lohnexport von einer zweiten Person freigegeben werden muss. Sync-ID: ${syncId}`,
};

export const APPROVAL_MESSAGES: Record<Locale, ApprovalMessages> = { de, en };
