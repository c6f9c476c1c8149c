/**
 * Rupiah amounts the way people type them in Indonesian chats, to IDR minor units (2 decimals, ISO 4217).
 *
 * Accepted: `150000`, `150.000`, `Rp 150.000`, `Rp 150.000,-`, `Rp150.000,50`, `IDR 1.500.000`, `150rb`, `150 ribu`, `150k`,
 * `1,5jt`, `1.5jt`, `2 juta`, `1,25 miliar`, `1,500,000.50` (English grouping when both separators appear).
 *
 * Separator rule, because Indonesian uses `.` for thousands and `,` for decimals while English does the reverse:
 * - both `.` and `,` present → the last one is the decimal separator, the other groups thousands;
 * - one kind appearing several times → thousands grouping (`1.500.000`);
 * - one separator once without a suffix → grouping when exactly three digits follow (`150.000`,
 *   `150,000`; `1500,000` is ambiguous), otherwise decimal (`150000,50`);
 * - one separator once with a suffix (rb/jt/…) → decimal (`1,5jt`, `2.5k`), except exactly three digits after it
 *   (`1.500rb`), which is ambiguous (Rp1.500 or Rp1.500.000?) and refused with what to type instead.
 * `m` alone is refused too: English "m" is million but Indonesian "M" is miliar.
 */
export type AmountErrorReason = 'empty' | 'not_a_number' | 'ambiguous' | 'too_many_decimals' | 'not_positive' | 'too_large';

export class AmountParseError extends Error {
  constructor(
    readonly reason: AmountErrorReason,
    readonly input: string,
  ) {
    super(`${reason}: ${JSON.stringify(input)}`);
    this.name = 'AmountParseError';
  }
}

const MULTIPLIERS: Record<string, bigint> = {
  '': 1n,
  k: 1_000n,
  rb: 1_000n,
  ribu: 1_000n,
  jt: 1_000_000n,
  juta: 1_000_000n,
  mio: 1_000_000n,
  miliar: 1_000_000_000n,
  milyar: 1_000_000_000n,
  t: 1_000_000_000_000n,
  triliun: 1_000_000_000_000n,
};

const IDR_EXPONENT = 2;
/** Above what any payment method takes, and far below 2^53 so the result is always a safe integer. */
const MAX_RUPIAH = 1_000_000_000_000n;

/** Parses a positive rupiah amount and returns IDR minor units (Rp150.000 → 15000000). Throws AmountParseError. */
export function parseRupiahToMinor(input: string): number {
  const raw = input.trim();
  if (!raw) throw new AmountParseError('empty', input);
  let text = raw.toLowerCase().replace(/\s+/g, '');
  text = text.replace(/^(rp\.?|idr)/, '');
  // "Rp 50.000,-": the dash is the Indonesian way of writing "no cents" on prices and receipts.
  text = text.replace(/(?<=\d)[.,]-$/, '');
  if (text.startsWith('-')) throw new AmountParseError('not_positive', input);

  const match = /^(\d[\d.,]*)([a-z]*)$/.exec(text);
  if (!match) throw new AmountParseError('not_a_number', input);
  const [, numberPart, suffix] = match;
  const multiplier = MULTIPLIERS[suffix];
  if (multiplier === undefined) throw new AmountParseError(suffix === 'm' ? 'ambiguous' : 'not_a_number', input);
  if (/[.,]$/.test(numberPart) || /[.,]{2}/.test(numberPart)) throw new AmountParseError('not_a_number', input);

  const { whole, fraction } = splitSeparators(numberPart, suffix !== '', input);
  // Exact decimal arithmetic: value = (whole.fraction) * multiplier, in minor units.
  const scale = 10n ** BigInt(fraction.length);
  const scaledValue = BigInt(whole + fraction) * multiplier * 10n ** BigInt(IDR_EXPONENT);
  if (scaledValue % scale !== 0n) throw new AmountParseError('too_many_decimals', input);
  const minor = scaledValue / scale;
  if (minor <= 0n) throw new AmountParseError('not_positive', input);
  if (minor > MAX_RUPIAH * 100n) throw new AmountParseError('too_large', input);
  return Number(minor);
}

function splitSeparators(numberPart: string, hasSuffix: boolean, input: string): { whole: string; fraction: string } {
  const dots = countOf(numberPart, '.');
  const commas = countOf(numberPart, ',');
  if (dots === 0 && commas === 0) return { whole: numberPart, fraction: '' };

  if (dots > 0 && commas > 0) {
    const decimalSep = numberPart.lastIndexOf('.') > numberPart.lastIndexOf(',') ? '.' : ',';
    const groupSep = decimalSep === '.' ? ',' : '.';
    if (countOf(numberPart, decimalSep) > 1) throw new AmountParseError('not_a_number', input);
    const [grouped, fraction] = numberPart.split(decimalSep);
    return { whole: ungroup(grouped, groupSep, input), fraction };
  }

  const sep = dots > 0 ? '.' : ',';
  if (dots + commas > 1) return { whole: ungroup(numberPart, sep, input), fraction: '' };

  const [before, after] = numberPart.split(sep);
  if (after.length === 3) {
    // "1500,000" is neither clean grouping nor a plausible decimal: Rp1.500 or Rp1.500.000? Ask instead of guessing.
    if (hasSuffix || before.length > 3) throw new AmountParseError('ambiguous', input);
    return { whole: ungroup(numberPart, sep, input), fraction: '' };
  }
  return { whole: before, fraction: after };
}

/** "1.500.000" → "1500000"; groups after the first must be exactly three digits or it is not a grouped number. */
function ungroup(text: string, sep: string, input: string): string {
  const groups = text.split(sep);
  if (groups[0].length < 1 || groups[0].length > 3 || groups.slice(1).some((g) => g.length !== 3)) {
    throw new AmountParseError('not_a_number', input);
  }
  return groups.join('');
}

function countOf(text: string, ch: string): number {
  return text.split(ch).length - 1;
}
