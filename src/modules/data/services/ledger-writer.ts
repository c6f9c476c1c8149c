/**
 * Writes parsed statement rows into the shared ledger (bankTransactions) in batches, with the one dedupe rule:
 * rows already stored (same externalKey, or same fingerprint incl. occurrence index) are counted as duplicates by
 * the unique indexes themselves, so a re-import, an overlapping period, or a period the bank synced adds nothing twice.
 */
import type { Types } from 'mongoose';
import type { Models } from '../../../db/models/index.js';
import { isDuplicateKeyError } from '../../../lib/errors.js';
import { OccurrenceCounter } from './occurrences.js';
import type { StatementRow } from './model.js';

export const BATCH_SIZE = 1000;

function jakartaMidnightUtc(date: string): Date {
  // Asia/Jakarta is UTC+7 all year (no DST).
  return new Date(Date.parse(`${date}T00:00:00+07:00`));
}

export class LedgerBatchWriter {
  private batch: Record<string, unknown>[] = [];
  private readonly occurrences = new OccurrenceCounter();
  imported = 0;
  duplicates = 0;

  constructor(
    private readonly models: Models,
    private readonly target: { userId: Types.ObjectId; accountId: Types.ObjectId; importJobId: Types.ObjectId },
  ) {}

  async add(row: StatementRow): Promise<void> {
    const accountId = String(this.target.accountId);
    const { contentKey, fingerprint } = this.occurrences.next({ accountId, date: row.date, amountMinor: row.amountMinor, currency: row.currency, description: row.description });
    this.batch.push({
      userId: this.target.userId,
      accountId: this.target.accountId,
      source: 'import',
      date: row.date,
      bookedAt: jakartaMidnightUtc(row.date),
      amountMinor: row.amountMinor,
      currency: row.currency,
      ...(row.balanceMinor !== undefined ? { balanceMinor: row.balanceMinor } : {}),
      description: row.description,
      ...(row.externalId ? { externalId: row.externalId, externalKey: `${accountId}:${row.externalId}` } : {}),
      fingerprint,
      contentKey,
      category: 'uncategorized',
      categorySource: 'rule',
      tags: [],
      ownTransfer: false,
      importJobId: this.target.importJobId,
    });
    if (this.batch.length >= BATCH_SIZE) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.batch.length) return;
    const docs = this.batch;
    this.batch = [];
    try {
      const inserted = await this.models.BankTransaction.insertMany(docs, { ordered: false, rawResult: false, lean: true });
      this.imported += inserted.length;
    } catch (err) {
      // Unordered insert: every non-duplicate row went in; only duplicate-key failures are expected here.
      const e = err as { writeErrors?: { code?: number; err?: { code?: number } }[]; insertedDocs?: unknown[]; result?: { insertedCount?: number } };
      const writeErrors = e.writeErrors ?? [];
      if (!writeErrors.length && !isDuplicateKeyError(err)) throw err;
      const other = writeErrors.filter((w) => (w.code ?? w.err?.code) !== 11000);
      if (other.length) throw err;
      const dupes = writeErrors.length || 1;
      this.duplicates += dupes;
      this.imported += docs.length - dupes;
    }
  }
}
