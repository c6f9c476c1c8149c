/**
 * Categories for ledger transactions from their descriptions, shared by bank sync, notifications and statement
 * import. Rules know the merchants and transfer codes that fill Indonesian statements (QRIS, BI-FAST, TRSF
 * E-BANKING, BIAYA ADM, Indomaret, PLN…); a user's own overrides come first; transfers between a user's own
 * accounts are recognised so analytics do not count them as spending or income.
 */
import { normalizeDescription } from './fingerprint.js';

export const CATEGORIES = [
  'income:salary',
  'income:interest',
  'income:other',
  'transfer:in',
  'transfer:out',
  'transfer:own',
  'food_drink',
  'groceries',
  'shopping',
  'transport',
  'utilities',
  'telecom',
  'health',
  'insurance',
  'entertainment',
  'ewallet_topup',
  'cash_withdrawal',
  'fees',
  'tax',
  'uncategorized',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface CategoryRule {
  id: string;
  /** Tested against the normalised description (lowercase letters and digits separated by single spaces). */
  pattern: RegExp;
  category: Category;
  /** Only for money in (credit) or money out (debit). */
  direction?: 'credit' | 'debit';
}

/** A pattern matching any of these whole words or phrases in a normalised description. */
export const words = (...list: string[]) => new RegExp(`(?:^| )(?:${list.join('|')})(?: |$)`);

/** Order matters: the first match wins, so specific merchants come before the transfer codes they travel under. */
export const DEFAULT_RULES: CategoryRule[] = [
  { id: 'salary', pattern: words('gaji', 'salary', 'payroll', 'thr', 'upah'), category: 'income:salary', direction: 'credit' },
  { id: 'interest-tax', pattern: words('pajak bunga', 'tax', 'pph', 'pajak'), category: 'tax', direction: 'debit' },
  { id: 'interest', pattern: words('bunga', 'interest', 'jasa giro', 'credit interest'), category: 'income:interest', direction: 'credit' },
  { id: 'bank-fee', pattern: words('biaya adm', 'by adm', 'biaya admin', 'admin fee', 'monthly fee', 'biaya kartu', 'adm fee', 'biaya transfer', 'biaya trf', 'charge'), category: 'fees' },
  { id: 'ewallet', pattern: /(?:top ?up|isi saldo|topup).*(?:gopay|ovo|dana|linkaja|shopeepay|flip)|(?:gopay|ovo|dana|linkaja|shopeepay).*(?:top ?up|topup)/, category: 'ewallet_topup', direction: 'debit' },
  { id: 'cash', pattern: words('tarikan atm', 'tarik tunai', 'atm withdrawal', 'penarikan tunai', 'cash withdrawal'), category: 'cash_withdrawal', direction: 'debit' },
  { id: 'food-delivery', pattern: words('grabfood', 'gofood', 'shopeefood', 'grab food'), category: 'food_drink', direction: 'debit' },
  {
    id: 'food-merchants',
    pattern: words('kopi', 'coffee', 'kenangan', 'janji jiwa', 'fore coffee', 'starbucks', 'chatime', 'mixue', 'bakery', 'bakmi', 'sate', 'soto', 'padang', 'warung', 'resto', 'restoran', 'rumah makan', 'kfc', 'mcdonald', 'mcd', 'hokben', 'pizza hut', 'solaria', 'bakso', 'martabak', 'geprek'),
    category: 'food_drink',
    direction: 'debit',
  },
  { id: 'groceries', pattern: words('indomaret', 'alfamart', 'alfamidi', 'superindo', 'hypermart', 'transmart', 'lotte mart', 'lottemart', 'hero', 'giant', 'ranch market', 'farmers market', 'sayurbox'), category: 'groceries', direction: 'debit' },
  { id: 'transport', pattern: words('grab', 'grabcar', 'grabbike', 'gojek', 'gocar', 'goride', 'maxim', 'bluebird', 'krl', 'mrt', 'transjakarta', 'pertamina', 'spbu', 'shell', 'e toll', 'etoll', 'jasa marga', 'kai', 'traveloka', 'tiket com'), category: 'transport', direction: 'debit' },
  { id: 'utilities', pattern: words('pln', 'pln prepaid', 'token listrik', 'listrik', 'pdam', 'pgn', 'air minum'), category: 'utilities', direction: 'debit' },
  { id: 'telecom', pattern: words('telkomsel', 'halo', 'indosat', 'im3', 'xl', 'axis', 'tri', 'smartfren', 'indihome', 'biznet', 'first media', 'myrepublic', 'pulsa', 'paket data'), category: 'telecom', direction: 'debit' },
  { id: 'health', pattern: words('bpjs', 'bpjs kesehatan', 'apotek', 'apotik', 'kimia farma', 'guardian', 'rumah sakit', 'rs', 'klinik', 'halodoc', 'alodokter'), category: 'health', direction: 'debit' },
  { id: 'insurance', pattern: words('asuransi', 'prudential', 'allianz', 'axa', 'manulife', 'aia', 'premi'), category: 'insurance', direction: 'debit' },
  { id: 'entertainment', pattern: words('netflix', 'netflix com', 'spotify', 'disney', 'youtube', 'vidio', 'cgv', 'xxi', 'cinema', 'steam', 'playstation'), category: 'entertainment', direction: 'debit' },
  { id: 'marketplaces', pattern: words('tokopedia', 'shopee', 'shopeepay', 'lazada', 'blibli', 'bukalapak', 'tiktok shop', 'zalora', 'debit pos', 'edc'), category: 'shopping', direction: 'debit' },
  { id: 'qris', pattern: words('qris', 'qris payment', 'qr'), category: 'shopping', direction: 'debit' },
  { id: 'transfer-in', pattern: words('bi fast cr', 'bifast cr', 'trsf e banking cr', 'switching cr', 'kr otomatis', 'transfer masuk', 'remittance cr', 'llg', 'rtgs', 'skn', 'overbooking', 'pemindahbukuan', 'trf', 'transfer', 'bi fast', 'bifast'), category: 'transfer:in', direction: 'credit' },
  { id: 'transfer-out', pattern: words('bi fast db', 'bifast db', 'trsf e banking db', 'switching db', 'tr to remitt', 'transfer keluar', 'llg', 'rtgs', 'skn', 'overbooking', 'pemindahbukuan', 'trf', 'transfer', 'bi fast', 'bifast'), category: 'transfer:out', direction: 'debit' },
];

/** A user's own rule: descriptions containing `match` (compared normalised) get `category`. */
export interface UserCategoryOverride {
  match: string;
  category: Category;
}

export interface CategoryResult {
  category: Category;
  source: 'user' | 'rule' | 'none';
  ruleId?: string;
}

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

/** `input.normalized`: the description already normalised, when the caller has it (a bank sync does, per row). */
export function categorize(input: { description: string; amountMinor: number; normalized?: string }, overrides: UserCategoryOverride[] = [], rules: CategoryRule[] = DEFAULT_RULES): CategoryResult {
  const text = input.normalized ?? normalizeDescription(input.description);
  for (const o of overrides) {
    const needle = normalizeDescription(o.match);
    if (needle && text.includes(needle)) return { category: o.category, source: 'user' };
  }
  const direction = input.amountMinor >= 0 ? 'credit' : 'debit';
  for (const rule of rules) {
    if (rule.direction && rule.direction !== direction) continue;
    if (rule.pattern.test(text)) return { category: rule.category, source: 'rule', ruleId: rule.id };
  }
  return { category: input.amountMinor > 0 ? 'income:other' : 'uncategorized', source: 'none' };
}

export interface OwnTransferCandidate {
  id: string;
  accountId: string;
  bookedAt: Date;
  amountMinor: number;
  currency: string;
  description: string;
}

export interface OwnAccount {
  accountId: string;
  /** Full account number, when known (decrypted by the caller, never stored here). */
  accountNumber?: string;
  holderName?: string;
}

/**
 * Which rows are transfers between the user's own accounts:
 * - a debit on one own account and a credit of the same amount and currency on another within `windowMs`
 *   (paired one to one, closest in time first), or
 * - a transfer-coded row that names another own account's number (its last 6+ digits) or the holder's own name
 *   ("BI-FAST CR BUDI SANTOSO" on Budi's account), even when the other side is not connected.
 */
export function detectOwnTransfers(rows: OwnTransferCandidate[], ownAccounts: OwnAccount[], windowMs = 3 * 86_400_000): Set<string> {
  const own = new Set<string>();
  // Credits grouped by currency and amount, so each debit looks only at credits it could pair with (a 10,000-row
  // sync would otherwise compare every debit with every credit).
  const creditsByAmount = new Map<string, OwnTransferCandidate[]>();
  for (const credit of rows.filter((r) => r.amountMinor > 0).sort((a, b) => a.bookedAt.getTime() - b.bookedAt.getTime())) {
    const key = `${credit.currency}:${credit.amountMinor}`;
    if (!creditsByAmount.has(key)) creditsByAmount.set(key, []);
    creditsByAmount.get(key)!.push(credit);
  }
  const usedCredits = new Set<string>();
  for (const debit of rows.filter((r) => r.amountMinor < 0).sort((a, b) => a.bookedAt.getTime() - b.bookedAt.getTime())) {
    let best: OwnTransferCandidate | undefined;
    for (const credit of creditsByAmount.get(`${debit.currency}:${-debit.amountMinor}`) ?? []) {
      if (usedCredits.has(credit.id) || credit.accountId === debit.accountId || credit.currency !== debit.currency || credit.amountMinor !== -debit.amountMinor) continue;
      const gap = Math.abs(credit.bookedAt.getTime() - debit.bookedAt.getTime());
      if (gap > windowMs) continue;
      if (!best || gap < Math.abs(best.bookedAt.getTime() - debit.bookedAt.getTime())) best = credit;
    }
    if (best) {
      usedCredits.add(best.id);
      own.add(best.id);
      own.add(debit.id);
    }
  }
  const transferCoded = (text: string) => DEFAULT_RULES.some((r) => (r.id === 'transfer-in' || r.id === 'transfer-out') && r.pattern.test(text));
  for (const row of rows) {
    if (own.has(row.id)) continue;
    const text = normalizeDescription(row.description);
    if (!transferCoded(text)) continue;
    const digits = row.description.replace(/\D+/g, ' ');
    const namesOtherAccount = ownAccounts.some((a) => a.accountId !== row.accountId && a.accountNumber && a.accountNumber.length >= 6 && digits.includes(a.accountNumber.slice(-Math.min(10, a.accountNumber.length))));
    const holder = ownAccounts.find((a) => a.accountId === row.accountId)?.holderName;
    const namesHolder = holder ? text.includes(normalizeDescription(holder)) : false;
    if (namesOtherAccount || namesHolder) own.add(row.id);
  }
  return own;
}
