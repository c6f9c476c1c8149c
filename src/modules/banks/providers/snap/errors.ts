/**
 * SNAP BI answers as typed errors. A `responseCode` is `AAABBCC`: HTTP status, service code, case code
 * (ASPI; e.g. 4011401 = 401, bank statement, invalid token). Each kind maps once onto the hub's error codes so
 * routes, jobs and chat treat a bank's answer the same way; `retryable` says whether asking again may succeed.
 */
import { AppError, type ErrorCode, type FieldIssue } from '../../../../lib/errors.js';

export interface ParsedResponseCode {
  httpStatus: number;
  serviceCode: string;
  caseCode: string;
}

export function parseResponseCode(code: unknown): ParsedResponseCode | undefined {
  if (typeof code !== 'string' || !/^\d{7}$/.test(code)) return undefined;
  return { httpStatus: Number(code.slice(0, 3)), serviceCode: code.slice(3, 5), caseCode: code.slice(5, 7) };
}

export type SnapErrorKind = 'unauthorized' | 'invalid_token' | 'invalid_customer_token' | 'invalid_account' | 'inactive_account' | 'timeout' | 'rate_limited' | 'bad_request' | 'general_error' | 'bad_response';

const KIND_TO_APP: Record<SnapErrorKind, { code: ErrorCode; retryable: boolean }> = {
  // Our partner credentials or signature were refused: nothing the user can fix, and retrying will not help.
  unauthorized: { code: 'PROVIDER_REJECTED', retryable: false },
  invalid_token: { code: 'PROVIDER_REJECTED', retryable: false },
  // The holder's token (B2B2C) expired or was revoked: refreshed with the refresh token where there is one, else the
  // holder has to consent again. Asking again with the same token will not help.
  invalid_customer_token: { code: 'PROVIDER_REJECTED', retryable: false },
  invalid_account: { code: 'UNPROCESSABLE', retryable: false },
  inactive_account: { code: 'UNPROCESSABLE', retryable: false },
  bad_request: { code: 'PROVIDER_REJECTED', retryable: false },
  timeout: { code: 'PROVIDER_UNAVAILABLE', retryable: true },
  rate_limited: { code: 'PROVIDER_UNAVAILABLE', retryable: true },
  general_error: { code: 'PROVIDER_UNAVAILABLE', retryable: true },
  // A success whose body is not in the documented shape: the bank did answer, so not "unavailable"; asking again
  // later may get a readable answer.
  bad_response: { code: 'PROVIDER_BAD_RESPONSE', retryable: true },
};

export class SnapError extends AppError {
  constructor(
    readonly kind: SnapErrorKind,
    readonly bank: string,
    message: string,
    readonly responseCode?: ParsedResponseCode & { raw: string },
    extra: { retryAfterSeconds?: number; cause?: unknown; issues?: FieldIssue[] } = {},
  ) {
    const mapped = KIND_TO_APP[kind];
    super(mapped.code, message, {
      retryable: mapped.retryable,
      retryAfterSeconds: extra.retryAfterSeconds,
      cause: extra.cause,
      details: { bank: bank, snapError: kind, ...(responseCode ? { responseCode: responseCode.raw } : {}), ...(extra.issues ? { issues: extra.issues } : {}) },
    });
    this.name = 'SnapError';
  }
}

/** What a non-success responseCode means. Unknown 4xx are bad requests (ours to fix); unknown 5xx are general errors. */
export function kindOfResponseCode(parsed: ParsedResponseCode): SnapErrorKind {
  const { httpStatus, caseCode } = parsed;
  // ASPI's 401 cases: 01 invalid token (B2B), 02 invalid customer token, 03 token not found (B2B), 04 customer token
  // not found. 03 is read like 01 (ask for a new B2B token once); 02 and 04 name the holder's token.
  if (httpStatus === 401) return caseCode === '01' || caseCode === '03' ? 'invalid_token' : caseCode === '02' || caseCode === '04' ? 'invalid_customer_token' : 'unauthorized';
  if (httpStatus === 404 && caseCode === '11') return 'invalid_account';
  if (httpStatus === 403 && caseCode === '18') return 'inactive_account';
  if (httpStatus === 429) return 'rate_limited';
  if (httpStatus === 504) return 'timeout';
  if (httpStatus >= 500) return 'general_error';
  return 'bad_request';
}

export function snapErrorFromAnswer(bank: string, httpStatus: number, body: { responseCode?: unknown; responseMessage?: unknown } | undefined, retryAfter?: string | null): SnapError {
  const parsed = parseResponseCode(body?.responseCode);
  const message = typeof body?.responseMessage === 'string' ? body.responseMessage : `HTTP ${httpStatus}`;
  const kind: SnapErrorKind = parsed ? kindOfResponseCode(parsed) : httpStatus === 429 ? 'rate_limited' : httpStatus === 504 ? 'timeout' : httpStatus >= 500 ? 'general_error' : httpStatus === 401 ? 'unauthorized' : 'bad_request';
  const seconds = retryAfter ? Number(retryAfter) : undefined;
  return new SnapError(kind, bank, `${bank}: ${message}`, parsed ? { ...parsed, raw: String(body?.responseCode) } : undefined, {
    retryAfterSeconds: Number.isFinite(seconds) ? seconds : undefined,
  });
}
