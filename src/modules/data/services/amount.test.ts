import { describe, expect, it } from 'vitest';
import { detectNumberStyle, parseAmount, signed, STYLE_FORMAT } from './amount.js';

describe('parseAmount', () => {
  it('reads US and Indonesian grouping to the same rupiah minor units', () => {
    expect(parseAmount('1,000,000.00', 'IDR')?.minor).toBe(100000000);
    expect(parseAmount('1.000.000,00', 'IDR')?.minor).toBe(100000000);
    expect(parseAmount('Rp 25.000', 'IDR')?.minor).toBe(2500000);
    expect(parseAmount('150000.00', 'IDR')?.minor).toBe(15000000);
    expect(parseAmount('12,5', 'IDR')?.minor).toBe(1250);
  });

  it('takes a file-level format over the per-value guess for ambiguous values', () => {
    // "1.000" is one thousand in an Indonesian file and one in a US one.
    expect(parseAmount('1.000', 'IDR', STYLE_FORMAT.id)?.minor).toBe(100000);
    expect(parseAmount('1.000', 'IDR', STYLE_FORMAT.us)?.minor).toBe(100);
  });

  it('lets a value that breaks the file format speak for itself instead of losing a thousand times its size', () => {
    // A KlikBCA (US) CSV re-saved by Excel on Indonesian Windows, and the other way round.
    expect(parseAmount('150.000,00', 'IDR', STYLE_FORMAT.us)?.minor).toBe(15000000);
    expect(parseAmount('1.500,00', 'IDR', STYLE_FORMAT.us)?.minor).toBe(150000);
    expect(parseAmount('1,000.50', 'IDR', STYLE_FORMAT.id)?.minor).toBe(100050);
    expect(parseAmount('1,500,000.00', 'IDR', { decimal: '.', thousands: '' })?.minor).toBe(150000000);
    expect(parseAmount('1,2,3.4.5', 'IDR', STYLE_FORMAT.us)).toBeUndefined();
  });

  it('reads "Rp 25.000,-" as no cents, and CR/DB written against the digits', () => {
    expect(parseAmount('Rp 25.000,-', 'IDR')?.minor).toBe(2500000);
    expect(parseAmount('-Rp 25.000,-', 'IDR', STYLE_FORMAT.us)?.minor).toBe(-2500000);
    expect(parseAmount('1,000.00DB', 'IDR')).toEqual({ minor: 100000, direction: 'debit' });
    expect(parseAmount('50K', 'IDR')).toBeUndefined();
  });

  it('keeps direction suffixes and signs', () => {
    expect(parseAmount('287,490.00 DB', 'IDR')).toEqual({ minor: 28749000, direction: 'debit' });
    expect(parseAmount('4,512,300.00 CR', 'IDR')).toEqual({ minor: 451230000, direction: 'credit' });
    expect(parseAmount('-1,000.50', 'IDR')?.minor).toBe(-100050);
    expect(parseAmount('(1,000.50)', 'IDR')?.minor).toBe(-100050);
    expect(parseAmount('1.000,50-', 'IDR')?.minor).toBe(-100050);
    expect(parseAmount('.00', 'IDR')?.minor).toBe(0);
    expect(signed(parseAmount('150000.00', 'IDR')!, 'debit')).toBe(-15000000);
  });

  it('refuses text that is not an amount instead of guessing', () => {
    for (const bad of ['sepuluh ribu', '', '1,2,3.4.5', '12abc', '=1+1']) expect(parseAmount(bad, 'IDR')).toBeUndefined();
    // More decimals than the currency has.
    expect(parseAmount('1.005', 'JPY', STYLE_FORMAT.us)).toBeUndefined();
  });

  it('detects the file style from unambiguous values', () => {
    expect(detectNumberStyle(['1.000', '2.500.000,00', '15.000'])).toBe('id');
    expect(detectNumberStyle(['1,000', '2,500,000.00', '150000.00'])).toBe('us');
    expect(detectNumberStyle(['1000', '25000'])).toBeUndefined();
  });
});
