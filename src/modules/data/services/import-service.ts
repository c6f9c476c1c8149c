/**
 * Statement import as a durable job. `start` keeps the upload in DATA_DIR/imports/<jobId>, records the job and
 * enqueues the Agenda job `data.import`; `run` (called by that job, in whichever hub process takes it) streams the
 * file into the ledger in batches and records progress with a checkpoint. A process that dies mid-import leaves the
 * Agenda job locked; once the lock lifetime passes another process runs it again, `run` skips the writes the
 * checkpoint covers, and the shared dedupe rule (unique fingerprint / externalKey) turns anything written after the
 * checkpoint into a no-op, so a resumed import adds nothing twice and its counts stay exact.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { ModuleDeps } from '../../contract.js';
import type { Actor } from '../../../services/actor.js';
import { maskAccountNumber } from '../../../lib/crypto.js';
import { AppError, isDuplicateKeyError, notFound } from '../../../lib/errors.js';
import { toJakartaIso } from '../../../lib/time.js';
import { accountNumberHash } from '../../ledger/services/account-number.js';
import { LedgerBatchWriter } from './ledger-writer.js';
import type { MappingService } from './mapping-service.js';
import type { RowError, StatementInfo } from './model.js';
import { openStatement, type OpenedStatement, type ParseOptions } from './parse-statement.js';
import { sourceFromFile } from './source.js';
import { checkTotals, RowTotals } from './statement-checks.js';
import type { Mapping } from './templates/generic.js';

/** Imports a user may have queued or running at once (see refuseWhenBusy). */
export const MAX_PENDING_IMPORTS = 5;

export const IMPORT_JOB = 'data.import';
const MAX_STORED_ERRORS = 500;
const PROGRESS_EVERY_MS = 500;

export interface ImportRequest {
  fileName: string;
  accountId?: string;
  template?: string;
  mapping?: Mapping;
  /** A saved mapping of this user (POST /api/data/mappings); used when `mapping` is not given. */
  mappingId?: string;
  currency?: string;
}

export interface ImportProgress {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  processed: number;
  imported: number;
  duplicates: number;
  rejected: number;
}

type Deps = Pick<ModuleDeps, 'models' | 'audit' | 'logger' | 'jobs' | 'config' | 'cipher'>;

/** A file sent in chat waits this long for its Import button (the button itself expires after 15 minutes). */
const STAGED_TTL_MS = 60 * 60_000;
const STAGED_NAME = /^\.staged-([0-9a-f]{24})-([0-9a-f]{24})(\.hint)?$/;

/** What a statement says about the account it belongs to (StatementInfo + the template's bank). */
export interface StatementAccountHint {
  accountNumber?: string;
  bank?: string;
  currency?: string;
  fileName: string;
}

/** The digits of an account number a statement prints in full; undefined for a masked one (`******6789`, `0123xxxx89`). */
function fullAccountNumber(text: string | undefined): string | undefined {
  const t = text?.replace(/^'+/, '').trim();
  if (!t || !/^[\d\s.-]+$/.test(t)) return undefined;
  const digits = t.replace(/\D/g, '');
  return digits.length >= 6 ? digits : undefined;
}

export class ImportService {
  constructor(private readonly deps: Deps, private readonly mappings: MappingService) {}

  /** Where uploads wait for their job (same filesystem as the final name, so the hand-over is a rename). */
  async importsDir(): Promise<string> {
    const dir = path.resolve(this.deps.config.DATA_DIR, 'imports');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  private async fileOf(jobId: string): Promise<string> {
    return path.join(await this.importsDir(), jobId);
  }

  /** A fresh name under importsDir() for an upload still arriving (routes spool there; chat streams there). */
  async incomingPath(): Promise<string> {
    return path.join(await this.importsDir(), `.incoming-${randomBytes(8).toString('hex')}`);
  }

  /** For callers holding a stream (chat file downloads): spools it under importsDir() and starts the import. */
  async startFromStream(actor: Actor, stream: Readable, request: ImportRequest, maxBytes = 100 * 1024 * 1024): Promise<{ id: string; accountId: string }> {
    // Before the upload is spooled: a refused one never reaches the disk.
    await this.refuseWhenBusy(actor);
    const incoming = await this.incomingPath();
    let bytes = 0;
    try {
      await pipeline(
        stream,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            bytes += chunk.length;
            if (bytes > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `uploads are limited to ${maxBytes >> 20} MB`);
            yield chunk;
          }
        },
        createWriteStream(incoming),
      );
    } catch (err) {
      await rm(incoming, { force: true });
      throw err;
    }
    return this.start(actor, incoming, request);
  }

  /**
   * Checks the file can be read (format and layout recognised, so a wrong file is a 4xx now rather than a failed job
   * later), creates the account when none is given, records the job, moves the file to its job's name and enqueues.
   * The file at `incomingPath` is always consumed: moved on success, removed on failure.
   */
  async start(actor: Actor, incomingPath: string, request: ImportRequest): Promise<{ id: string; accountId: string }> {
    const { models } = this.deps;
    try {
      await this.refuseWhenBusy(actor);
      const parse = await this.parseOptions(actor, request);
      const opened = await openStatement(await sourceFromFile(incomingPath), parse);
      const info = await this.statementInfo(opened);
      const bank = opened.template?.bank !== 'ANY' ? opened.template?.bank : undefined;
      let account: { _id: Types.ObjectId };
      if (request.accountId) {
        const own = await this.ownAccount(actor, request.accountId);
        this.refuseOtherAccount(own, info.accountNumber, bank);
        account = own;
      } else {
        // The account the statement names (the one a bank sync or an earlier import of it already filled), found by
        // the ledger's one account-number rule, as a statement sent in chat is: a second upload of the same file, or
        // a retried request, then meets its own rows and adds nothing, and a synced period is not stored twice.
        const id = await this.accountForStatement(actor, { accountNumber: info.accountNumber, bank, currency: parse.currency ?? info.currency, fileName: request.fileName });
        account = { _id: new Types.ObjectId(id) };
      }
      const job = await models.ImportJob.create({
        userId: actor.userId,
        accountId: account._id,
        fileName: request.fileName,
        status: 'queued',
        format: opened.format,
        template: opened.template?.id,
        parse,
      });
      const id = String(job._id);
      await rename(incomingPath, await this.fileOf(id));
      await this.deps.jobs.enqueue(IMPORT_JOB, { importJobId: id }, { uniqueKey: id });
      await this.deps.audit.record({ actor, action: 'data.import.start', target: { type: 'importJob', id }, metadata: { format: opened.format, template: opened.template?.id, accountId: String(account._id) } });
      return { id, accountId: String(account._id) };
    } catch (err) {
      await rm(incomingPath, { force: true });
      throw err;
    }
  }

  /**
   * Each upload waits on disk (up to 100 MB) until its import runs, so one key sending file after file could fill the
   * disk faster than imports drain it: a user has at most MAX_PENDING_IMPORTS queued or running at once. Callers that
   * spool an upload ask first (the REST route, startFromStream), so a refused one never reaches the disk; start()
   * asks again for the imports that raced it and for files already staged (chat).
   */
  async refuseWhenBusy(actor: Actor): Promise<void> {
    const pending = await this.deps.models.ImportJob.countDocuments({ userId: actor.userId, status: { $in: ['queued', 'running'] } });
    if (pending >= MAX_PENDING_IMPORTS) {
      throw new AppError('RATE_LIMITED', `you already have ${pending} imports waiting or running; send this file again once one of them has finished (GET /api/data/import/:id)`, {
        retryable: true,
        retryAfterSeconds: 30,
      });
    }
  }

  /**
   * What the statement says about its account, before any row is imported: a table's header block, or, for OFX and
   * CAMT.053 (read whole into memory by their importers anyway), the info their events carry. Closes the reader.
   */
  private async statementInfo(opened: OpenedStatement): Promise<StatementInfo> {
    let info: StatementInfo = { ...opened.headerInfo };
    const whole = opened.format === 'ofx' || opened.format === 'camt053';
    for await (const event of opened.events) {
      if (!whole) break;
      if (event.kind === 'info') info = { ...info, ...event.info };
    }
    return info;
  }

  /**
   * A statement whose header names an account number other than the one the chosen account is known by belongs to
   * another account (the spouse's BCA, last year's closed one): importing it would mix two accounts' rows and
   * balances, so it is refused before anything is written.
   */
  private refuseOtherAccount(account: { bank?: string; accountNumberHash?: string }, statementNumber: string | undefined, templateBank: string | undefined) {
    const digits = fullAccountNumber(statementNumber);
    const bank = account.bank ?? templateBank;
    if (!digits || !account.accountNumberHash || !bank) return;
    if (accountNumberHash(bank, digits) === account.accountNumberHash) return;
    throw new AppError('UNPROCESSABLE', `this statement is for account ${maskAccountNumber(digits)}, not the account chosen; import it without accountId (it goes to its own account) or choose that account`, {
      details: { issues: [{ field: 'accountId', reason: `the statement names account ${maskAccountNumber(digits)}` }] },
    });
  }

  private async parseOptions(actor: Actor, request: ImportRequest): Promise<ParseOptions> {
    const mapping = request.mapping ?? (request.mappingId ? await this.mappings.mappingOf(actor, request.mappingId) : undefined);
    return { template: request.template, mapping, currency: request.currency };
  }

  private async ownAccount(actor: Actor, accountId: string) {
    if (!Types.ObjectId.isValid(accountId)) throw notFound('account');
    const account = await this.deps.models.BankAccount.findOne({ _id: accountId, userId: actor.userId }).lean();
    if (!account) throw notFound('account');
    return account;
  }

  /**
   * The ledger key of the account a statement belongs to: the bank and the account number it prints (so the same
   * account sent twice, or an account the bank capability already connected, is found again), or, for a file that
   * names no account, one "imported <bank/format>" account per user, so sending the same file twice still matches.
   */
  private accountKey(hint: StatementAccountHint): string {
    const bank = (hint.bank && hint.bank !== 'ANY' ? hint.bank : 'ANY').toUpperCase();
    const digits = hint.accountNumber?.replace(/[^0-9A-Za-z]/g, '');
    // The ledger's one account-number rule, so a statement account and the same account connected over SNAP are one.
    return digits && /\d/.test(digits) ? accountNumberHash(bank, digits) : `import:${bank}`;
  }

  /** The account a statement would land in, if this user has it already (previews count duplicates against it). */
  async findStatementAccount(actor: Actor, hint: StatementAccountHint): Promise<string | undefined> {
    const found = await this.deps.models.BankAccount.findOne({ userId: actor.userId, accountNumberHash: this.accountKey(hint) }, { _id: 1 }).lean();
    return found ? String(found._id) : undefined;
  }

  /** Finds or creates (atomically: two imports at once make one account) the account a statement belongs to. */
  async accountForStatement(actor: Actor, hint: StatementAccountHint): Promise<string> {
    const { BankAccount } = this.deps.models;
    const key = { userId: new Types.ObjectId(actor.userId), accountNumberHash: this.accountKey(hint) };
    const digits = hint.accountNumber?.replace(/[^0-9A-Za-z]/g, '');
    const bank = hint.bank && hint.bank !== 'ANY' ? hint.bank : undefined;
    const insert = {
      kind: 'import',
      name: (digits ? `${bank ?? 'Bank'} ${maskAccountNumber(digits)}` : `Imported: ${hint.fileName}`).slice(0, 120),
      currency: hint.currency ?? 'IDR',
      syncFrequency: 'manual',
      status: 'active',
      ...(bank ? { bank } : {}),
      ...(digits ? { accountNumberSealed: this.deps.cipher.encrypt(digits), accountNumberMasked: maskAccountNumber(digits) } : {}),
    };
    try {
      const doc = await BankAccount.findOneAndUpdate(key, { $setOnInsert: insert }, { upsert: true, returnDocument: 'after' }).lean();
      return String(doc!._id);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return String((await BankAccount.findOne(key, { _id: 1 }).lean())!._id);
    }
  }

  /**
   * Keeps a file sent in chat until its Import button is pressed (or not): written owner-only under
   * DATA_DIR/imports, named after its owner, so only they can start it. Files left over an hour are swept here.
   */
  async stage(actor: Actor, data: Buffer, hint: StatementAccountHint): Promise<string> {
    const dir = await this.importsDir();
    const token = new Types.ObjectId().toHexString();
    const base = path.join(dir, `.staged-${actor.userId}-${token}`);
    await writeFile(base, data, { mode: 0o600 });
    // What the statement said about its account, for the account the import will land in (kept beside the file,
    // which holds the same account number, rather than in the button's payload in the database).
    await writeFile(`${base}.hint`, JSON.stringify(hint), { mode: 0o600 });
    void this.sweepStaged(dir).catch((err) => this.deps.logger.warn({ err }, 'sweeping staged chat files failed'));
    return token;
  }

  /** Starts the durable import of a staged file (see `stage`); a missing or foreign one is a clear 404. */
  async startStaged(actor: Actor, token: string): Promise<{ id: string; accountId: string; fileName: string }> {
    if (!/^[0-9a-f]{24}$/.test(token)) throw notFound('staged file');
    const staged = path.join(await this.importsDir(), `.staged-${actor.userId}-${token}`);
    let hint: StatementAccountHint;
    try {
      hint = JSON.parse(await readFile(`${staged}.hint`, 'utf8')) as StatementAccountHint;
      await stat(staged);
    } catch {
      throw notFound('staged file');
    }
    await rm(`${staged}.hint`, { force: true });
    const accountId = await this.accountForStatement(actor, hint);
    const started = await this.start(actor, staged, { fileName: hint.fileName, accountId });
    return { ...started, fileName: hint.fileName };
  }

  async discardStaged(actor: Actor, token: string): Promise<void> {
    if (!/^[0-9a-f]{24}$/.test(token)) return;
    const base = path.join(await this.importsDir(), `.staged-${actor.userId}-${token}`);
    await rm(base, { force: true });
    await rm(`${base}.hint`, { force: true });
  }

  private async sweepStaged(dir: string): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(dir)) {
      const m = STAGED_NAME.exec(name);
      // The token is an ObjectId: its first 4 bytes are the time it was made.
      if (m && now - parseInt(m[2].slice(0, 8), 16) * 1000 > STAGED_TTL_MS) await rm(path.join(dir, name), { force: true });
    }
  }

  /**
   * Runs (or resumes) one import. Idempotent: a finished job is left alone. A file that turns out unreadable marks
   * the job failed; an infrastructure error (database gone) is thrown, so Agenda retries and the retry resumes.
   */
  /**
   * An import account learns its number from the statement header, hashed by the ledger's one rule, so connecting
   * the same account over SNAP later (or importing its next statement) lands on this account. When the user already
   * has an account with that number the unique index refuses, and this one stays as it is.
   */
  private async recordAccountNumber(accountId: Types.ObjectId, accountNumber: string | undefined) {
    if (!accountNumber || !/\d{6,}/.test(accountNumber)) return;
    const { models, cipher } = this.deps;
    const account = await models.BankAccount.findOne({ _id: accountId, kind: 'import', accountNumberHash: { $exists: false } }).lean();
    if (!account?.bank) return;
    const digits = accountNumber.replace(/\D/g, '');
    try {
      await models.BankAccount.updateOne(
        { _id: accountId, accountNumberHash: { $exists: false } },
        { $set: { accountNumberHash: accountNumberHash(account.bank, digits), accountNumberMasked: maskAccountNumber(digits), accountNumberSealed: cipher.encrypt(digits) } },
      );
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  async run(importJobId: string, onProgress?: (progress: ImportProgress) => void): Promise<void> {
    const { models, logger } = this.deps;
    const job = await models.ImportJob.findOneAndUpdate(
      { _id: importJobId, status: { $in: ['queued', 'running'] } },
      { $set: { status: 'running', startedAt: new Date() }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (!job) return;
    const file = await this.fileOf(importJobId);
    const exists = await stat(file).then(() => true, () => false);
    if (!exists) {
      await models.ImportJob.updateOne({ _id: job._id }, { status: 'failed', failure: 'the uploaded file is no longer there; upload it again (rows already imported will be skipped)', finishedAt: new Date() });
      return;
    }
    const resumedFrom = job.checkpoint?.validRows ?? 0;
    const writer = new LedgerBatchWriter(models, { userId: job.userId, accountId: job.accountId, importJobId: job._id });
    const base = resumedFrom > 0 ? job.checkpoint : { validRows: 0, imported: 0, duplicates: 0 };
    let processed = 0;
    let valid = 0;
    let rejected = 0;
    let pending = 0;
    const errors: RowError[] = [];
    const totals = new RowTotals();
    let info: StatementInfo = {};
    let lastProgress = Date.now();
    const progress = (status: ImportProgress['status']): ImportProgress => ({
      id: importJobId,
      status,
      processed,
      imported: base.imported + writer.imported,
      duplicates: base.duplicates + writer.duplicates,
      rejected,
    });
    try {
      const opened = await openStatement(await sourceFromFile(file), job.parse as ParseOptions);
      for await (const event of opened.events) {
        if (event.kind === 'info') info = { ...info, ...event.info };
        else if (event.kind === 'pending') pending++;
        else if (event.kind === 'error') {
          processed++;
          rejected++;
          if (errors.length < MAX_STORED_ERRORS) errors.push(event.error);
        } else {
          processed++;
          valid++;
          totals.add(event.row.amountMinor);
          if (valid <= resumedFrom) {
            writer.skip(event.row);
            continue;
          }
          await writer.add(event.row);
          // Right after a batch write every valid row so far is in the ledger: the only safe moment for a checkpoint.
          if (writer.buffered === 0 && Date.now() - lastProgress > PROGRESS_EVERY_MS) {
            lastProgress = Date.now();
            const p = progress('running');
            await models.ImportJob.updateOne({ _id: job._id }, { processed, imported: p.imported, duplicates: p.duplicates, rejected, checkpoint: { validRows: valid, imported: p.imported, duplicates: p.duplicates } });
            onProgress?.(p);
          }
        }
      }
      await writer.flush();
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const p = progress('failed');
      await models.ImportJob.updateOne({ _id: job._id }, { status: 'failed', failure: err.message, processed, imported: p.imported, duplicates: p.duplicates, rejected, errors, finishedAt: new Date() });
      await rm(file, { force: true });
      onProgress?.({ ...p, processed });
      return;
    }
    // A resumed run may have re-written rows the crashed run wrote after its last checkpoint; they came back as
    // duplicates of this very job. Count what this job put in the ledger instead of trusting the running tallies.
    let imported = base.imported + writer.imported;
    if (job.attempts > 1) imported = await models.BankTransaction.countDocuments({ userId: job.userId, accountId: job.accountId, importJobId: job._id });
    const duplicates = valid - imported;
    const checks = checkTotals(info.totals, totals, info.currency ?? 'IDR', rejected).map(({ check, ok, message }) => ({ check, ok, message }));
    // Everything the import does to the ledger happens before it says 'done' (a client reading the account right
    // after sees its number); recording the number is idempotent, so a crash here is simply resumed.
    await this.recordAccountNumber(job.accountId, info.accountNumber);
    await models.ImportJob.updateOne(
      { _id: job._id },
      { status: 'done', processed, imported, duplicates, rejected, pending, errors, checks, checkpoint: { validRows: valid, imported, duplicates }, finishedAt: new Date() },
    );
    // The upload goes only after 'done' is stored: a crash in between leaves a stray file, never a finished import
    // that a retry would mark failed for want of its file. So the file disappears just after 'done' is visible.
    await rm(file, { force: true });
    logger.info({ importJobId, processed, imported, duplicates, rejected, attempt: job.attempts }, 'import finished');
    onProgress?.({ id: importJobId, status: 'done', processed, imported, duplicates, rejected });
  }

  /** After the last retry of an infrastructure failure: the job ends failed (rows written so far stay) and its file goes. */
  async giveUp(importJobId: string): Promise<void> {
    // The cause (a database error…) is logged by the job, never shown: it may name hosts or settings.
    await this.deps.models.ImportJob.updateOne({ _id: importJobId, status: { $in: ['queued', 'running'] } }, { status: 'failed', failure: 'the import stopped after repeated internal errors; upload the file again (rows already imported will be skipped)', finishedAt: new Date() });
    await rm(await this.fileOf(importJobId), { force: true });
  }

  async get(actor: Actor, id: string) {
    if (!Types.ObjectId.isValid(id)) throw notFound('import');
    const job = await this.deps.models.ImportJob.findOne({ _id: id, userId: actor.userId }, { parse: 0, checkpoint: 0 }).lean();
    if (!job) throw notFound('import');
    const { _id, userId: _u, __v: _v, ...rest } = job as typeof job & { __v?: number };
    // Times in Asia/Jakarta like every other answer, not the UTC `Z` strings a Date would serialise to.
    const times = Object.fromEntries(
      (['createdAt', 'updatedAt', 'startedAt', 'finishedAt'] as const).flatMap((k) => {
        const v = (job as Record<string, unknown>)[k];
        return v instanceof Date ? [[k, toJakartaIso(v)]] : [];
      }),
    );
    return { id: String(_id), ...rest, ...times, accountId: String(job.accountId) };
  }

  /**
   * Follows an import from anywhere (the job may run in another hub process): calls `onProgress` when the counts
   * change and resolves with the final state. For chat, which edits one message as the import advances.
   */
  async follow(actor: Actor, id: string, onProgress: (progress: ImportProgress) => void | Promise<void>, options: { intervalMs?: number; timeoutMs?: number } = {}): Promise<ImportProgress> {
    const interval = options.intervalMs ?? 1000;
    const deadline = Date.now() + (options.timeoutMs ?? 60 * 60_000);
    let last = '';
    for (;;) {
      const job = await this.get(actor, id);
      const p: ImportProgress = { id, status: job.status, processed: job.processed, imported: job.imported, duplicates: job.duplicates, rejected: job.rejected };
      const key = JSON.stringify(p);
      if (key !== last) {
        last = key;
        await onProgress(p);
      }
      if (p.status === 'done' || p.status === 'failed' || Date.now() > deadline) return p;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}
