/**
 * Money is an integer count of minor units plus its ISO 4217 currency. Never a float.
 * Conversions go through decimal strings so no binary floating point ever touches an amount.
 */
import { AppError } from './errors.js';

/** ISO 4217 minor-unit exponents for the currencies the hub deals in. IDR has two decimals by the standard. */
export const CURRENCY_EXPONENT: Record<string, number> = {
  IDR: 2, USD: 2, EUR: 2, SGD: 2, MYR: 2, AUD: 2, GBP: 2, CNY: 2, HKD: 2, THB: 2, PHP: 2, INR: 2, CHF: 2, CAD: 2, NZD: 2,
  SAR: 2, AED: 2, JPY: 0, KRW: 0, VND: 0, KWD: 3, BHD: 3,
};

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
  const minor = BigInt(whole + fraction.padEnd(exp, '0'));
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
