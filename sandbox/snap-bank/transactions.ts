/**
 * A deterministic stream of Indonesian current-account activity: the same seed gives the same history, so tests
 * and demos are repeatable. Salary on the 25th, admin fee and interest at month end, QRIS and card purchases at
 * the merchants people actually use, BI-FAST and e-banking transfers, e-wallet top-ups, bills. Amounts in IDR minor
 * units (Rp 1 = 100). Each entry's time is strictly later than the one before, as a bank's journal is.
 */
import { DateTime } from 'luxon';

export interface SimTransaction {
  id: string;
  at: Date;
  /** Signed minor units. */
  amountMinor: number;
  /** Two parts, as banks print them (what, then whom/where). */
  parts: [string, string];
  balanceAfterMinor: number;
}

/** mulberry32: tiny, fast, good enough for fixtures, and reproducible across Node versions. */
export function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rupiah = (n: number) => Math.round(n) * 100;

interface Template {
  weight: number;
  make(rand: () => number, ddmm: string): { amountMinor: number; parts: [string, string] };
}

const pick = <T>(rand: () => number, list: T[]): T => list[Math.floor(rand() * list.length)];
const between = (rand: () => number, lo: number, hi: number, step = 500) => Math.round((lo + rand() * (hi - lo)) / step) * step;

const QRIS_MERCHANTS = ['KOPI KENANGAN', 'JANJI JIWA', 'MIXUE', 'SATE KHAS SENAYAN', 'WARUNG PADANG SEDERHANA', 'BAKMI GM', 'HOLLAND BAKERY', 'CHATIME', 'FORE COFFEE', 'SOTO BETAWI H. MAMAT'];
const PEOPLE = ['ANDI WIJAYA', 'SITI RAHMAWATI', 'BUDI SANTOSO', 'DEWI LESTARI', 'RIZKY PRATAMA', 'PUTRI AMELIA', 'AGUS SETIAWAN'];

const TEMPLATES: Template[] = [
  { weight: 10, make: (r) => ({ amountMinor: -rupiah(between(r, 18_000, 95_000)), parts: ['QRIS PAYMENT', pick(r, QRIS_MERCHANTS)] }) },
  { weight: 6, make: (r) => ({ amountMinor: -rupiah(between(r, 25_000, 350_000)), parts: ['DEBIT POS', pick(r, ['INDOMARET', 'ALFAMART', 'ALFAMIDI', 'SUPERINDO', 'HYPERMART'])] }) },
  { weight: 4, make: (r) => ({ amountMinor: -rupiah(between(r, 45_000, 1_500_000, 1000)), parts: ['TOKOPEDIA', `INV/${Math.floor(r() * 1e8)}`] }) },
  { weight: 3, make: (r) => ({ amountMinor: -rupiah(between(r, 40_000, 900_000, 1000)), parts: ['SHOPEEPAY', `SHOPEE ${Math.floor(r() * 1e6)}`] }) },
  { weight: 3, make: (r) => ({ amountMinor: -rupiah(pick(r, [50_000, 100_000, 150_000, 200_000])), parts: ['TOPUP GOPAY', `0812${Math.floor(r() * 1e8)}`] }) },
  { weight: 2, make: (r) => ({ amountMinor: -rupiah(pick(r, [20_000, 50_000, 100_000])), parts: ['TOPUP OVO', `0813${Math.floor(r() * 1e8)}`] }) },
  { weight: 3, make: (r) => ({ amountMinor: -rupiah(between(r, 15_000, 120_000)), parts: ['GRAB', pick(r, ['GRABCAR', 'GRABFOOD', 'GRABBIKE'])] }) },
  { weight: 2, make: (r) => ({ amountMinor: -rupiah(pick(r, [50_000, 100_000, 200_000, 500_000]) + 2_500), parts: ['PLN PREPAID', `5${Math.floor(r() * 1e10)}`] }) },
  { weight: 1, make: (r) => ({ amountMinor: -rupiah(between(r, 150_000, 450_000, 1000)), parts: ['BPJS KESEHATAN', `8888${Math.floor(r() * 1e8)}`] }) },
  { weight: 1, make: (r) => ({ amountMinor: -rupiah(between(r, 250_000, 600_000, 1000)), parts: ['TELKOMSEL', 'HALO POSTPAID'] }) },
  { weight: 4, make: (r) => ({ amountMinor: -rupiah(between(r, 50_000, 2_500_000, 1000)), parts: ['BI-FAST DB', pick(r, PEOPLE)] }) },
  { weight: 3, make: (r) => ({ amountMinor: rupiah(between(r, 50_000, 1_500_000, 1000)), parts: ['BI-FAST CR', pick(r, PEOPLE)] }) },
  { weight: 2, make: (r, ddmm) => ({ amountMinor: -rupiah(between(r, 100_000, 3_000_000, 1000)), parts: ['TRSF E-BANKING DB', `${ddmm}/FTSCY/WS95051`] }) },
  { weight: 2, make: (r) => ({ amountMinor: -rupiah(pick(r, [100_000, 200_000, 300_000, 500_000, 1_000_000])), parts: ['TARIKAN ATM', `ATM ${Math.floor(r() * 9000 + 1000)}`] }) },
  { weight: 1, make: (r) => ({ amountMinor: -rupiah(between(r, 55_000, 186_000, 1000)), parts: ['NETFLIX.COM', 'SUBSCRIPTION'] }) },
];
const TOTAL_WEIGHT = TEMPLATES.reduce((s, t) => s + t.weight, 0);

export interface GenerateOptions {
  seed: string;
  from: Date;
  to: Date;
  startingBalanceMinor: number;
  /** Average purchases and transfers per day (salary and fees come on top). */
  perDay?: number;
  idPrefix?: string;
  employer?: string;
}

export function generateHistory(options: GenerateOptions): SimTransaction[] {
  const rand = seededRandom(options.seed);
  const perDay = options.perDay ?? 3;
  const out: SimTransaction[] = [];
  let balance = options.startingBalanceMinor;
  let last = options.from.getTime();
  let seq = 0;
  const employer = options.employer ?? pick(rand, ['PT MAJU JAYA ABADI', 'PT SINAR MAS TEKNOLOGI', 'PT NUSANTARA DIGITAL', 'CV KARYA MANDIRI']);
  const salary = rupiah(between(rand, 7_500_000, 22_000_000, 50_000));
  const push = (at: number, amountMinor: number, parts: [string, string]) => {
    // Keep the journal strictly increasing and the account from going overdrawn, as a real savings account would.
    const when = Math.floor(Math.max(at, last + 1000) / 1000) * 1000; // banks print whole seconds
    if (when > options.to.getTime()) return;
    if (balance + amountMinor < 0) return;
    balance += amountMinor;
    last = when;
    out.push({ id: `${options.idPrefix ?? 'TX'}${String(++seq).padStart(8, '0')}`, at: new Date(when), amountMinor, parts, balanceAfterMinor: balance });
  };
  for (let day = DateTime.fromJSDate(options.from, { zone: 'Asia/Jakarta' }).startOf('day'); day.toJSDate() <= options.to; day = day.plus({ days: 1 })) {
    const ddmm = day.toFormat('ddMM');
    if (day.day === 25) push(day.set({ hour: 1, minute: 5 }).toMillis(), salary, ['GAJI', employer]);
    const n = Math.floor(rand() * (perDay * 2 + 1));
    const times = Array.from({ length: n }, () => day.set({ hour: 6 }).toMillis() + Math.floor(rand() * 16 * 3_600_000)).sort((a, b) => a - b);
    for (const t of times) {
      let roll = rand() * TOTAL_WEIGHT;
      const template = TEMPLATES.find((tp) => (roll -= tp.weight) < 0) ?? TEMPLATES[0];
      const { amountMinor, parts } = template.make(rand, ddmm);
      push(t, amountMinor, parts);
    }
    if (day.day === day.daysInMonth) {
      const eod = day.set({ hour: 23, minute: 50 }).toMillis();
      push(eod, -rupiah(pick(rand, [10_000, 12_500, 15_000])), ['BIAYA ADM', 'MONTHLY FEE']);
      const interest = rupiah(Math.max(1, Math.round((balance / 100) * 0.0001)));
      push(eod + 60_000, interest, ['BUNGA', 'INTEREST']);
      push(eod + 120_000, -Math.max(100, Math.round(interest * 0.2 / 100) * 100), ['PAJAK BUNGA', 'TAX']);
    }
  }
  return out;
}

/** One new entry at `at`, continuing an account's history (for live notifications). */
export function nextTransaction(rand: () => number, at: Date, balanceMinor: number, id: string): SimTransaction {
  let roll = rand() * TOTAL_WEIGHT;
  const template = TEMPLATES.find((tp) => (roll -= tp.weight) < 0) ?? TEMPLATES[0];
  let { amountMinor, parts } = template.make(rand, DateTime.fromJSDate(at, { zone: 'Asia/Jakarta' }).toFormat('ddMM'));
  if (balanceMinor + amountMinor < 0) ({ amountMinor, parts } = { amountMinor: rupiah(250_000), parts: ['BI-FAST CR', 'ANDI WIJAYA'] });
  return { id, at, amountMinor, parts, balanceAfterMinor: balanceMinor + amountMinor };
}
