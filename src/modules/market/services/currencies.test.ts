import { describe, expect, it } from 'vitest';
import { UnknownCurrencyError } from '../errors.js';
import { convertMinor, crossRate, currencyInfo, formatMinor, parseMajorToMinor } from './currencies.js';
import { numberToDecimalString, parseDecimal, toSignificantString } from '../decimal.js';

describe('ISO 4217 table', () => {
  it('gives each currency its own minor unit, IDR two decimals (not Intl’s zero)', () => {
    expect(currencyInfo('IDR').digits).toBe(2);
    expect(currencyInfo('jpy').digits).toBe(0);
    expect(currencyInfo('KWD').digits).toBe(3);
    expect(formatMinor(7_210_000_000n, 'IDR')).toBe('72100000.00');
    expect(formatMinor(1234, 'KWD')).toBe('1.234');
    expect(formatMinor(-5, 'JPY')).toBe('-5');
  });

  it('names an unknown code and the field it came from', () => {
    expect(() => currencyInfo('ABC', 'symbols')).toThrow(UnknownCurrencyError);
    try {
      currencyInfo('ABC', 'symbols');
    } catch (err) {
      expect((err as UnknownCurrencyError).message).toContain('ABC');
      expect((err as UnknownCurrencyError).details?.issues?.[0]).toMatchObject({ field: 'symbols' });
    }
    // Gold has no minor unit: not money the hub converts.
    expect(() => currencyInfo('XAU')).toThrow(UnknownCurrencyError);
  });

  it('refuses more decimals than the currency has instead of rounding silently', () => {
    expect(parseMajorToMinor('150000', 'IDR')).toBe(15_000_000n);
    expect(parseMajorToMinor('12.340', 'KWD')).toBe(12_340n);
    expect(() => parseMajorToMinor('1.5', 'JPY')).toThrow(/more than 0 decimals for JPY/);
    expect(() => parseMajorToMinor('1.001', 'IDR', 'amount')).toThrow(/amount: 1.001 has more than 2 decimals/);
  });
});

describe('conversion rounding', () => {
  it('rounds USD → JPY to whole yen, half away from zero', () => {
    // 10.01 USD at 151.25 = 1514.0125 JPY → 1514
    expect(convertMinor(1001, 'USD', 'JPY', '151.25')).toBe(1514n);
    // 0.02 USD at 25 = 0.5 JPY → 1 (half away from zero), and −0.5 → −1
    expect(convertMinor(2, 'USD', 'JPY', '25')).toBe(1n);
    expect(convertMinor(-2, 'USD', 'JPY', '25')).toBe(-1n);
  });

  it('keeps three decimals for KWD and two for IDR', () => {
    // 1,000,000.00 IDR at 0.0000189 KWD/IDR = 18.9 KWD = 18900 fils
    expect(convertMinor(100_000_000, 'IDR', 'KWD', '0.0000189')).toBe(18_900n);
    // 1.000 KWD at 52897.123 IDR/KWD = 52897.12 IDR (…3 rounds down)
    expect(convertMinor(1000, 'KWD', 'IDR', '52897.123')).toBe(5_289_712n);
    // 0.001 KWD at 52897.125 → 52.897125 IDR → 52.90 (half up at the sen)
    expect(convertMinor(1, 'KWD', 'IDR', '52897.125')).toBe(5290n);
  });

  it('converts JPY (no decimals) into IDR sen exactly', () => {
    // 1 JPY at 107.4321 IDR = 107.43 IDR
    expect(convertMinor(1, 'JPY', 'IDR', '107.4321')).toBe(10_743n);
    expect(convertMinor(1_000_000, 'JPY', 'IDR', '107.4321')).toBe(10_743_210_000n);
  });

  it('crosses two quotes through their base without a float ever appearing', () => {
    // ECB-style table: units per 1 EUR.
    const table = { USD: '1.0812', IDR: '17570.35', JPY: '163.77', KWD: '0.33214' };
    const usdIdr = crossRate(table, 'EUR', 'USD', 'IDR');
    expect(toSignificantString(usdIdr)).toBe('16250.786');
    // 100 USD → IDR: 100 × 17570.35 / 1.0812 = 1625078.6163… → 1625078.62
    expect(convertMinor(10_000, 'USD', 'IDR', usdIdr)).toBe(162_507_862n);
    // the base itself quotes at 1
    expect(convertMinor(100, 'EUR', 'KWD', crossRate(table, 'EUR', 'EUR', 'KWD'))).toBe(332n);
    // IDR → KWD: a tiny rate kept exact
    const idrKwd = crossRate(table, 'EUR', 'IDR', 'KWD');
    expect(toSignificantString(idrKwd)).toBe('0.000018903437');
    expect(convertMinor(100_000_000, 'IDR', 'KWD', idrKwd)).toBe(18_903n);
  });

  it('reports a currency the table does not quote, naming it', () => {
    expect(() => crossRate({ USD: '1.08' }, 'EUR', 'USD', 'KWD')).toThrow(/KWD/);
  });

  it('reads JSON-number rates by their decimal digits, exponent notation included', () => {
    expect(numberToDecimalString(1.89e-5)).toBe('0.0000189');
    expect(numberToDecimalString(16250.5)).toBe('16250.5');
    expect(parseDecimal(1e21)).toEqual({ num: 10n ** 21n, den: 1n });
  });
});
