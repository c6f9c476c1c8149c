import { describe, expect, it } from 'vitest';
import { accountNumberHash } from './account-number.js';

describe('accountNumberHash', () => {
  it('is the same for the number as a bank API, a CSV and a person write it, and differs by bank', () => {
    const api = accountNumberHash('BCA', '0611104625');
    expect(accountNumberHash('bca', '061-110-4625')).toBe(api);
    expect(accountNumberHash(' BCA ', "'0611 104 625")).toBe(api);
    expect(accountNumberHash('BRI', '0611104625')).not.toBe(api);
    expect(accountNumberHash('BCA', '0611104626')).not.toBe(api);
  });
});
