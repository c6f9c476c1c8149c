/**
 * The one rule for finding an account again by its number without decrypting every row: SHA-256 over the bank
 * code and the digits of the number. Bank connect, bank notifications and statement import all compute it here,
 * so an account imported from a statement and later connected over SNAP (or the other way round) is one ledger
 * account, not two.
 */
import { createHash } from 'node:crypto';

export function accountNumberHash(bank: string, accountNumber: string): string {
  return createHash('sha256').update(`${bank.trim().toUpperCase()}:${accountNumber.replace(/\D/g, '')}`).digest('hex');
}
