/**
 * Categories for hand-entered cash rows ("kopi", "bensin", "gaji"): the words people type for cash spending, run
 * through the ledger's one categoriser (the same matching and fallbacks as bank sync and import), as its own rule
 * set because a bank statement's merchant rules do not describe what people write for cash.
 */
import { categorize, words, type CategoryRule } from '../../ledger/services/categorize.js';

const MANUAL_RULES: CategoryRule[] = [
  { id: 'manual-salary', pattern: words('gaji', 'salary', 'thr', 'upah', 'honor'), category: 'income:salary', direction: 'credit' },
  { id: 'manual-food', pattern: words('kopi', 'coffee', 'makan', 'makan siang', 'sarapan', 'nasi', 'bakso', 'sate', 'soto', 'warung', 'resto', 'jajan', 'teh', 'gofood', 'grabfood'), category: 'food_drink', direction: 'debit' },
  { id: 'manual-groceries', pattern: words('indomaret', 'alfamart', 'sayur', 'belanja', 'pasar', 'beras', 'telur', 'superindo'), category: 'groceries', direction: 'debit' },
  { id: 'manual-transport', pattern: words('bensin', 'parkir', 'ojek', 'ojol', 'grab', 'gojek', 'taksi', 'taxi', 'krl', 'mrt', 'tol', 'busway', 'angkot'), category: 'transport', direction: 'debit' },
  { id: 'manual-utilities', pattern: words('listrik', 'pln', 'token', 'pdam', 'air', 'gas', 'elpiji'), category: 'utilities', direction: 'debit' },
  { id: 'manual-telecom', pattern: words('pulsa', 'paket data', 'kuota', 'wifi', 'indihome'), category: 'telecom', direction: 'debit' },
  { id: 'manual-health', pattern: words('obat', 'apotek', 'dokter', 'klinik', 'rumah sakit'), category: 'health', direction: 'debit' },
  { id: 'manual-entertainment', pattern: words('bioskop', 'nonton', 'netflix', 'spotify', 'game'), category: 'entertainment', direction: 'debit' },
  { id: 'manual-shopping', pattern: words('baju', 'sepatu', 'tokopedia', 'shopee', 'lazada'), category: 'shopping', direction: 'debit' },
];

export function categorizeManual(input: { description: string; amountMinor: number }): string {
  return categorize(input, [], MANUAL_RULES).category;
}
