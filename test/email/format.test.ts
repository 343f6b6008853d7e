// Locale formatting of the summary email: money from integer cents, periods.
import { describe, expect, it } from 'vitest';
import { formatCount, formatMoney, formatPeriod } from '../../email/format.js';

const plain = (text: string) => text.replace(/\u00a0|\u202f/g, ' ');

describe('formatMoney', () => {
  it('formats cents the German way: 1.234,56 € (no-break space before the symbol)', () => {
    expect(formatMoney(123456, 'EUR', 'de')).toBe('1.234,56\u00a0€');
    expect(plain(formatMoney(123456, 'EUR', 'de'))).toBe('1.234,56 €');
    expect(plain(formatMoney(0, 'EUR', 'de'))).toBe('0,00 €');
    expect(plain(formatMoney(5, 'EUR', 'de'))).toBe('0,05 €');
    expect(plain(formatMoney(100, 'EUR', 'de'))).toBe('1,00 €');
    expect(plain(formatMoney(-123456, 'EUR', 'de'))).toBe('-1.234,56 €');
  });

  it('formats cents the English way: €1,234.56', () => {
    expect(formatMoney(123456, 'EUR', 'en')).toBe('€1,234.56');
    expect(formatMoney(7, 'EUR', 'en')).toBe('€0.07');
    expect(formatMoney(-123456, 'EUR', 'en')).toBe('-€1,234.56');
  });

  it('is exact for large amounts (formats the decimal string, never a float)', () => {
    // 90,071,992,547,409.91 € is beyond what a double holds to the cent.
    expect(plain(formatMoney(9_007_199_254_740_991, 'EUR', 'de'))).toBe('90.071.992.547.409,91 €');
    expect(formatMoney(9_007_199_254_740_991, 'EUR', 'en')).toBe('€90,071,992,547,409.91');
    expect(plain(formatMoney(1_000_000_01, 'EUR', 'de'))).toBe('1.000.000,01 €');
  });

  it('uses the period currency', () => {
    expect(plain(formatMoney(123456, 'CHF', 'de'))).toBe('1.234,56 CHF');
    expect(formatMoney(123456, 'USD', 'en')).toBe('US$1,234.56');
  });
});

describe('formatPeriod and formatCount', () => {
  it('names the month in the locale', () => {
    expect(formatPeriod('2026-10', 'de')).toBe('Oktober 2026');
    expect(formatPeriod('2026-03', 'de')).toBe('März 2026');
    expect(formatPeriod('2026-10', 'en')).toBe('October 2026');
  });

  it('groups counts', () => {
    expect(formatCount(12345, 'de')).toBe('12.345');
    expect(formatCount(12345, 'en')).toBe('12,345');
  });
});
