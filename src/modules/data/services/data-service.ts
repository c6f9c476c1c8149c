/**
 * The import/export use-cases the REST routes (and later chat and jobs) call: validate a statement, import it into
 * the ledger as a tracked job, read a job's progress, list templates, and stream a user's transactions out.
 */
import { Types } from 'mongoose';
import type { ModuleDeps } from '../../contract.js';
import type { Actor } from '../../../services/actor.js';
import { maskAccountNumber } from '../../../lib/crypto.js';
import { AppError, isDuplicateKeyError, notFound } from '../../../lib/errors.js';
import { accountNumberHash } from '../../ledger/services/account-number.js';
import { LedgerBatchWriter } from './ledger-writer.js';
import { openStatement, type ParseOptions } from './parse-statement.js';
import type { StatementSource } from './source.js';
import { checkTotals, RowTotals } from './statement-checks.js';
import { ALL_TEMPLATES } from './templates/index.js';
import { validateStatement, type ValidationResult } from './validate.js';
import type { ExportTransaction } from './exporters/model.js';

export interface ImportOptions extends ParseOptions {
  fileName: string;
  accountId?: string;
  /** Called when the job no longer needs the file (the route's spooled upload). */
  release?: () => Promise<void>;
}

export interface ExportQuery {
  from?: string;
  to?: string;
  accountId?: string;
  type?: 'credit' | 'debit';
  category?: string;
}

const MAX_STORED_ERRORS = 500;

export class DataService {
  /** Imports still running in this process; tests and shutdown wait for them. */
  readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: Pick<ModuleDeps, 'models' | 'audit' | 'logger' | 'cipher'>) {}

  templates() {
    return ALL_TEMPLATES.map((t) => ({ id: t.id, bank: t.bank, name: t.name, formats: t.formats, certainty: t.certainty, note: t.note, columns: t.columns, example: t.example }));
  }

  private async ownAccount(actor: Actor, accountId: string) {
    if (!Types.ObjectId.isValid(accountId)) throw notFound('account');
    const account = await this.deps.models.BankAccount.findOne({ _id: accountId, userId: actor.userId }).lean();
    if (!account) throw notFound('account');
    return account;
  }

  async validate(actor: Actor, source: StatementSource, options: ParseOptions & { accountId?: string }): Promise<ValidationResult> {
    if (options.accountId) await this.ownAccount(actor, options.accountId);
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

  /** Opens the file first (so a wrong or hostile file is refused before a job exists), then imports in the background. */
  async startImport(actor: Actor, source: StatementSource, options: ImportOptions): Promise<{ id: string; accountId: string }> {
    const opened = await openStatement(source, options);
    const { models } = this.deps;
    const account = options.accountId
      ? await this.ownAccount(actor, options.accountId)
      : await models.BankAccount.create({
          // No number yet (the statement's header is read while importing): the ledger's unique index on
          // {userId, accountNumberHash} is partial, so accounts without one never collide.
          userId: actor.userId, kind: 'import', name: `Imported: ${options.fileName}`.slice(0, 120), currency: options.currency ?? 'IDR', bank: opened.template?.bank !== 'ANY' ? opened.template?.bank : undefined });
    const job = await models.ImportJob.create({ userId: actor.userId, accountId: account._id, fileName: options.fileName, status: 'running', format: opened.format, template: opened.template?.id });
    await this.deps.audit.record({ actor, action: 'data.import.start', target: { type: 'importJob', id: String(job._id) }, metadata: { format: opened.format, template: opened.template?.id, accountId: String(account._id) } });
    const writer = new LedgerBatchWriter(models, { userId: new Types.ObjectId(actor.userId), accountId: account._id, importJobId: job._id });
    const run = (async () => {
      let processed = 0;
      let rejected = 0;
      let pending = 0;
      const errors: { row: number; field: string; message: string }[] = [];
      const totals = new RowTotals();
      let info: import('./model.js').StatementInfo = {};
      let lastProgress = Date.now();
      try {
        for await (const event of opened.events) {
          if (event.kind === 'info') info = { ...info, ...event.info };
          else if (event.kind === 'pending') pending++;
          else if (event.kind === 'error') {
            processed++;
            rejected++;
            if (errors.length < MAX_STORED_ERRORS) errors.push(event.error);
          } else {
            processed++;
            totals.add(event.row.amountMinor);
            await writer.add(event.row);
            if (Date.now() - lastProgress > 500) {
              lastProgress = Date.now();
              await models.ImportJob.updateOne({ _id: job._id }, { processed, imported: writer.imported, duplicates: writer.duplicates, rejected });
            }
          }
        }
        await writer.flush();
        if (!options.accountId) await this.recordAccountNumber(account._id, opened.template?.bank, info.accountNumber);
        const checks = checkTotals(info.totals, totals, info.currency ?? 'IDR', rejected).map(({ check, ok, message }) => ({ check, ok, message }));
        await models.ImportJob.updateOne({ _id: job._id }, { status: 'done', processed, imported: writer.imported, duplicates: writer.duplicates, rejected, pending, errors, checks, finishedAt: new Date() });
      } catch (err) {
        await writer.flush().catch(() => {});
        const message = err instanceof AppError ? err.message : 'the import stopped on an internal error';
        this.deps.logger.error({ err, importJobId: String(job._id) }, 'import failed');
        await models.ImportJob.updateOne({ _id: job._id }, { status: 'failed', failure: message, processed, imported: writer.imported, duplicates: writer.duplicates, rejected, errors, finishedAt: new Date() });
      } finally {
        await options.release?.().catch(() => {});
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return { id: String(job._id), accountId: String(account._id) };
  }

  /**
   * A new import account learns its number from the statement header, hashed by the ledger's one rule, so connecting
   * the same account over SNAP later (or importing its next statement) lands on this account. When the user already
   * has an account with that number the unique index refuses, and this one stays as it is.
   */
  private async recordAccountNumber(accountId: Types.ObjectId, bank: string | undefined, accountNumber: string | undefined) {
    if (!bank || bank === 'ANY' || !accountNumber || !/\d{6,}/.test(accountNumber)) return;
    const digits = accountNumber.replace(/\D/g, '');
    try {
      await this.deps.models.BankAccount.updateOne(
        { _id: accountId, accountNumberHash: { $exists: false } },
        { $set: { accountNumberHash: accountNumberHash(bank, digits), accountNumberMasked: maskAccountNumber(digits), accountNumberSealed: this.deps.cipher.encrypt(digits) } },
      );
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  async getImport(actor: Actor, id: string) {
    if (!Types.ObjectId.isValid(id)) throw notFound('import');
    const job = await this.deps.models.ImportJob.findOne({ _id: id, userId: actor.userId }).lean();
    if (!job) throw notFound('import');
    const { _id, userId: _u, __v: _v, ...rest } = job as typeof job & { __v?: number };
    return { id: String(_id), ...rest, accountId: String(job.accountId) };
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
    const cursor = this.deps.models.BankTransaction.find(filter).sort({ bookedAt: 1, _id: 1 }).lean().cursor({ batchSize: 1000 });
    for await (const t of cursor) {
      yield { date: t.date, description: t.description, amountMinor: t.amountMinor, currency: t.currency, balanceMinor: t.balanceMinor, category: t.category, tags: t.tags, source: t.source, externalId: t.externalId };
    }
  }
}
