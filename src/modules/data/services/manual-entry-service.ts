/**
 * Cash spending and income entered by hand (REST now, `/catat 25rb kopi` in chat later) land in the shared ledger
 * as source 'manual' on the user's cash account, made on first use. Two entries with the same day, amount and text
 * are two purchases: each takes the next occurrence index of the shared fingerprint rule.
 */
import { Types } from 'mongoose';
import type { ModuleDeps } from '../../contract.js';
import type { Actor } from '../../../services/actor.js';
import { AppError, isDuplicateKeyError, notFound } from '../../../lib/errors.js';
import { afterCursorDesc, pageOf } from '../../../lib/cursor.js';
import { minorToDecimal, currencyExponent } from '../../../lib/money.js';
import { toJakartaIso } from '../../../lib/time.js';
import { contentKey, fingerprintOf } from '../../ledger/services/fingerprint.js';
import type { LedgerTransaction } from '../../ledger/models/transaction.js';
import { categorizeManual } from './manual-category.js';

/** The cash wallet's fixed key on the ledger's unique {userId, accountNumberHash}: one per user even under a race. */
const CASH_ACCOUNT_KEY = 'cash-wallet';

export interface NewManualEntry {
  type: 'expense' | 'income';
  /** Positive minor units; the type gives the sign. */
  amountMinor: number;
  currency: string;
  description: string;
  /** 'YYYY-MM-DD' in Jakarta; today when absent. */
  date?: string;
  category?: string;
  tags?: string[];
}

function jakartaToday(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export class ManualEntryService {
  constructor(private readonly deps: Pick<ModuleDeps, 'models' | 'audit' | 'clock'>) {}

  /** The user's cash account, created atomically on first use. */
  async cashAccount(actor: Actor, currency = 'IDR') {
    const { BankAccount } = this.deps.models;
    const key = { userId: new Types.ObjectId(actor.userId), accountNumberHash: CASH_ACCOUNT_KEY };
    try {
      return await BankAccount.findOneAndUpdate(key, { $setOnInsert: { kind: 'cash', name: 'Cash', currency, syncFrequency: 'manual', status: 'active' } }, { upsert: true, returnDocument: 'after' }).lean();
    } catch (err) {
      // Two first entries at once: both upserts insert, the unique index keeps one; the loser reads it.
      if (!isDuplicateKeyError(err)) throw err;
      return BankAccount.findOne(key).lean();
    }
  }

  async create(actor: Actor, input: NewManualEntry) {
    currencyExponent(input.currency);
    const now = this.deps.clock.now();
    const date = input.date ?? jakartaToday(now);
    if (date > jakartaToday(new Date(now.getTime() + 86_400_000))) throw new AppError('VALIDATION_FAILED', 'date: cannot be in the future', { details: { issues: [{ field: 'date', reason: 'cannot be in the future' }] } });
    const account = await this.cashAccount(actor, input.currency);
    if (!account) throw new AppError('INTERNAL', 'cash account could not be created');
    const amountMinor = input.type === 'expense' ? -input.amountMinor : input.amountMinor;
    const accountId = String(account._id);
    const key = contentKey({ accountId, date, amountMinor, currency: input.currency, description: input.description });
    const category = input.category ?? categorizeManual({ description: input.description, amountMinor });
    // Today's date-less entries are stamped with the time they were entered, so a day's list keeps its order.
    const bookedAt = input.date ? new Date(Date.parse(`${date}T12:00:00+07:00`)) : now;
    const { BankTransaction } = this.deps.models;
    for (let attempt = 0; attempt < 5; attempt++) {
      const occurrence = await BankTransaction.countDocuments({ accountId: account._id, contentKey: key });
      try {
        const doc = await BankTransaction.create({
          userId: actor.userId,
          accountId: account._id,
          source: 'manual',
          date,
          bookedAt,
          amountMinor,
          currency: input.currency,
          description: input.description,
          fingerprint: fingerprintOf(key, occurrence),
          contentKey: key,
          category,
          categorySource: input.category ? 'user' : 'rule',
          tags: input.tags ?? [],
          ownTransfer: false,
        });
        await this.deps.audit.record({ actor, action: 'data.entry.create', target: { type: 'transaction', id: String(doc._id) }, metadata: { amountMinor, currency: input.currency, category } });
        return this.view(doc.toObject());
      } catch (err) {
        // Someone entered the same purchase at the same moment and took this occurrence: take the next one.
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    throw new AppError('CONFLICT', 'too many identical entries at once; try again');
  }

  async list(actor: Actor, query: { from?: string; to?: string; cursor?: string; limit: number }) {
    const filter: Record<string, unknown> = { userId: new Types.ObjectId(actor.userId), source: 'manual' };
    if (query.from || query.to) filter.date = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lte: query.to } : {}) };
    if (query.cursor) Object.assign(filter, afterCursorDesc('bookedAt', query.cursor));
    const docs = await this.deps.models.BankTransaction.find(filter).sort({ bookedAt: -1, _id: -1 }).limit(query.limit + 1).lean();
    const { page, nextCursor } = pageOf(docs, query.limit, (d) => d.bookedAt);
    return { entries: page.map((d) => this.view(d)), nextCursor };
  }

  async remove(actor: Actor, id: string): Promise<void> {
    if (!Types.ObjectId.isValid(id)) throw notFound('entry');
    // Only hand-entered rows: a bank or imported row is removed by bulk delete, which says what it matched first.
    const res = await this.deps.models.BankTransaction.deleteOne({ _id: id, userId: actor.userId, source: 'manual' });
    if (!res.deletedCount) throw notFound('entry');
    await this.deps.audit.record({ actor, action: 'data.entry.delete', target: { type: 'transaction', id } });
  }

  private view(d: LedgerTransaction) {
    return {
      id: String(d._id),
      accountId: String(d.accountId),
      date: d.date,
      type: d.amountMinor < 0 ? ('expense' as const) : ('income' as const),
      amountMinor: d.amountMinor,
      amount: minorToDecimal(d.amountMinor, d.currency),
      currency: d.currency,
      description: d.description,
      category: d.category,
      tags: d.tags,
      createdAt: toJakartaIso(d.createdAt),
    };
  }
}
