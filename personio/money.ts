/**
 * Money: integer cents inside the product, decimals with at most 2 places on the wire.
 * Conversions go through decimal strings, so no float drift can creep in.
 */
import { centsToDecimalString } from '../payroll/money.js';

/**
 * 1234 → 12.34 as a JSON number. Number("12.34") is the double nearest to 12.34, which JSON.stringify
 * prints back as "12.34": the value Personio reads is exactly the decimal we meant.
 */
export function centsToValue(cents: number): number {
  return Number(centsToDecimalString(cents));
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * A Personio amount (number or numeric string) → integer cents, rounded half away from zero at the
 * third decimal. Returns undefined for anything that is not a finite amount.
 */
export function valueToCents(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    // Math.round(value * 100) is exact for amounts with ≤ 2 decimals (19.99 * 100 = 1998.9999999999998 → 1999);
    // rounding the magnitude keeps negatives symmetric.
    const cents = Math.sign(value) * Math.round(Math.abs(value) * 100);
    if (!Number.isSafeInteger(cents)) return undefined;
    return cents === 0 ? 0 : cents;
  }
  if (typeof value === 'string') {
    const m = DECIMAL.exec(value.trim());
    if (!m) return undefined;
    const [, sign, units = '0', fraction = ''] = m;
    const padded = (fraction + '000').slice(0, 3);
    let cents = Number(units) * 100 + Number(padded.slice(0, 2));
    if (Number(padded[2]) >= 5) cents += 1;
    if (!Number.isSafeInteger(cents)) return undefined;
    if (cents === 0) return 0;
    return sign === '-' ? -cents : cents;
  }
  return undefined;
}
