/**
 * The ISO 4217 currency table (from `currency-codes`, not Intl: Intl.NumberFormat shows IDR with 0 decimals, while
 * the standard — and the ledger — give it 2) and conversion of minor units between any two currencies.
 *
 * A conversion multiplies exact decimals and rounds once, to the target currency's minor unit, half away from zero.
 */
import cc from 'currency-codes';
import { CURRENCY_EXPONENT } from '../../../lib/money.js';
import { InvalidAmountError, UnknownCurrencyError } from '../errors.js';
import { div, mul, parseDecimal, ratio, roundHalfAwayFromZero, type Ratio } from '../decimal.js';

export interface CurrencyInfo {
  code: string;
  name: string;
  /** Minor-unit exponent: IDR 2, JPY 0, KWD 3. */
  digits: number;
}

// One table of minor units for the whole hub (src/lib/money.ts, from currency-codes); names from the same package.
const TABLE: ReadonlyMap<string, CurrencyInfo> = new Map(
  Object.entries(CURRENCY_EXPONENT).map(([code, digits]) => [code, { code, name: cc.code(code)?.currency ?? code, digits }]),
);

export function isKnownCurrency(code: string): boolean {
  return TABLE.has(code.trim().toUpperCase());
}

/** The currency for a code in any case; an unknown code is a typed error naming it (and the field it came from). */
export function currencyInfo(code: string, field = 'currency'): CurrencyInfo {
  const info = TABLE.get(code.trim().toUpperCase());
  if (!info) throw new UnknownCurrencyError(code, field);
  return info;
}

export function allCurrencies(): CurrencyInfo[] {
  return [...TABLE.values()];
}

/** Minor units → exact major amount ("150000.00 IDR" is 15000000 minor → 150000). */
export function minorToRatio(amountMinor: bigint | number, currency: string): Ratio {
  const { digits } = currencyInfo(currency);
  return ratio(BigInt(amountMinor), 10n ** BigInt(digits));
}

/** A decimal amount in major units ("100", "12.5") → minor units, refusing more decimals than the currency has. */
export function parseMajorToMinor(amount: string, currency: string, field = 'amount'): bigint {
  const info = currencyInfo(currency);
  const text = amount.trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new InvalidAmountError(field, `${JSON.stringify(amount)} is not a decimal amount`);
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  if (fraction.length > info.digits) {
    throw new InvalidAmountError(field, `${text} has more than ${info.digits} decimal${info.digits === 1 ? '' : 's'} for ${info.code}`);
  }
  const minor = BigInt(match[2] + fraction.padEnd(info.digits, '0'));
  return match[1] ? -minor : minor;
}

/** Minor units → plain decimal string with exactly the currency's decimals (7210000000 IDR → "72100000.00"). */
export function formatMinor(amountMinor: bigint | number, currency: string): string {
  const { digits } = currencyInfo(currency);
  const value = BigInt(amountMinor);
  const negative = value < 0n;
  const text = (negative ? -value : value).toString().padStart(digits + 1, '0');
  const whole = digits === 0 ? text : text.slice(0, -digits);
  return `${negative ? '-' : ''}${whole}${digits === 0 ? '' : `.${text.slice(-digits)}`}`;
}

/**
 * Converts minor units of `from` into minor units of `to` at `rate` (units of `to` per one unit of `from`, as an
 * exact decimal): amount × rate, rescaled from one exponent to the other, rounded once.
 */
export function convertMinor(amountMinor: bigint | number, from: string, to: string, rate: Ratio | string): bigint {
  const fromInfo = currencyInfo(from, 'from');
  const toInfo = currencyInfo(to, 'to');
  const r = typeof rate === 'string' ? parseDecimal(rate) : rate;
  const major = ratio(BigInt(amountMinor), 10n ** BigInt(fromInfo.digits));
  const target = mul(mul(major, r), ratio(10n ** BigInt(toInfo.digits)));
  return roundHalfAwayFromZero(target);
}

/**
 * The rate from → to when both are quoted against one base (`table[X]` = units of X per one unit of the base;
 * the base itself is 1): table[to] / table[from], exact.
 */
export function crossRate(table: Readonly<Record<string, string>>, base: string, from: string, to: string): Ratio {
  const quote = (code: string): Ratio => {
    if (code === base) return ratio(1n);
    const value = table[code];
    if (value === undefined) throw new UnknownCurrencyError(code, code === from ? 'from' : 'to', `${code} is not quoted against ${base}`);
    return parseDecimal(value);
  };
  return div(quote(to), quote(from));
}
