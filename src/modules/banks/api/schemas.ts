/** Response and request shapes shared by the banks routes (validation, types and the OpenAPI document). */
import { z } from '@hono/zod-openapi';
import { SYNC_FREQUENCIES } from '../../ledger/models/account.js';

export const SyncFrequencySchema = z.enum(SYNC_FREQUENCIES).openapi({ description: 'How often the hub syncs the account by itself; manual = only on request' });

export const BankAccountSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    bank: z.string().nullable(),
    name: z.string(),
    accountNumberMasked: z.string().nullable().openapi({ example: '******4625', description: 'Only the last four digits; the full number never leaves the hub' }),
    currency: z.string(),
    balanceMinor: z.number().int().nullable().openapi({ description: 'Minor units of currency (IDR: Rp150.000 = 15000000)' }),
    availableBalanceMinor: z.number().int().nullable(),
    balanceAt: z.string().nullable().openapi({ description: 'When the bank last stated the balance (Asia/Jakarta)' }),
    syncFrequency: SyncFrequencySchema,
    lastSyncedAt: z.string().nullable(),
    status: z.enum(['active', 'disconnected']),
  })
  .openapi('BankAccount');

export const BankTransactionSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    date: z.string().openapi({ description: 'Booking date in Asia/Jakarta, YYYY-MM-DD' }),
    bookedAt: z.string(),
    amountMinor: z.number().int().openapi({ description: 'Signed: credit positive, debit negative; minor units' }),
    amount: z.string().openapi({ example: '-25000.00' }),
    currency: z.string(),
    balanceMinor: z.number().int().nullable(),
    description: z.string(),
    category: z.string(),
    categorySource: z.string(),
    ownTransfer: z.boolean().openapi({ description: 'A transfer between two of your own accounts: neither spending nor income' }),
    source: z.string(),
  })
  .openapi('BankTransaction');

export const SyncRunSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    bank: z.string(),
    trigger: z.string(),
    status: z.enum(['running', 'succeeded', 'failed']),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    from: z.string().nullable().openapi({ description: 'Start of the statement window asked for' }),
    to: z.string().nullable(),
    fetched: z.number().int().openapi({ description: 'Entries the bank returned' }),
    new: z.number().int().openapi({ description: 'Entries added to the ledger' }),
    duplicates: z.number().int().openapi({ description: 'Entries already in the ledger (earlier sync, notification or import)' }),
    errors: z.number().int(),
    error: z.object({ code: z.string(), kind: z.string().optional(), message: z.string() }).nullable(),
  })
  .openapi('BankSyncRun');

export const BankAccountIdParams = z.object({ accountId: z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-character hex id') });
