// Locale formatting for the summary email: money from integer cents, payroll periods, dates.
import type { Locale } from '../i18n/locale.js';
import { centsToDecimalString } from '../payroll/money.js';

const INTL_LOCALE: Record<Locale, string> = { de: 'de-DE', en: 'en-GB' };

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * 123456 cents → `1.234,56 €` (de) or `€1,234.56` (en). Intl output keeps its no-break space between amount
 * and symbol in German, so the two never wrap apart. The exact decimal string is formatted, never a float.
 */
export function formatMoney(cents: number, currency: string, locale: Locale): string {
  const key = `${locale}:${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
    moneyFormats.set(key, format);
  }
  return format.format(centsToDecimalString(cents) as `${number}`);
}

/** '2026-10' → `Oktober 2026` (de) or `October 2026` (en). */
export function formatPeriod(period: string, locale: Locale): string {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) return period;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
}

/** A count with the locale's grouping: 12345 → `12.345` (de) or `12,345` (en). */
export function formatCount(value: number, locale: Locale): string {
  return new Intl.NumberFormat(INTL_LOCALE[locale]).format(value);
}

/** A point in time in the company's time zone, e.g. `31.10.2026, 14:05` (de). */
export function formatDateTime(at: Date, locale: Locale, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(at);
  } catch {
    return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(at);
  }
}
