// The connection alert mail's model and rendering: what broke (each failing check with how to fix it in
// Personio, in the company's language), or that it works again.
import type { ConnectionTransition } from '../contracts/connection-test.js';
import { connectionMessage, type ConnectionMessageKey } from '../i18n/connection-test-messages.js';
import type { Locale } from '../i18n/locale.js';
import { CONNECTION_ALERT_MESSAGES } from './connection-alert-messages.js';
import { formatDateTime } from './format.js';
import { templates, type RenderedMail } from './render.js';

export interface ConnectionAlertInput {
  transition: ConnectionTransition;
  company: { name: string; locale: Locale; timezone?: string };
  settingsUrl: string;
}

const TONES = {
  broken: { fg: '#7f1d1d', bg: '#fef2f2', border: '#dc2626', symbol: '✕' },
  restored: { fg: '#14532d', bg: '#ecfdf3', border: '#16a34a', symbol: '✓' },
} as const;

/** Where a company's Personio settings live in the platform. */
export const personioSettingsUrl = (platformBaseUrl: string, companyId: string) => `${platformBaseUrl.replace(/\/+$/, '')}/companies/${encodeURIComponent(companyId)}/personio`;

export async function renderConnectionAlert(input: ConnectionAlertInput): Promise<RenderedMail> {
  const { transition, company } = input;
  const words = CONNECTION_ALERT_MESSAGES[company.locale];
  const when = (iso: string) => formatDateTime(new Date(iso), company.locale, company.timezone ?? 'Europe/Berlin');
  const shared = { lang: company.locale, companyName: company.name, settingsUrl: input.settingsUrl, button: words.button, linkText: words.linkText, footer: words.footer, tone: TONES[transition.kind] };
  const context =
    transition.kind === 'broken'
      ? {
          ...shared,
          subject: words.broken.subject(company.name),
          heading: words.broken.heading,
          intro: words.broken.intro({ company: company.name, at: when(transition.at) }),
          checksHeading: words.broken.checksHeading,
          checks: transition.failingChecks.map((id) => ({ message: connectionMessage(company.locale, `${id}.failed` as ConnectionMessageKey) })),
          whatToDo: words.broken.whatToDo,
          once: words.broken.once,
        }
      : {
          ...shared,
          subject: words.restored.subject(company.name),
          heading: words.restored.heading,
          intro: words.restored.intro({ company: company.name, at: when(transition.at), since: transition.brokenSince ? when(transition.brokenSince) : null }),
          checksHeading: '',
          checks: [],
          whatToDo: '',
          once: '',
        };
  const { html, text } = await templates('connection-alert');
  return { subject: context.subject, html: html(context), text: text(context) };
}
