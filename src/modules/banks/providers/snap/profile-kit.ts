/**
 * Small pieces bank adapters assemble their profiles from: SNAP paths under a bank's prefix, the two ways banks page
 * a statement, and remark readers. Which bank uses which is decided in the bank's own file.
 */
import type { RawStatementEntry, SnapBankProfile, StatementPageCursor } from './types.js';

/** ASPI paths (`/v1.0/...`) under a bank's prefix; a bank that versions one service differently overrides it. */
export function snapPaths(prefix: string, overrides: Partial<SnapBankProfile['paths']> = {}): SnapBankProfile['paths'] {
  return {
    accessToken: `${prefix}/v1.0/access-token/b2b`,
    customerToken: `${prefix}/v1.0/access-token/b2b2c`,
    balance: `${prefix}/v1.0/balance-inquiry`,
    statement: `${prefix}/v1.0/bank-statement`,
    accountBinding: `${prefix}/v1.0/registration-account-binding`,
    otpVerification: `${prefix}/v1.0/otp-verification`,
    accountUnbinding: `${prefix}/v1.0/registration-account-unbinding`,
    ...overrides,
  };
}

/**
 * Page N asked for by number in additionalInfo (SNAP defines `hasMore` on the answer but no request field for the
 * next page; banks add their own in additionalInfo — the field names are per bank and are our assumption).
 */
export const pageNumberPaging =
  (fields: { page: string; size: string }) =>
  (cursor: StatementPageCursor, pageSize: number): Record<string, unknown> => ({ additionalInfo: { [fields.page]: String(cursor.page), [fields.size]: String(pageSize) } });

/** The next page starts where the previous answer says it stopped (an opaque key the bank returns). */
export const continuationKeyPaging =
  (fields: { answerKey: string; requestKey: string; size: string }) =>
  (cursor: StatementPageCursor, pageSize: number): Record<string, unknown> => {
    const key = cursor.page > 1 ? cursor.previous?.additionalInfo?.[fields.answerKey] : undefined;
    return { additionalInfo: { [fields.size]: String(pageSize), ...(typeof key === 'string' ? { [fields.requestKey]: key } : {}) } };
  };

/** Collapses runs of spaces: banks pad fixed-width remark parts. */
export const plainRemark = (entry: RawStatementEntry): string => (entry.remark ?? '').replace(/\s+/g, ' ').trim();

export const idFrom =
  (...fields: string[]) =>
  (entry: RawStatementEntry): string | undefined => {
    for (const f of fields) {
      const v = entry[f];
      if (typeof v === 'string' && v.trim()) return v.trim();
    }
    return undefined;
  };
