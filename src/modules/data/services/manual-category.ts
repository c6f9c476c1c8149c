/**
 * A small keyword categoriser for hand-entered cash rows ("kopi", "bensin", "gaji"). main has no shared ledger
 * categoriser yet (banks is bringing src/modules/ledger/services/categorize.ts); the category names here are the
 * ones it uses, so entries stay comparable, and once it lands ManualEntryService should call it instead.
 */
import { normalizeDescription } from '../../ledger/services/fingerprint.js';

const RULES: { category: string; words: string[]; direction?: 'credit' | 'debit' }[] = [
  { category: 'income:salary', words: ['gaji', 'salary', 'thr', 'upah', 'honor'], direction: 'credit' },
  { category: 'food_drink', words: ['kopi', 'coffee', 'makan', 'makan siang', 'sarapan', 'nasi', 'bakso', 'sate', 'soto', 'warung', 'resto', 'jajan', 'teh', 'gofood', 'grabfood'], direction: 'debit' },
  { category: 'groceries', words: ['indomaret', 'alfamart', 'sayur', 'belanja', 'pasar', 'beras', 'telur', 'superindo'], direction: 'debit' },
  { category: 'transport', words: ['bensin', 'parkir', 'ojek', 'ojol', 'grab', 'gojek', 'taksi', 'taxi', 'krl', 'mrt', 'tol', 'busway', 'angkot'], direction: 'debit' },
  { category: 'utilities', words: ['listrik', 'pln', 'token', 'pdam', 'air', 'gas', 'elpiji'], direction: 'debit' },
  { category: 'telecom', words: ['pulsa', 'paket data', 'kuota', 'wifi', 'indihome'], direction: 'debit' },
  { category: 'health', words: ['obat', 'apotek', 'dokter', 'klinik', 'rumah sakit'], direction: 'debit' },
  { category: 'entertainment', words: ['bioskop', 'nonton', 'netflix', 'spotify', 'game'], direction: 'debit' },
  { category: 'shopping', words: ['baju', 'sepatu', 'tokopedia', 'shopee', 'lazada'], direction: 'debit' },
];

export function categorizeManual(input: { description: string; amountMinor: number }): string {
  const text = ` ${normalizeDescription(input.description)} `;
  const direction = input.amountMinor >= 0 ? 'credit' : 'debit';
  for (const rule of RULES) {
    if (rule.direction && rule.direction !== direction) continue;
    if (rule.words.some((w) => text.includes(` ${w} `))) return rule.category;
  }
  return input.amountMinor > 0 ? 'income:other' : 'uncategorized';
}
