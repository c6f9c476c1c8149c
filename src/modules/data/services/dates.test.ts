import { describe, expect, it } from 'vitest';
import { parsePeriod, parseStatementDate, parseWithPattern } from './dates.js';

describe('statement dates', () => {
  it('reads day-first forms and never month-first', () => {
    expect(parseStatementDate('03/04/2024')).toBe('2024-04-03');
    expect(parseStatementDate('03-04-24')).toBe('2024-04-03');
    expect(parseStatementDate('25 Agu 2024')).toBe('2024-08-25');
    expect(parseStatementDate('25-DES-24')).toBe('2024-12-25');
    expect(parseStatementDate('2024-12-01')).toBe('2024-12-01');
    expect(parseStatementDate('20241202120000[+7:WIB]')).toBe('2024-12-02');
    expect(parseStatementDate('04/13/2024')).toBeUndefined();
    expect(parseStatementDate('31/02/2024')).toBeUndefined();
  });

  it('takes the year of a dd/mm date from the period, wrapping December into January', () => {
    const period = { from: '2024-12-15', to: '2025-01-14' };
    expect(parseStatementDate("'28/12", period)).toBe('2024-12-28');
    expect(parseStatementDate('02/01', period)).toBe('2025-01-02');
    expect(parseStatementDate('02/01')).toBeUndefined();
  });

  it('books a timestamp with a zone on its Jakarta day, and one without on the date it shows', () => {
    expect(parseStatementDate('2024-12-17T18:30:00.000Z')).toBe('2024-12-18');
    expect(parseStatementDate('2024-12-17T16:59:59Z')).toBe('2024-12-17');
    expect(parseStatementDate('2024-12-17T23:10:00+07:00')).toBe('2024-12-17');
    expect(parseStatementDate('2024-12-17T18:30:00')).toBe('2024-12-17');
    expect(parseStatementDate('20241217183000[0:GMT]')).toBe('2024-12-18');
    expect(parseStatementDate('20241217120000.000[-5:EST]')).toBe('2024-12-18');
    expect(parseStatementDate('20241217183000')).toBe('2024-12-17');
    expect(parseStatementDate('2024-02-31T10:00:00Z')).toBeUndefined();
  });

  it('parses period headers', () => {
    expect(parsePeriod('15/12/2024 - 14/01/2025')).toEqual({ from: '2024-12-15', to: '2025-01-14' });
    expect(parsePeriod('01 Agu 2024 s/d 31 Agu 2024')).toEqual({ from: '2024-08-01', to: '2024-08-31' });
    expect(parsePeriod('FEBRUARI 2024')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
  });

  it('follows a user pattern, month-first included when the user says so', () => {
    expect(parseWithPattern('04/13/2024', 'MM/DD/YYYY')).toBe('2024-04-13');
    expect(parseWithPattern('13.04.24', 'DD.MM.YY')).toBe('2024-04-13');
    expect(parseWithPattern('13 Apr 2024', 'DD MMM YYYY')).toBe('2024-04-13');
    expect(parseWithPattern('2024/04/13', 'DD/MM/YYYY')).toBeUndefined();
  });
});
