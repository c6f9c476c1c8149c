import { describe, expect, it } from 'vitest';
import { decimalToMinor, formatMoney, minorToDecimal, minorToWholeMajor } from './money.js';

describe('money', () => {
  it('parses decimal strings into exact minor units per ISO 4217 exponent', () => {
    expect(decimalToMinor('72100000.00', 'IDR')).toBe(7210000000);
    expect(decimalToMinor('0.1', 'USD')).toBe(10);
    expect(decimalToMinor('-15.5', 'IDR')).toBe(-1550);
    expect(decimalToMinor('1500', 'JPY')).toBe(1500);
    expect(decimalToMinor('1.234', 'KWD')).toBe(1234);
  });

  it('knows every ISO 4217 currency with its own exponent, and refuses codes that are not money', () => {
    expect(decimalToMinor('1.2345', 'CLF')).toBe(12345);
    expect(decimalToMinor('12.5', 'MXN')).toBe(1250);
    expect(decimalToMinor('7', 'ISK')).toBe(7);
    expect(() => decimalToMinor('1', 'XAU')).toThrow(/unsupported currency/);
    expect(() => decimalToMinor('1', 'ABC')).toThrow(/unsupported currency/);
  });

  it('refuses to round away extra decimals or parse garbage', () => {
    expect(() => decimalToMinor('1.005', 'IDR')).toThrow(/decimals/);
    expect(() => decimalToMinor('1.5', 'JPY')).toThrow(/decimals/);
    expect(() => decimalToMinor('1,000.00', 'IDR')).toThrow(/not a decimal/);
    expect(() => decimalToMinor('99999999999999999', 'IDR')).toThrow(/too large/);
  });

  it('is exact on both sides of the 15-digit fast path, and never gives -0', () => {
    expect(decimalToMinor('9999999999999.99', 'IDR')).toBe(999999999999999); // 15 digits
    expect(decimalToMinor('90071992547409.91', 'IDR')).toBe(Number.MAX_SAFE_INTEGER); // 16 digits, the checked path
    expect(() => decimalToMinor('90071992547409.92', 'IDR')).toThrow(/too large/);
    expect(decimalToMinor('-000123.40', 'IDR')).toBe(-12340);
    expect(Object.is(decimalToMinor('-0.00', 'IDR'), 0)).toBe(true);
  });

  it('formats minor units back without float error', () => {
    expect(minorToDecimal(7210000000, 'IDR')).toBe('72100000.00');
    expect(minorToDecimal(-5, 'IDR')).toBe('-0.05');
    expect(minorToDecimal(1500, 'JPY')).toBe('1500');
    expect(formatMoney({ amountMinor: 123456789, currency: 'IDR' })).toBe('Rp1.234.567,89');
    expect(formatMoney({ amountMinor: -100000, currency: 'IDR' })).toBe('-Rp1.000,00');
  });

  it('converts to whole provider amounts only when there is no fraction', () => {
    expect(minorToWholeMajor(15000000, 'IDR')).toBe(150000);
    expect(() => minorToWholeMajor(15000050, 'IDR')).toThrow(/whole/);
  });
});
