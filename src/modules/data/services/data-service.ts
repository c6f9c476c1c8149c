/**
 * The read-side use-cases the REST routes (and chat) call: list templates, validate a statement (dry run), and
 * stream a user's transactions out. Importing is ImportService (import-service.ts).
 */
import { Types } from 'mongoose';
import { NO_MAX_TIME } from '../../../db/limits.js';
import type { ModuleDeps } from '../../contract.js';
import type { Actor } from '../../../services/actor.js';
import { notFound } from '../../../lib/errors.js';
import type { StatementAccountHint } from './import-service.js';
import type { MappingService } from './mapping-service.js';
import type { ParseOptions } from './parse-statement.js';
import type { StatementSource } from './source.js';
import { ALL_TEMPLATES } from './templates/index.js';
import { validateStatement, type ValidationResult } from './validate.js';
import type { ExportTransaction } from './exporters/model.js';

export interface ExportQuery {
  from?: string;
  to?: string;
  accountId?: string;
  type?: 'credit' | 'debit';
  category?: string;
}

/** The account a statement names, when the user has it already (ImportService.findStatementAccount). */
export type StatementAccountLookup = (actor: Actor, hint: StatementAccountHint) => Promise<string | undefined>;

export class DataService {
  constructor(
    private readonly deps: Pick<ModuleDeps, 'models' | 'audit' | 'logger'>,
    private readonly mappings: MappingService,
    private readonly statementAccount?: StatementAccountLookup,
  ) {}

  templates() {
    return ALL_TEMPLATES.map((t) => ({ id: t.id, bank: t.bank, name: t.name, formats: t.formats, certainty: t.certainty, note: t.note, columns: t.columns, example: t.example }));
  }

  private async ownAccount(actor: Actor, accountId: string) {
    if (!Types.ObjectId.isValid(accountId)) throw notFound('account');
    const account = await this.deps.models.BankAccount.findOne({ _id: accountId, userId: actor.userId }).lean();
    if (!account) throw notFound('account');
    return account;
  }

  /**
   * Validation of a file from anywhere: a spooled upload, or `sourceFromBuffer(buffer)` for a chat download. Without
   * `accountId`, duplicates are counted against the account an import without one would land in (the one the
   * statement names, when the user has it), so the dry run says what the import will do; `accountId` says which.
   */
  async validate(actor: Actor, source: StatementSource, input: ParseOptions & { accountId?: string; mappingId?: string; fileName?: string }): Promise<ValidationResult & { accountId?: string }> {
    const { mappingId, fileName, ...options } = input;
    if (!options.mapping && mappingId) options.mapping = await this.mappings.mappingOf(actor, mappingId);
    if (options.accountId) await this.ownAccount(actor, options.accountId);
    const result = await this.validateAgainst(actor, source, options);
    if (options.accountId || !this.statementAccount) return result;
    const bank = result.template?.bank;
    const accountId = await this.statementAccount(actor, { accountNumber: result.info.accountNumber, bank, currency: result.info.currency, fileName: fileName ?? 'statement' });
    if (!accountId) return result;
    // Read again, now comparing with that account's rows (fingerprints are per account).
    return { ...(await this.validateAgainst(actor, source, { ...options, accountId })), accountId };
  }

  private async validateAgainst(actor: Actor, source: StatementSource, options: ParseOptions & { accountId?: string }): Promise<ValidationResult> {
    const tx = this.deps.models.BankTransaction;
    return validateStatement(source, {
      ...options,
      existing: async (candidates) => {
        const fingerprints = candidates.map((c) => c.fingerprint);
        const keys = candidates.flatMap((c) => (c.externalKey ? [c.externalKey] : []));
        const found = await tx.find({ userId: actor.userId, $or: [{ fingerprint: { $in: fingerprints } }, ...(keys.length ? [{ externalKey: { $in: keys } }] : [])] }, { fingerprint: 1, externalKey: 1 }).lean();
        return new Set(found.flatMap((f) => [f.fingerprint, ...(f.externalKey ? [f.externalKey] : [])]));
      },
    });
  }

  async *exportRows(actor: Actor, query: ExportQuery): AsyncGenerator<ExportTransaction> {
    const filter: Record<string, unknown> = { userId: new Types.ObjectId(actor.userId) };
    if (query.accountId) {
      await this.ownAccount(actor, query.accountId);
      filter.accountId = new Types.ObjectId(query.accountId);
    }
    if (query.from || query.to) filter.date = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lte: query.to } : {}) };
    if (query.type) filter.amountMinor = query.type === 'credit' ? { $gte: 0 } : { $lt: 0 };
    if (query.category) filter.category = query.category;
    // A stream as long as the user's history: a cursor's maxTimeMS would count all of it (src/db/limits.ts).
    // The Account column names each row's account (its display name, number masked), so an export of several
    // accounts (a synced bank, an imported statement, cash) can be told apart. A user has a handful of accounts.
    const accounts = await this.deps.models.BankAccount.find({ userId: new Types.ObjectId(actor.userId) }, { name: 1 }).lean();
    const accountNames = new Map(accounts.map((a) => [String(a._id), a.name]));
    const cursor = this.deps.models.BankTransaction.find(filter).sort({ bookedAt: 1, _id: 1 }).maxTimeMS(NO_MAX_TIME).lean().cursor({ batchSize: 1000 });
    for await (const t of cursor) {
      yield { date: t.date, description: t.description, amountMinor: t.amountMinor, currency: t.currency, balanceMinor: t.balanceMinor, category: t.category, tags: t.tags, account: accountNames.get(String(t.accountId)), source: t.source, externalId: t.externalId };
    }
  }
}
