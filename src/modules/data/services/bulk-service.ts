/**
 * Bulk changes to a user's ledger rows, by ids or by a filter: recategorise, tag, untag or delete. Always scoped to
 * the acting user (a foreign id simply matches nothing), a dry run answers the count first, and every real run
 * is audited with what it matched and changed.
 */
import { Types } from 'mongoose';
import type { ModuleDeps } from '../../contract.js';
import type { Actor } from '../../../services/actor.js';
import { validationFailed } from '../../../lib/errors.js';

export interface BulkFilter {
  from?: string;
  to?: string;
  accountId?: string;
  category?: string;
  source?: 'sync' | 'notification' | 'import' | 'manual';
  type?: 'credit' | 'debit';
  /** Case-insensitive text the description contains. */
  descriptionContains?: string;
  importJobId?: string;
  tag?: string;
}

export type BulkRequest = { dryRun?: boolean; ids?: string[]; filter?: BulkFilter } & (
  | { action: 'recategorize'; category: string }
  | { action: 'tag' | 'untag'; tags: string[] }
  | { action: 'delete' }
);

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class BulkService {
  constructor(private readonly deps: Pick<ModuleDeps, 'models' | 'audit'>) {}

  private query(actor: Actor, request: BulkRequest): Record<string, unknown> {
    if (!!request.ids === !!request.filter) throw validationFailed([{ field: 'ids', reason: 'give either ids or filter (exactly one)' }]);
    const q: Record<string, unknown> = { userId: new Types.ObjectId(actor.userId) };
    if (request.ids) {
      q._id = { $in: request.ids.map((id) => new Types.ObjectId(id)) };
      return q;
    }
    const f = request.filter!;
    if (Object.values(f).every((v) => v === undefined)) throw validationFailed([{ field: 'filter', reason: 'an empty filter would match every row; name at least one condition' }]);
    if (f.from || f.to) q.date = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lte: f.to } : {}) };
    if (f.accountId) q.accountId = new Types.ObjectId(f.accountId);
    if (f.category) q.category = f.category;
    if (f.source) q.source = f.source;
    if (f.type) q.amountMinor = f.type === 'credit' ? { $gte: 0 } : { $lt: 0 };
    if (f.descriptionContains) q.description = { $regex: escapeRegex(f.descriptionContains), $options: 'i' };
    if (f.importJobId) q.importJobId = new Types.ObjectId(f.importJobId);
    if (f.tag) q.tags = f.tag;
    return q;
  }

  async apply(actor: Actor, request: BulkRequest): Promise<{ action: string; dryRun: boolean; matched: number; changed: number }> {
    const { BankTransaction } = this.deps.models;
    const q = this.query(actor, request);
    const matched = await BankTransaction.countDocuments(q);
    if (request.dryRun) return { action: request.action, dryRun: true, matched, changed: 0 };
    let changed = 0;
    if (request.action === 'delete') changed = (await BankTransaction.deleteMany(q)).deletedCount ?? 0;
    else if (request.action === 'recategorize') changed = (await BankTransaction.updateMany(q, { $set: { category: request.category, categorySource: 'user' } })).modifiedCount;
    else if (request.action === 'tag') changed = (await BankTransaction.updateMany(q, { $addToSet: { tags: { $each: request.tags } } })).modifiedCount;
    else changed = (await BankTransaction.updateMany(q, { $pull: { tags: { $in: request.tags } } })).modifiedCount;
    await this.deps.audit.record({
      actor,
      action: `data.bulk.${request.action}`,
      target: { type: 'transactions', id: request.ids ? `${request.ids.length} ids` : 'filter' },
      metadata: { matched, changed, filter: request.filter, ids: request.ids?.slice(0, 100), category: 'category' in request ? request.category : undefined, tags: 'tags' in request ? request.tags : undefined },
    });
    return { action: request.action, dryRun: false, matched, changed };
  }
}
