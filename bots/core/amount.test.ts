import { describe, expect, it } from 'vitest';
import { AmountParseError, parseRupiahToMinor } from './amount.js';

const rupiah = (n: number) => n * 100;

describe('parseRupiahToMinor', () => {
  it.each([
    ['150000', rupiah(150_000)],
    ['150.000', rupiah(150_000)],
    ['150,000', rupiah(150_000)],
    ['Rp 150.000', rupiah(150_000)],
    ['Rp150.000', rupiah(150_000)],
    ['rp. 150.000', rupiah(150_000)],
    ['IDR 1.500.000', rupiah(1_500_000)],
    ['1.500.000', rupiah(1_500_000)],
    ['150rb', rupiah(150_000)],
    ['150 ribu', rupiah(150_000)],
    ['150RB', rupiah(150_000)],
    ['150k', rupiah(150_000)],
    ['2.5k', rupiah(2_500)],
    ['1,5jt', rupiah(1_500_000)],
    ['1.5jt', rupiah(1_500_000)],
    ['2 juta', rupiah(2_000_000)],
    ['1,25 miliar', rupiah(1_250_000_000)],
    ['Rp150.000,50', 15_000_050],
    ['Rp 150.000,-', rupiah(150_000)],
    ['1.500.000,-', rupiah(1_500_000)],
    ['150000,5', 15_000_050],
    ['1.500.000,75', 150_000_075],
    ['1,500,000.75', 150_000_075],
    ['1,2345rb', 123_450],
    ['0,5', 50],
  ])('%s → %d minor units', (input, expected) => {
    expect(parseRupiahToMinor(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'not_a_number'],
    ['150x', 'not_a_number'],
    ['1..5', 'not_a_number'],
    ['150.', 'not_a_number'],
    ['150,-5', 'not_a_number'],
    [',-', 'not_a_number'],
    ['1.50.000', 'not_a_number'],
    ['1500,000', 'ambiguous'],
    ['150000,5055', 'too_many_decimals'],
    ['1.500rb', 'ambiguous'],
    ['2m', 'ambiguous'],
    ['150000,505', 'ambiguous'],
    ['1,234567rb', 'too_many_decimals'],
    ['0', 'not_positive'],
    ['0,00', 'not_positive'],
    ['-150rb', 'not_positive'],
    ['Rp -150.000', 'not_positive'],
    ['5 triliun', 'too_large'],
  ])('%j is refused as %s', (input, reason) => {
    let caught: unknown;
    try {
      parseRupiahToMinor(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AmountParseError);
    expect((caught as AmountParseError).reason).toBe(reason);
  });

  it('never loses precision on large amounts', () => {
    expect(parseRupiahToMinor('999.999.999.999')).toBe(99_999_999_999_900);
    expect(Number.isSafeInteger(parseRupiahToMinor('1 triliun'))).toBe(true);
  });
});
