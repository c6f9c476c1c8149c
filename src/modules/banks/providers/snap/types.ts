/**
 * What differs between banks that speak SNAP BI, as data and small functions each bank's adapter supplies, so the
 * one client has no per-bank branches. Normalised results (`SnapBalance`, `SnapStatementEntry`) are what the rest
 * of the hub sees; amounts are integer minor units.
 */
import type { StatementAnswerBody, StatementEntryAnswer } from './schemas.js';

export const BANK_CODES = ['BCA', 'MANDIRI', 'BNI', 'BRI', 'CIMB', 'DANAMON'] as const;
export type BankCode = (typeof BANK_CODES)[number];

/**
 * One bank-statement entry as a bank sends it (detailData[]), as its schema reads it (./schemas.ts): fields vary
 * between banks, hence the optional ones, and the ones a bank adds are kept for its profile to read.
 */
export type RawStatementEntry = StatementEntryAnswer;

export interface StatementPageCursor {
  /** 1-based page number asked for. */
  page: number;
  /** The previous page's answer (for banks that page by something the answer carries). */
  previous?: StatementAnswerBody;
}

export interface SnapBankProfile {
  code: BankCode;
  name: string;
  /** Request paths as the bank signs them (relative, with the bank's own prefix such as /openapi or /snap). */
  paths: {
    accessToken: string;
    /** B2B2C access token: the customer's token an auth code from the bank's consent page is exchanged for. */
    customerToken: string;
    balance: string;
    statement: string;
    accountBinding: string;
    otpVerification: string;
    accountUnbinding: string;
  };
  /** CHANNEL-ID the bank issued for this kind of partner (5 digits). */
  channelId: string;
  /** How many entries one statement page holds, and how to ask for page N (fields merged into the request body). */
  statementPageSize: number;
  statementPageRequest(cursor: StatementPageCursor, pageSize: number): Record<string, unknown>;
  /** The longest window one statement request may span; longer syncs are split. */
  maxStatementDays: number;
  /** Turns a bank's remark into the description we store (e.g. BCA's two 18-character halves). */
  description(entry: RawStatementEntry): string;
  /** The bank's stable id of an entry, when it gives one (else the ledger falls back to a content fingerprint). */
  entryId(entry: RawStatementEntry): string | undefined;
  /** Facts the README and `GET /api/bank/providers` report. */
  coverage: { accountTypes: string; retailAlternative: string; sources: string };
  /**
   * How the bank asks its holder to consent to a binding: an OTP the hub relays (`otp`), or its own page the holder is
   * sent to and comes back from with an auth code (`redirect`). Our assumption per bank; see the README.
   */
  consent: 'otp' | 'redirect';
}

export interface SnapBalance {
  accountNo: string;
  name?: string;
  currency: string;
  balanceMinor: number;
  availableBalanceMinor: number;
}

export interface SnapStatementEntry {
  externalId?: string;
  /** UTC instant. */
  bookedAt: Date;
  /** Signed: credit positive, debit negative. */
  amountMinor: number;
  currency: string;
  description: string;
  balanceMinor?: number;
}

export interface SnapStatement {
  /** Every entry, oldest first; empty when the caller took them page by page (`onPage`). */
  entries: SnapStatementEntry[];
  /** How many entries the statement had. */
  count: number;
  startingBalanceMinor?: number;
  endingBalanceMinor?: number;
  pages: number;
}

export type BindingResult =
  | {
      status: 'bound';
      accountToken: string;
      accountName?: string;
      referenceNo: string;
      /** B2B2C tokens (redirect consent) expire; binding tokens (OTP) last until unbinding and carry none of these. */
      tokenExpiresAt?: Date;
      refreshToken?: string;
      refreshExpiresAt?: Date;
    }
  | { status: 'otp_required'; referenceNo: string; otpExpiresAt?: string }
  | { status: 'redirect'; referenceNo: string; redirectUrl: string; expiresAt?: string };
