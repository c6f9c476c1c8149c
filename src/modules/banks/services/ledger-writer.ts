/**
 * Writes bank rows (from a statement sync or one notification) into the shared ledger with the one dedupe rule of
 * `ledger/services/fingerprint.ts`: the bank's id when it gives one, else the content fingerprint with its
 * occurrence index. Existing rows of the days touched are read once (one range query on the account's index), the
 * decision is made in memory, and new rows go in with one unordered bulk insert; a row a concurrent writer stored
 * first surfaces as a duplicate-key error and is counted as a duplicate, never as a failure.
 */
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../../../lib/errors.js';
import { jakartaDate, jakartaEndOfDay, jakartaStartOfDay } from '../../../lib/time.js';
import { categorize, type UserCategoryOverride } from '../../ledger/services/categorize.js';
import { fingerprintBatch, fingerprintOf, normalizeDescription } from '../../ledger/services/fingerprint.js';
import type { LedgerTransactionModel, TransactionSource } from '../../ledger/models/transaction.js';
import type { SnapStatementEntry } from '../providers/snap/types.js';

export interface WriteResult {
  inserted: number;
  duplicates: number;
  insertedIds: Types.ObjectId[];
}

export async function writeBankRows(
  transactions: LedgerTransactionModel,
  input: {
    userId: Types.ObjectId;
    accountId: Types.ObjectId;
    source: Extract<TransactionSource, 'sync' | 'notification'>;
    rows: SnapStatementEntry[];
    /**
     * 'whole-days': the rows cover every day they touch completely (a statement window aligned to Jakarta days), so
     * occurrence indexes start at 0 per day. 'partial': a lone notification; it continues after rows already stored.
     */
    coverage: 'whole-days' | 'partial';
    overrides?: UserCategoryOverride[];
    syncRunId?: Types.ObjectId;
    now: Date;
  },
): Promise<WriteResult> {
  if (input.rows.length === 0) return { inserted: 0, duplicates: 0, insertedIds: [] };
  const accountKey = String(input.accountId);
  let first = Infinity;
  let last = -Infinity;
  for (const r of input.rows) {
    const t = r.bookedAt.getTime();
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const dayStart = jakartaStartOfDay(first);
  const dayEnd = jakartaEndOfDay(last);
  const existing = await transactions
    .find({ accountId: input.accountId, bookedAt: { $gte: dayStart, $lte: dayEnd } }, { externalKey: 1, externalId: 1, fingerprint: 1, contentKey: 1, bookedAt: 1 })
    .lean();
  const byExternalKey = new Set(existing.map((e) => e.externalKey).filter(Boolean));
  const byFingerprint = new Map(existing.map((e) => [e.fingerprint, e]));
  const rows = input.rows.map((r) => ({ ...r, accountId: accountKey, date: jakartaDate(r.bookedAt), normalizedDescription: normalizeDescription(r.description) }));
  // A lone entry's occurrence is its rank that day among stored rows of the same content booked before it, so a
  // redelivered notification (same instant) lands on its first copy while a second identical purchase later that
  // day gets the next index — the same index a later whole-day statement sync gives it.
  const fingerprinted =
    input.coverage === 'whole-days'
      ? fingerprintBatch(rows)
      : rows.map((row) => fingerprintBatch([row], (key) => existing.filter((e) => e.contentKey === key && e.bookedAt.getTime() < row.bookedAt.getTime()).length)[0]);
  const taken = new Set<string>();
  const docs: Record<string, unknown>[] = [];
  const attachIds: { _id: Types.ObjectId; externalId: string }[] = [];
  let duplicates = 0;
  for (const row of fingerprinted) {
    const externalKey = row.externalId ? `${accountKey}:${row.externalId}` : undefined;
    if (externalKey && byExternalKey.has(externalKey)) {
      duplicates++;
      continue;
    }
    let fingerprint = row.fingerprint;
    const match = byFingerprint.get(fingerprint);
    if (match) {
      if (!(row.externalId && match.externalId && match.externalId !== row.externalId)) {
        // Same content already stored (e.g. imported from a statement without ids): keep one row, and remember the
        // bank's id on it so later syncs find it by id.
        if (row.externalId && !match.externalId) attachIds.push({ _id: match._id, externalId: row.externalId });
        duplicates++;
        continue;
      }
      // Two genuinely different entries (different bank ids) with the same content: the next free occurrence.
      for (let k = 0; byFingerprint.has(fingerprint) || taken.has(fingerprint); k++) fingerprint = fingerprintOf(row.contentKey, k);
    }
    if (taken.has(fingerprint)) {
      duplicates++;
      continue;
    }
    taken.add(fingerprint);
    if (externalKey) byExternalKey.add(externalKey);
    const category = categorize({ description: row.description, normalized: row.normalizedDescription, amountMinor: row.amountMinor }, input.overrides);
    const doc: Record<string, unknown> = {
      _id: new Types.ObjectId(),
      userId: input.userId,
      accountId: input.accountId,
      source: input.source,
      date: row.date,
      bookedAt: row.bookedAt,
      amountMinor: row.amountMinor,
      currency: row.currency,
      description: row.description,
      fingerprint,
      contentKey: row.contentKey,
      category: category.category,
      categorySource: category.source === 'user' ? 'user' : 'rule',
      tags: [],
      ownTransfer: false,
      createdAt: input.now,
      updatedAt: input.now,
    };
    // Optional fields set only when present (no empty-object spreads per row on a 10,000-row statement).
    if (row.balanceMinor !== undefined) doc.balanceMinor = row.balanceMinor;
    if (externalKey) {
      doc.externalId = row.externalId;
      doc.externalKey = externalKey;
    }
    if (input.syncRunId) doc.syncRunId = input.syncRunId;
    docs.push(doc);
  }
  for (const a of attachIds) {
    await transactions.updateOne({ _id: a._id, externalKey: { $exists: false } }, { $set: { externalId: a.externalId, externalKey: `${accountKey}:${a.externalId}` } }).catch(() => undefined);
  }
  let insertedIds = docs.map((d) => d._id as Types.ObjectId);
  if (docs.length) {
    try {
      // The driver directly: the documents are built whole above, and one unordered bulk insert is what keeps a
      // 10,000-row statement close to the speed of a plain insert.
      await transactions.collection.insertMany(docs, { ordered: false });
    } catch (err) {
      const writeErrors = (err as { writeErrors?: { index?: number; code?: number; err?: { index?: number; code?: number } }[] }).writeErrors;
      if (!writeErrors && !isDuplicateKeyError(err)) throw err;
      const failed = (writeErrors ?? []).map((w) => ({ index: w.index ?? w.err?.index, code: w.code ?? w.err?.code }));
      if (failed.some((f) => f.code !== 11000)) throw err;
      const failedIndexes = new Set(failed.map((f) => f.index));
      insertedIds = insertedIds.filter((_, i) => !failedIndexes.has(i));
      duplicates += failed.length;
    }
  }
  return { inserted: insertedIds.length, duplicates, insertedIds };
}
