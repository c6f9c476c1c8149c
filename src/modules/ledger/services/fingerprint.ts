/**
 * The one dedupe rule shared by bank sync, bank notifications, statement import and manual entry.
 *
 * A row is the same transaction as a stored one when (a) the bank gave an id and the account already has a row with
 * that id, or (b) its content fingerprint matches: account, booking date, signed amount, currency, normalised
 * description and an occurrence index. The occurrence index numbers rows with the same content within one source
 * batch (0, 1, 2… in the order the source lists them), so two genuinely identical purchases on one day are both
 * kept, while the same statement imported twice, or imported after the bank synced that period, adds nothing.
 */
import { createHash } from 'node:crypto';

export interface FingerprintInput {
  accountId: string;
  /** 'YYYY-MM-DD', Jakarta booking date. */
  date: string;
  amountMinor: number;
  currency: string;
  description: string;
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
  const parts = [input.accountId, input.date, String(input.amountMinor), input.currency.toUpperCase(), normalizeDescription(input.description)];
  return createHash('sha256').update(parts.join('\u001f')).digest('hex');
}

export function fingerprintOf(key: string, occurrence: number): string {
  return createHash('sha256').update(`${key}\u001f${occurrence}`).digest('hex');
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
