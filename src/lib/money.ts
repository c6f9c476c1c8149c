/**
 * Money is an integer count of minor units plus its ISO 4217 currency. Never a float.
 * Conversions go through decimal strings so no binary floating point ever touches an amount.
 */
import currencyCodes from 'currency-codes';
import { AppError } from './errors.js';

/**
 * ISO 4217 minor-unit exponents from the maintained `currency-codes` table (every active code, e.g. IDR 2, JPY 0,
 * KWD 3, CLF 4), not from Intl, whose display data gives IDR 0 decimals while the standard (and every stored
 * amount here) uses 2. Codes that ISO lists with no minor unit ("N.A.": gold, silver, SDR, testing, "no currency")
 * are left out: they are not money the hub can hold.
 */
const NO_MINOR_UNIT = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);
export const CURRENCY_EXPONENT: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(currencyCodes.data.filter((c) => !NO_MINOR_UNIT.has(c.code)).map((c) => [c.code, c.digits])),
);

export interface Money {
  amountMinor: number;
  currency: string;
}

export function currencyExponent(currency: string): number {
  const exp = CURRENCY_EXPONENT[currency.toUpperCase()];
  if (exp === undefined) throw new AppError('VALIDATION_FAILED', `unsupported currency ${currency}`, { details: { issues: [{ field: 'currency', reason: 'unsupported currency' }] } });
  return exp;
}

export function isSupportedCurrency(currency: string): boolean {
  return CURRENCY_EXPONENT[currency.toUpperCase()] !== undefined;
}

/**
 * Parses a plain decimal string ("72100000.00", "-15.5", "100") into minor units.
 * Rejects more fraction digits than the currency allows rather than rounding silently.
 */
export function decimalToMinor(value: string | number, currency: string): number {
  const exp = currencyExponent(currency);
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, whole, fractionRaw = ''] = match;
  const fraction = fractionRaw.replace(/0+$/, '');
  if (fraction.length > exp) throw new RangeError(`${text} has more than ${exp} decimals for ${currency}`);
  const digits = whole + fraction.padEnd(exp, '0');
  // Up to 15 digits is always below 2^53: the number is exact without BigInt (a bank statement reads two amounts a
  // row, so this is the common path). Longer ones go the checked way.
  if (digits.length <= 15) {
    const n = Number(digits);
    return sign === '-' && n !== 0 ? -n : n;
  }
  const minor = BigInt(digits);
  const signed = sign === '-' ? -minor : minor;
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError(`${text} is too large`);
  return Number(signed);
}

/** Minor units → plain decimal string with exactly the currency's decimals ("7210000000" IDR → "72100000.00"). */
export function minorToDecimal(amountMinor: number, currency: string): string {
  assertMinor(amountMinor);
  const exp = currencyExponent(currency);
  const negative = amountMinor < 0;
  const digits = Math.abs(amountMinor).toString().padStart(exp + 1, '0');
  const whole = exp === 0 ? digits : digits.slice(0, -exp);
  const fraction = exp === 0 ? '' : `.${digits.slice(-exp)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Whole major units for providers that take integers only (Midtrans/Xendit IDR). Throws if there is a fraction. */
export function minorToWholeMajor(amountMinor: number, currency: string): number {
  const exp = currencyExponent(currency);
  const factor = 10 ** exp;
  if (amountMinor % factor !== 0) throw new RangeError(`${minorToDecimal(amountMinor, currency)} ${currency} is not a whole amount`);
  return amountMinor / factor;
}

export function wholeMajorToMinor(amount: number, currency: string): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`${amount} is not a whole amount`);
  return amount * 10 ** currencyExponent(currency);
}

/** Display in Indonesian style: Rp72.100.000,00 / US$1,234.50 is not attempted; other currencies get an ISO prefix. */
export function formatMoney(money: Money): string {
  const [whole, fraction] = minorToDecimal(Math.abs(money.amountMinor), money.currency).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const sign = money.amountMinor < 0 ? '-' : '';
  const prefix = money.currency === 'IDR' ? 'Rp' : `${money.currency} `;
  return `${sign}${prefix}${grouped}${fraction ? `,${fraction}` : ''}`;
}

export function assertMinor(amountMinor: number): void {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`amountMinor must be a safe integer, got ${amountMinor}`);
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite amount: ${n}`);
  // toString gives exponent notation for tiny/huge values; those are never valid amounts here anyway.
  const s = n.toString();
  if (/e/i.test(s)) throw new RangeError(`amount out of range: ${s}`);
  return s;
}
