/**
 * Validation (dry run): the same parser as import, nothing written. Counts every row; returns the first
 * `maxRows` rows and errors so a large file's answer stays small.
 *
 * Duplicates: a repeated bank id (externalId) within the file, and, given `existing`, rows the ledger already has by
 * the shared rule (externalKey, else the content fingerprint with its occurrence index). Two identical rows without
 * ids are not duplicates of each other: they are two purchases.
 */
import { OccurrenceCounter } from './occurrences.js';
import type { RowError, StatementInfo, StatementRow } from './model.js';
import { openStatement, type OpenedStatement, type ParseOptions } from './parse-statement.js';
import type { StatementSource } from './source.js';
import { checkTotals, RowTotals, type StatementCheck } from './statement-checks.js';

export interface LedgerCandidate {
  fingerprint: string;
  externalKey?: string;
}

/** Which of the candidates the ledger already holds: their fingerprints or externalKeys. */
export type ExistingLookup = (candidates: LedgerCandidate[]) => Promise<Set<string>>;

export interface ValidationResult {
  format: OpenedStatement['format'];
  template?: OpenedStatement['template'];
  info: StatementInfo;
  rows: (StatementRow & { line: number; duplicate?: 'file' | 'ledger' })[];
  errors: RowError[];
  pending: { line: number; description: string; amountMinor?: number }[];
  checks: StatementCheck[];
  summary: { total: number; valid: number; invalid: number; duplicates: number; pending: number };
  /** Money in and out over every valid row (not only the first `maxRows` kept in `rows`), positive minor units. */
  totals: { creditMinor: number; debitMinor: number; credits: number; debits: number };
  truncated: boolean;
}

export interface ValidateOptions extends ParseOptions {
  /** The account the rows would land in; fingerprints are per account. Without it, no ledger comparison. */
  accountId?: string;
  existing?: ExistingLookup;
  maxRows?: number;
}

const LOOKUP_BATCH = 500;

export async function validateStatement(source: StatementSource, options: ValidateOptions = {}): Promise<ValidationResult> {
  const opened = await openStatement(source, options);
  const maxRows = options.maxRows ?? 1000;
  const result: ValidationResult = {
    format: opened.format,
    template: opened.template,
    info: {},
    rows: [],
    errors: [],
    pending: [],
    checks: [],
    summary: { total: 0, valid: 0, invalid: 0, duplicates: 0, pending: 0 },
    totals: { creditMinor: 0, debitMinor: 0, credits: 0, debits: 0 },
    truncated: false,
  };
  const totals = new RowTotals();
  const seenIds = new Set<string>();
  const occurrences = new OccurrenceCounter();
  const accountId = options.accountId ?? 'unassigned';
  let batch: { candidate: LedgerCandidate; kept?: ValidationResult['rows'][number] }[] = [];
  let currency = 'IDR';

  const flush = async () => {
    if (!batch.length || !options.existing || !options.accountId) return void (batch = []);
    const present = await options.existing(batch.map((b) => b.candidate));
    for (const b of batch) {
      if (present.has(b.candidate.fingerprint) || (b.candidate.externalKey && present.has(b.candidate.externalKey))) {
        result.summary.duplicates++;
        if (b.kept) b.kept.duplicate = 'ledger';
      }
    }
    batch = [];
  };

  for await (const event of opened.events) {
    if (event.kind === 'info') {
      result.info = { ...result.info, ...event.info };
      continue;
    }
    if (event.kind === 'pending') {
      result.summary.pending++;
      if (result.pending.length < maxRows) result.pending.push({ line: event.line, description: event.description, amountMinor: event.amountMinor });
      continue;
    }
    result.summary.total++;
    if (event.kind === 'error') {
      result.summary.invalid++;
      if (result.errors.length < maxRows) result.errors.push(event.error);
      else result.truncated = true;
      continue;
    }
    const { row, line } = event;
    currency = row.currency;
    result.summary.valid++;
    totals.add(row.amountMinor);
    let kept: ValidationResult['rows'][number] | undefined;
    if (result.rows.length < maxRows) {
      kept = { ...row, line };
      result.rows.push(kept);
    } else result.truncated = true;
    if (row.externalId) {
      if (seenIds.has(row.externalId)) {
        result.summary.duplicates++;
        if (kept) kept.duplicate = 'file';
        continue;
      }
      seenIds.add(row.externalId);
    }
    const { fingerprint } = occurrences.next({ accountId, date: row.date, amountMinor: row.amountMinor, currency: row.currency, description: row.description });
    batch.push({ candidate: { fingerprint, ...(row.externalId ? { externalKey: `${accountId}:${row.externalId}` } : {}) }, kept });
    if (batch.length >= LOOKUP_BATCH) await flush();
  }
  await flush();
  result.totals = { creditMinor: totals.creditMinor, debitMinor: totals.debitMinor, credits: totals.credits, debits: totals.debits };
  result.checks = checkTotals(result.info.totals, totals, result.info.currency ?? currency, result.summary.invalid);
  for (const c of result.checks) if (!c.ok) result.errors.push({ row: result.info.totals?.row ?? 0, field: c.check, message: c.message });
  return result;
}
