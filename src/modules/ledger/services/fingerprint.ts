/**
 * The one dedupe rule shared by bank sync, bank notifications, statement import and manual entry.
 *
 * A row is the same transaction as a stored one when (a) the bank gave an id and the account already has a row with
 * that id, or (b) its content fingerprint matches: account, booking date, signed amount, currency, normalised
 * description and an occurrence index. The occurrence index numbers rows with the same content within one source
 * batch (0, 1, 2… in the order the source lists them), so two genuinely identical purchases on one day are both
 * kept, while the same statement imported twice, or imported after the bank synced that period, adds nothing.
 */
import crypto from 'node:crypto';

/**
 * Hex SHA-256 of a short string. `crypto.hash` (Node ≥ 20.12) is the one-shot form: a statement of 10,000 rows takes
 * two digests a row, and the Hash object per digest was most of their cost (measured 4× slower). Same bytes either way.
 */
const sha256Hex: (data: string) => string =
  // Node 20.10/20.11 (engines allow them) have no crypto.hash yet.
  typeof crypto.hash === 'function' ? (data) => crypto.hash('sha256', data, 'hex') : (data) => crypto.createHash('sha256').update(data).digest('hex');

export interface FingerprintInput {
  accountId: string;
  /** 'YYYY-MM-DD', Jakarta booking date. */
  date: string;
  amountMinor: number;
  currency: string;
  description: string;
  /** `normalizeDescription(description)`, when the caller already has it (it also categorises by it). */
  normalizedDescription?: string;
}

/**
 * Descriptions differ between a bank's API, its CSV and its PDF in case, spacing and punctuation
 * ("TRSF E-BANKING DB 0112/FTSCY/WS95051" vs "trsf e-banking db 0112 ftscy ws95051"): compare letters and digits only.
 */
export function normalizeDescription(description: string): string {
  return description
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function contentKey(input: FingerprintInput): string {
  const parts = [input.accountId, input.date, String(input.amountMinor), input.currency.toUpperCase(), input.normalizedDescription ?? normalizeDescription(input.description)];
  return sha256Hex(parts.join('\u001f'));
}

export function fingerprintOf(key: string, occurrence: number): string {
  return sha256Hex(`${key}\u001f${occurrence}`);
}

/**
 * Fingerprints for one batch of rows from one source, in the order the source lists them. `alreadyStored` gives,
 * for a content key, how many rows with that key the account already has from *other* batches that this batch
 * does not cover (e.g. a single notification arriving between two syncs); usually 0.
 */
export function fingerprintBatch<T extends FingerprintInput>(rows: T[], alreadyStored: (contentKey: string) => number = () => 0): (T & { contentKey: string; fingerprint: string })[] {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const key = contentKey(row);
    const occurrence = seen.get(key) ?? alreadyStored(key);
    seen.set(key, occurrence + 1);
    return { ...row, contentKey: key, fingerprint: fingerprintOf(key, occurrence) };
  });
}
