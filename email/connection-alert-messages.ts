// Every word of the connection alert mails (broken, restored), in German and English.
import type { Locale } from '../i18n/locale.js';

export interface ConnectionAlertMessages {
  broken: {
    subject(company: string): string;
    heading: string;
    intro(p: { company: string; at: string }): string;
    checksHeading: string;
    whatToDo: string;
    once: string;
  };
  restored: {
    subject(company: string): string;
    heading: string;
    intro(p: { company: string; at: string; since: string | null }): string;
  };
  button: string;
  linkText: string;
  footer: string;
}

export const CONNECTION_ALERT_MESSAGES: Record<Locale, ConnectionAlertMessages> = {
  en: {
    broken: {
      subject: (company) => `Action needed: the Personio connection of ${company} stopped working`,
      heading: 'The Personio connection stopped working',
      intro: ({ company, at }) =>
        `The connection test of ${company} on ${at} failed. Until it is fixed, payroll exports of this company cannot write to Personio: a sync started meanwhile stops at once with this reason.`,
      checksHeading: 'What failed, and how to fix it in Personio',
      whatToDo: 'Fix the points above in Personio (Settings → Integrations → API credentials), then test the connection again in the platform, or wait for the next daily check.',
      once: 'This is the only warning until the connection works again; you will get one more mail then.',
    },
    restored: {
      subject: (company) => `The Personio connection of ${company} works again`,
      heading: 'The Personio connection works again',
      intro: ({ company, at, since }) =>
        `The connection test of ${company} on ${at} passed every check${since ? ` (it had failed since ${since})` : ''}. Payroll exports can write to Personio again; an export that failed meanwhile can be retried.`,
    },
    button: 'Open the Personio settings',
    linkText: 'Link',
    footer: 'Sent automatically by the Personio payroll sync after a connection test of the company’s Personio API credentials.',
  },
  de: {
    broken: {
      subject: (company) => `Handlungsbedarf: Die Personio-Verbindung von ${company} funktioniert nicht mehr`,
      heading: 'Die Personio-Verbindung funktioniert nicht mehr',
      intro: ({ company, at }) =>
        `Der Verbindungstest von ${company} am ${at} ist fehlgeschlagen. Bis das behoben ist, können Lohnexporte dieses Unternehmens nichts in Personio schreiben: Ein in der Zwischenzeit gestarteter Export bricht sofort mit diesem Grund ab.`,
      checksHeading: 'Was fehlschlägt und wie es in Personio behoben wird',
      whatToDo: 'Bitte die Punkte oben in Personio beheben (Einstellungen → Integrationen → API-Zugangsdaten) und die Verbindung danach in der Plattform erneut testen oder die nächste tägliche Prüfung abwarten.',
      once: 'Dies ist die einzige Warnung, bis die Verbindung wieder funktioniert; dann kommt noch eine E-Mail.',
    },
    restored: {
      subject: (company) => `Die Personio-Verbindung von ${company} funktioniert wieder`,
      heading: 'Die Personio-Verbindung funktioniert wieder',
      intro: ({ company, at, since }) =>
        `Der Verbindungstest von ${company} am ${at} war in allen Punkten erfolgreich${since ? ` (fehlgeschlagen seit ${since})` : ''}. Lohnexporte können wieder in Personio schreiben; ein in der Zwischenzeit fehlgeschlagener Export kann wiederholt werden.`,
    },
    button: 'Personio-Einstellungen öffnen',
    linkText: 'Link',
    footer: 'Automatisch gesendet vom Personio-Lohnexport nach einem Test der Personio-API-Zugangsdaten des Unternehmens.',
  },
};
