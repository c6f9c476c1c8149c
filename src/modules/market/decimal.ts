/**
 * Exact decimal arithmetic for rates and amounts: a value is a fraction of two BigInts, built from decimal
 * strings, and rounded once, at the very end, to the minor unit of the target currency. Binary floats never touch
 * an amount; a rate that arrived as a JSON number is turned into its shortest decimal string first.
 */

export interface Ratio {
  num: bigint;
  /** Always positive. */
  den: bigint;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

export function isDecimalString(text: string): boolean {
  return DECIMAL.test(text.trim());
}

/** "16250.5" → 162505/10. Exponent notation ("1e-7") is expanded so tiny rates (IDR→KWD) stay exact. */
export function parseDecimal(value: string | number): Ratio {
  const text = typeof value === 'number' ? numberToDecimalString(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`not a decimal number: ${JSON.stringify(value)}`);
  const [, sign, whole, fraction = ''] = match;
  const num = BigInt(whole + fraction) * (sign === '-' ? -1n : 1n);
  return { num, den: 10n ** BigInt(fraction.length) };
}

/** The decimal digits a JSON number was written with (shortest round-trip form), without exponent notation. */
export function numberToDecimalString(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const s = String(n);
  const exp = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/i.exec(s);
  if (!exp) return s;
  const [, sign, int, frac = '', powText] = exp;
  const pow = Number(powText);
  const digits = int + frac;
  const point = int.length + pow;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

export function mul(a: Ratio, b: Ratio): Ratio {
  return normalise({ num: a.num * b.num, den: a.den * b.den });
}

export function div(a: Ratio, b: Ratio): Ratio {
  if (b.num === 0n) throw new RangeError('division by zero');
  return normalise({ num: a.num * b.den, den: a.den * b.num });
}

export function ratio(num: bigint, den: bigint = 1n): Ratio {
  return normalise({ num, den });
}

function normalise(r: Ratio): Ratio {
  let { num, den } = r;
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num < 0n ? -num : num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/**
 * Rounds to an integer, half away from zero (what a bank's conversion receipt does: 0.5 sen is one sen, −0.5 is
 * minus one). Exact: no intermediate rounding.
 */
export function roundHalfAwayFromZero(r: Ratio): bigint {
  const negative = r.num < 0n;
  const abs = negative ? -r.num : r.num;
  const q = abs / r.den;
  const rem = abs % r.den;
  const rounded = rem * 2n >= r.den ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** Decimal string with at most `maxFractionDigits`, trailing zeros dropped: how a rate is shown ("16250.5"). */
export function toDecimalString(r: Ratio, maxFractionDigits = 10): string {
  const scale = 10n ** BigInt(maxFractionDigits);
  const scaled = roundHalfAwayFromZero({ num: r.num * scale, den: r.den });
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(maxFractionDigits + 1, '0');
  const whole = digits.slice(0, digits.length - maxFractionDigits);
  const fraction = digits.slice(digits.length - maxFractionDigits).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/**
 * A rate shown with enough significant digits to be useful for any pair: 1 IDR in KWD is 0.0000189…, 1 KWD in IDR
 * is 52897.1…. Eight significant digits after the leading zeros, never fewer than two decimals of precision.
 */
export function toSignificantString(r: Ratio, significant = 8): string {
  if (r.num === 0n) return '0';
  const abs = { num: r.num < 0n ? -r.num : r.num, den: r.den };
  const integerDigits = (abs.num / abs.den).toString().length;
  let leadingZeros = 0;
  if (abs.num < abs.den) {
    let probe = abs.num * 10n;
    while (probe < abs.den) {
      probe *= 10n;
      leadingZeros++;
    }
  }
  const fractionDigits = abs.num >= abs.den ? Math.max(2, significant - integerDigits) : leadingZeros + significant;
  return toDecimalString(r, fractionDigits);
}
