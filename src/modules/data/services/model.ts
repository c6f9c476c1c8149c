/**
 * What every statement importer produces, whatever the format: normalised rows plus row-level errors, as a stream of
 * events so a million-row file never sits in memory. One bad row is an `error` event, never an exception; only a
 * file that cannot be read at all (not a statement, hostile, truncated) throws a StatementFileError.
 */
import { AppError, type ErrorCode } from '../../../lib/errors.js';

export interface StatementRow {
  /** Booking date 'YYYY-MM-DD' as the bank prints it (Jakarta). */
  date: string;
  description: string;
  /** Signed ISO 4217 minor units: credit (money in) positive, debit negative. */
  amountMinor: number;
  currency: string;
  balanceMinor?: number;
  /** The bank's own id for the row (OFX FITID, CAMT AcctSvcrRef, a reference column), when there is one. */
  externalId?: string;
}

export interface RowError {
  /** 1-based line (CSV/QIF), row (XLSX), record index (JSON/OFX/CAMT) or text line (PDF) of the source. */
  row: number;
  field: string;
  message: string;
}

export interface StatementTotals {
  openingMinor?: number;
  closingMinor?: number;
  creditMinor?: number;
  debitMinor?: number;
  creditCount?: number;
  debitCount?: number;
  /** Where the footer was, for the message when it disagrees with the rows. */
  row?: number;
}

export interface StatementInfo {
  accountNumber?: string;
  holder?: string;
  currency?: string;
  period?: { from: string; to: string };
  totals?: StatementTotals;
}

export type ImportEvent =
  | { kind: 'row'; row: StatementRow; line: number }
  | { kind: 'error'; error: RowError }
  /** A row the bank has not booked yet (KlikBCA `PEND`): reported, not imported; it comes back booked later. */
  | { kind: 'pending'; line: number; description: string; amountMinor?: number }
  | { kind: 'info'; info: StatementInfo };

export const FORMATS = ['csv', 'xlsx', 'xls', 'json', 'ofx', 'qif', 'camt053', 'pdf'] as const;
export type StatementFormat = (typeof FORMATS)[number];

/** The whole file is unusable: wrong type, hostile, corrupt. Carries the AppError code the transports map. */
export class StatementFileError extends AppError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details ? { details } : {});
    this.name = 'StatementFileError';
  }
}

/** Limits that keep a hostile file from harming the process; the route's upload limit sits in front of these. */
export const LIMITS = {
  /** A CSV/JSONL line longer than this is not a statement row (a line-less blob meant to exhaust memory). */
  maxLineBytes: 64 * 1024,
  /** Declared uncompressed size of everything inside an XLSX. */
  maxXlsxUncompressedBytes: 512 * 1024 * 1024,
  /** A shared-strings table is cached whole by the streaming reader, so it gets its own, smaller cap. */
  maxXlsxSharedStringsBytes: 64 * 1024 * 1024,
  /** Highest compression ratio of one XLSX entry; real sheets compress ~10-30:1, bombs 1000:1. */
  maxXlsxCompressionRatio: 200,
  /** Cells read per spreadsheet row; a statement has a dozen columns. */
  maxColumns: 256,
};
