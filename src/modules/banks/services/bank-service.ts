/**
 * The banks use-cases the REST routes, jobs and chat commands call, each for one user (an account of another user
 * is "not found", never "forbidden": its existence is not revealed). Account numbers leave only masked.
 */
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { Config } from '../../../config/env.js';
import { decodeCursor, pageOf } from '../../../lib/cursor.js';
import { strictDate } from '../../../lib/dates.js';
import { AppError, notFound, validationFailed } from '../../../lib/errors.js';
import { minorToDecimal } from '../../../lib/money.js';
import { JAKARTA, toJakartaIso } from '../../../lib/time.js';
import type { Actor } from '../../../services/actor.js';
import type { AuditService } from '../../../services/audit.js';
import type { Account, AccountModel, SyncFrequency } from '../../ledger/models/account.js';
import type { LedgerTransaction, LedgerTransactionModel } from '../../ledger/models/transaction.js';
import { categorize, type Category } from '../../ledger/services/categorize.js';
import { normalizeDescription } from '../../ledger/services/fingerprint.js';
import type { BankConnectionModel } from '../models/bank-connection.js';
import type { CategoryOverrideModel } from '../models/category-override.js';
import { BANK_PROFILES } from '../providers/profiles.js';
import { BANK_CODES } from '../providers/snap/types.js';
import type { SnapClient } from '../providers/snap/client.js';
import type { BankBalanceService, BalanceView } from './balance-service.js';
import type { BankConnectService } from './connect-service.js';
import type { BankSyncSchedule } from './sync-schedule.js';
import type { BankSyncService, SyncRunView } from './sync-service.js';

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Query of GET /api/bank/transactions/:accountId. A date without a time is a whole Jakarta day. */
export const TransactionQuerySchema = z
  .object({
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    type: z.enum(['credit', 'debit']).optional(),
    minAmount: z.coerce.number().int().min(0).optional(),
    maxAmount: z.coerce.number().int().min(0).optional(),
    text: z.string().trim().min(1).max(100).optional(),
    category: z.string().max(60).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => q.minAmount === undefined || q.maxAmount === undefined || q.minAmount <= q.maxAmount, { path: ['maxAmount'], message: 'must not be below minAmount' });
export type TransactionQuery = z.infer<typeof TransactionQuerySchema>;

function instant(field: 'from' | 'to', value: string): Date {
  if (DAY_ONLY.test(value)) {
    const day = DateTime.fromISO(value, { zone: JAKARTA });
    if (!day.isValid) throw validationFailed([{ field, reason: 'is not a calendar date', in: 'query' }]);
    return (field === 'from' ? day.startOf('day') : day.endOf('day')).toJSDate();
  }
  const parsed = strictDate().safeParse(value);
  if (!parsed.success) throw validationFailed([{ field, reason: parsed.error.issues[0]?.message ?? 'is not a date', in: 'query' }]);
  return parsed.data;
}

export const accountView = (a: Account) => ({
  id: String(a._id),
  kind: a.kind,
  bank: a.bank ?? null,
  name: a.name,
  accountNumberMasked: a.accountNumberMasked ?? null,
  currency: a.currency,
  balanceMinor: a.balanceMinor ?? null,
  availableBalanceMinor: a.availableBalanceMinor ?? null,
  balanceAt: a.balanceAt ? toJakartaIso(a.balanceAt) : null,
  syncFrequency: a.syncFrequency,
  lastSyncedAt: a.lastSyncedAt ? toJakartaIso(a.lastSyncedAt) : null,
  status: a.status,
});
export type AccountView = ReturnType<typeof accountView>;

export const transactionView = (t: LedgerTransaction) => ({
  id: String(t._id),
  accountId: String(t.accountId),
  date: t.date,
  bookedAt: toJakartaIso(t.bookedAt),
  amountMinor: t.amountMinor,
  amount: minorToDecimal(t.amountMinor, t.currency),
  currency: t.currency,
  balanceMinor: t.balanceMinor ?? null,
  description: t.description,
  category: t.category,
  categorySource: t.categorySource,
  ownTransfer: t.ownTransfer,
  source: t.source,
});
export type TransactionView = ReturnType<typeof transactionView>;

export interface BankServiceDeps {
  config: Config;
  accounts: AccountModel;
  transactions: LedgerTransactionModel;
  overrides: CategoryOverrideModel;
  connections: BankConnectionModel;
  clients: Map<string, SnapClient>;
  connect: BankConnectService;
  balances: BankBalanceService;
  sync: BankSyncService;
  schedule: BankSyncSchedule;
  audit: AuditService;
}

export class BankService {
  constructor(private readonly deps: BankServiceDeps) {}

  providers() {
    return BANK_CODES.map((code) => {
      const profile = BANK_PROFILES[code];
      const client = this.deps.clients.get(code.toLowerCase());
      return {
        code,
        name: profile.name,
        enabled: Boolean(client),
        // Live when the bank's own credentials are configured; else our simulator (never in production).
        mode: !client ? ('off' as const) : this.deps.config[`BANK_${code}_CLIENT_ID`] ? ('live' as const) : ('sandbox' as const),
        consent: profile.consent,
        statementWindowDays: profile.maxStatementDays,
        coverage: profile.coverage,
      };
    });
  }

  /**
   * Where a redirect bank sends its holder back: PUBLIC_BASE_URL when set, else the origin the request came in on
   * (the caller's own view of the hub), else this process's port on loopback.
   */
  consentCallbackUrl(bank: string, requestOrigin?: string): string {
    const base = (this.deps.config.PUBLIC_BASE_URL ?? requestOrigin ?? `http://127.0.0.1:${this.deps.config.PORT}`).replace(/\/$/, '');
    return `${base}/webhooks/bank/${bank.toLowerCase()}/consent`;
  }

  async connect(actor: Actor, input: { bank: string; accountNumber: string; name?: string; syncFrequency?: SyncFrequency; consent?: 'otp' | 'redirect' }, requestOrigin?: string) {
    const result = await this.deps.connect.connect(new Types.ObjectId(actor.userId), { ...input, callbackUrl: this.consentCallbackUrl(input.bank, requestOrigin) });
    await this.deps.audit.record({ actor, action: result.status === 'connected' ? 'bank.connect' : 'bank.connect.pending', target: { type: 'bankAccount', id: result.status === 'connected' ? String(result.account._id) : result.connectionId }, metadata: { bank: input.bank.toUpperCase() } });
    if (result.status !== 'connected') return result;
    await this.deps.schedule.schedule(result.account._id, result.account.syncFrequency);
    return { status: 'connected' as const, account: accountView(result.account) };
  }

  async confirmOtp(actor: Actor, consentId: string, otp: string) {
    const result = await this.deps.connect.confirmOtp(new Types.ObjectId(actor.userId), { connectionId: consentId, otp });
    await this.deps.audit.record({ actor, action: 'bank.connect', target: { type: 'bankAccount', id: String(result.account._id) }, metadata: { bank: result.account.bank } });
    await this.deps.schedule.schedule(result.account._id, result.account.syncFrequency);
    return { status: 'connected' as const, account: accountView(result.account) };
  }

  /**
   * The holder came back from the bank's consent page (GET /webhooks/bank/:bank/consent). No API key comes with a
   * browser redirect: the state identifies the consent and so the user, and is good once.
   */
  async completeRedirectConsent(input: { bank: string; state: string; authCode?: string; error?: string }) {
    const result = await this.deps.connect.completeRedirect(input);
    const actor: Actor = { userId: String(result.userId), role: 'user', channel: 'webhook' };
    if (result.status === 'declined') {
      await this.deps.audit.record({ actor, action: 'bank.connect.declined', target: { type: 'bankConnection', id: result.connectionId }, metadata: { bank: input.bank.toUpperCase() } });
      return { status: 'declined' as const, bank: input.bank.toUpperCase() };
    }
    await this.deps.audit.record({ actor, action: 'bank.connect', target: { type: 'bankAccount', id: String(result.account._id) }, metadata: { bank: result.account.bank, consent: 'redirect' } });
    await this.deps.schedule.schedule(result.account._id, result.account.syncFrequency);
    return { status: 'connected' as const, account: accountView(result.account) };
  }

  /** How far one of the user's consents got: pending, connected (with the account), failed (why), expired. */
  async consent(actor: Actor, consentId: string) {
    const state = await this.deps.connect.consentState(new Types.ObjectId(actor.userId), consentId);
    const account = state.status === 'connected' && state.accountId ? await this.deps.accounts.findOne({ _id: state.accountId }).lean() : null;
    return {
      consentId: state.consentId,
      bank: state.bank,
      kind: state.kind,
      status: state.status,
      reason: state.reason ?? null,
      expiresAt: state.expiresAt ? toJakartaIso(state.expiresAt) : null,
      account: account ? accountView(account) : null,
    };
  }

  /** The user's newest connection still waiting for its OTP (chat confirms without typing an id). */
  async pendingConsent(actor: Actor): Promise<string | undefined> {
    const pending = await this.deps.connections.findOne({ userId: new Types.ObjectId(actor.userId), status: 'pending_consent', consentKind: { $ne: 'redirect' } }).sort({ createdAt: -1 }).lean();
    return pending ? String(pending._id) : undefined;
  }

  async accounts(actor: Actor): Promise<AccountView[]> {
    const rows = await this.deps.accounts.find({ userId: new Types.ObjectId(actor.userId), kind: 'bank' }).sort({ createdAt: 1, _id: 1 }).lean();
    return rows.map(accountView);
  }

  private async own(actor: Actor, accountId: string): Promise<Account> {
    if (!Types.ObjectId.isValid(accountId)) throw notFound('account');
    const account = await this.deps.accounts.findOne({ _id: new Types.ObjectId(accountId), userId: new Types.ObjectId(actor.userId) }).lean();
    if (!account) throw notFound('account');
    return account;
  }

  /** Asks the bank (live), falling back to the stored figure marked stale when the bank cannot answer. */
  async balance(actor: Actor, accountId: string): Promise<BalanceView> {
    return this.deps.balances.balance(await this.own(actor, accountId));
  }

  /** Newest first, keyset-paged on the ledger's {accountId, bookedAt: -1, _id: -1} index. */
  async transactions(actor: Actor, accountId: string, query: TransactionQuery) {
    const account = await this.own(actor, accountId);
    const filter: Record<string, unknown> = { accountId: account._id };
    const bookedAt: Record<string, Date> = {};
    if (query.from) bookedAt.$gte = instant('from', query.from);
    if (query.to) bookedAt.$lte = instant('to', query.to);
    if (bookedAt.$gte && bookedAt.$lte && bookedAt.$gte > bookedAt.$lte) throw validationFailed([{ field: 'to', reason: 'must not be before from', in: 'query' }]);
    if (query.cursor) {
      const { at, id } = decodeCursor(query.cursor);
      // Keyset: strictly after the previous page's last row in (bookedAt desc, _id desc). The bound on bookedAt
      // keeps the index scan short; the $or settles rows booked at the same instant.
      if (!bookedAt.$lte || at < bookedAt.$lte) bookedAt.$lte = at;
      filter.$or = [{ bookedAt: { $lt: at } }, { _id: { $lt: id } }];
    }
    if (Object.keys(bookedAt).length) filter.bookedAt = bookedAt;
    // Amounts are magnitudes in minor units; `type` picks the direction.
    const { minAmount: min, maxAmount: max } = query;
    const credit = { $gte: Math.max(min ?? 1, 1), ...(max !== undefined ? { $lte: max } : {}) };
    const debit = { $lte: -Math.max(min ?? 1, 1), ...(max !== undefined ? { $gte: -max } : {}) };
    if (query.type === 'credit') filter.amountMinor = credit;
    else if (query.type === 'debit') filter.amountMinor = debit;
    else if (min !== undefined || max !== undefined) filter.$and = [{ $or: [{ amountMinor: credit }, { amountMinor: debit }] }];
    if (query.text) filter.description = { $regex: query.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' };
    if (query.category) filter.category = query.category;
    const docs = await this.deps.transactions
      .find(filter)
      .sort({ bookedAt: -1, _id: -1 })
      .hint({ accountId: 1, bookedAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    const { page, nextCursor } = pageOf(docs, query.limit, (d) => d.bookedAt);
    return { accountId: String(account._id), transactions: page.map(transactionView), nextCursor };
  }

  async sync(actor: Actor, accountId: string): Promise<SyncRunView> {
    const account = await this.own(actor, accountId);
    if (account.kind !== 'bank') throw notFound('account');
    return this.deps.sync.syncAccount(new Types.ObjectId(actor.userId), account._id, 'manual');
  }

  async update(actor: Actor, accountId: string, input: { name?: string; syncFrequency?: SyncFrequency }) {
    const account = await this.own(actor, accountId);
    if (account.kind !== 'bank') throw notFound('account');
    if (input.syncFrequency && account.status !== 'active') throw new AppError('CONFLICT', 'this account is disconnected; connect it again to schedule syncs');
    const updated = await this.deps.accounts.findOneAndUpdate({ _id: account._id }, { $set: { ...(input.name ? { name: input.name } : {}), ...(input.syncFrequency ? { syncFrequency: input.syncFrequency } : {}) } }, { returnDocument: 'after' }).lean();
    const nextSyncAt = input.syncFrequency && input.syncFrequency !== account.syncFrequency ? await this.deps.schedule.schedule(account._id, input.syncFrequency) : undefined;
    return { account: accountView(updated!), nextSyncAt: nextSyncAt ? toJakartaIso(nextSyncAt) : null };
  }

  async disconnect(actor: Actor, accountId: string, options: { purge: boolean }) {
    const account = await this.own(actor, accountId);
    if (account.kind !== 'bank') throw notFound('account');
    await this.deps.schedule.unschedule(account._id);
    const result = await this.deps.connect.disconnect(new Types.ObjectId(actor.userId), account._id, options);
    await this.deps.audit.record({ actor, action: 'bank.disconnect', target: { type: 'bankAccount', id: String(account._id) }, metadata: { purge: options.purge, purgedTransactions: result.purgedTransactions } });
    return { accountId: String(account._id), status: 'disconnected' as const, purgedTransactions: result.purgedTransactions };
  }

  /**
   * Saves "descriptions containing X are category Y" and recategorises the user's rows that only a built-in rule
   * categorised (a row the user categorised by hand keeps its category).
   */
  async setCategoryOverride(actor: Actor, input: { match: string; category: Category }) {
    const match = normalizeDescription(input.match);
    if (match.length < 2) throw validationFailed([{ field: 'match', reason: 'needs at least two letters or digits', in: 'body' }]);
    const userId = new Types.ObjectId(actor.userId);
    await this.deps.overrides.updateOne({ userId, match }, { $set: { category: input.category } }, { upsert: true });
    const overrides = await this.overridesFor(userId);
    // Only rows whose text contains every word of the match are read; this is a prefilter, categorize() decides.
    // One literal regex per word, never the words joined by `.*`: a match of many short words ("a a a … zz") makes
    // such a pattern backtrack exponentially over a long description, and one request then pins the database.
    const words = [...new Set(match.split(' '))].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const candidates = await this.deps.transactions
      .find({ userId, categorySource: { $ne: 'user' }, ownTransfer: false, $and: words.map((w) => ({ description: { $regex: w, $options: 'i' } })) }, { description: 1, amountMinor: 1, category: 1 })
      .lean();
    const changes = candidates
      .map((t) => ({ t, result: categorize({ description: t.description, amountMinor: t.amountMinor }, overrides) }))
      .filter(({ t, result }) => result.source === 'user' && result.category !== t.category);
    if (changes.length) {
      await this.deps.transactions.bulkWrite(changes.map(({ t, result }) => ({ updateOne: { filter: { _id: t._id }, update: { $set: { category: result.category } } } })));
    }
    return { match, category: input.category, recategorized: changes.length };
  }

  async overridesFor(userId: Types.ObjectId) {
    const rows = await this.deps.overrides.find({ userId }).sort({ match: -1 }).lean();
    // Longer (more specific) matches first.
    return rows.sort((a, b) => b.match.length - a.match.length).map((o) => ({ match: o.match, category: o.category }));
  }
}
