/**
 * The one SNAP BI client every bank adapter uses. It owns the protocol: the B2B access token (cached until shortly
 * before it expires, refreshed once when the bank calls it invalid), signed service calls, responseCode parsing into
 * typed errors, per-call timeouts, retries with backoff for answers that may succeed when asked again (reads only),
 * and a circuit breaker per bank so a bank that is down fails fast without slowing the others.
 * What differs between banks comes from the bank's profile (`../<bank>.ts`); there are no per-bank branches here.
 */
import { randomInt } from 'node:crypto';
import CircuitBreaker from 'opossum';
import pRetry, { AbortError } from 'p-retry';
import type { z } from 'zod';
import { describeIssues, type FieldIssue } from '../../../../lib/errors.js';
import type { Logger } from '../../../../lib/logger.js';
import { decimalToMinor } from '../../../../lib/money.js';
import { toJakartaIso, fromJakartaWallClock } from '../../../../lib/time.js';
import { acknowledged, answerIssues } from '../../../../providers/answer.js';
import { SnapError, snapErrorFromAnswer } from './errors.js';
import { AccessTokenAnswer, BalanceAnswer, BindingAnswer, CustomerTokenAnswer, OtpAnswer, SnapEnvelope, StatementAnswer } from './schemas.js';
import { signAccessToken, signService } from './signature.js';
import { SnapTransport } from './transport.js';
import type { BindingResult, RawStatementEntry, SnapBalance, SnapBankProfile, SnapStatement, SnapStatementEntry } from './types.js';

export interface SnapCredentials {
  /** X-CLIENT-KEY: the client id the bank issued to the hub. */
  clientKey: string;
  clientSecret: string;
  /** PEM of the hub's RSA private key whose public half the bank holds. */
  privateKey: string;
  /** X-PARTNER-ID (BCA: the corporate id); defaults to the client key. */
  partnerId?: string;
}

export interface SnapClientOptions {
  profile: SnapBankProfile;
  baseUrl: string;
  credentials: SnapCredentials;
  timeoutMs?: number;
  /** Attempts after the first, for retryable answers of read calls. */
  retries?: number;
  retryDelayMs?: number;
  breaker?: { errorThresholdPercentage?: number; resetTimeoutMs?: number; volumeThreshold?: number };
  /** Refresh the token this long before the bank says it expires (clock skew, slow calls). */
  tokenRefreshMarginMs?: number;
  /** Stops a runaway `hasMore: "Y"`. */
  maxStatementPages?: number;
  now?: () => Date;
  /** Called once per service call with its outcome (metrics). */
  onCall?: (event: { bank: string; operation: string; outcome: 'ok' | string; ms: number }) => void;
  /** Where an answer that does not match its schema is reported. */
  logger?: Logger;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/** A bank's answer before its schema reads it: a success carries the body as JSON gave it. */
type Answer = { ok: true; body: unknown } | { ok: false; error: SnapError };

let externalIdCounter = 0;

/** Numeric, ≤ 36 characters, unique per day across restarts and hub processes (time + counter + randomness). */
export function newExternalId(now = Date.now()): string {
  externalIdCounter = (externalIdCounter + 1) % 1_000_000;
  return `${now}${String(externalIdCounter).padStart(6, '0')}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

export class SnapClient {
  private token?: CachedToken;
  private tokenInFlight?: Promise<string>;
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly marginMs: number;
  private readonly now: () => Date;
  private readonly transport = new SnapTransport();
  /** How many access tokens this client obtained (tests and the metrics look at it). */
  tokensIssued = 0;

  constructor(private readonly options: SnapClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.marginMs = options.tokenRefreshMarginMs ?? 60_000;
    this.now = options.now ?? (() => new Date());
    this.breaker = new CircuitBreaker((work: () => Promise<unknown>) => work(), {
      timeout: false, // each request carries its own AbortSignal timeout
      errorThresholdPercentage: options.breaker?.errorThresholdPercentage ?? 50,
      resetTimeout: options.breaker?.resetTimeoutMs ?? 30_000,
      volumeThreshold: options.breaker?.volumeThreshold ?? 5,
      rollingCountTimeout: 60_000,
      name: `snap-${options.profile.code}`,
      // An unknown account or a refused signature says nothing about whether the bank is up.
      errorFilter: (err: unknown) => err instanceof SnapError && !err.retryable,
    });
  }

  get profile(): SnapBankProfile {
    return this.options.profile;
  }

  get circuitOpen(): boolean {
    return this.breaker.opened;
  }

  shutdown(): void {
    this.breaker.shutdown();
    this.transport.close();
  }

  async balanceInquiry(input: { accountNo: string; accountToken?: string }): Promise<SnapBalance> {
    const body = await this.call('balance', BalanceAnswer, this.profile.paths.balance, { partnerReferenceNo: newExternalId(), accountNo: input.accountNo }, { idempotent: true, accountToken: input.accountToken });
    const index = Math.max(0, body.accountInfos.findIndex((i) => !i.balanceType || /cash|saldo|available/i.test(i.balanceType)));
    const info = body.accountInfos[index];
    if (!info) throw this.badAnswer('balance', [{ field: 'accountInfos', reason: 'holds no balance' }]);
    const amount = info.amount ?? info.ledgerBalance;
    if (!amount) throw this.badAnswer('balance', [{ field: `accountInfos.${index}.amount`, reason: 'is missing (and so is ledgerBalance)' }]);
    const available = info.availableBalance ?? amount;
    // The schema checked that each amount fits its currency.
    return {
      accountNo: body.accountNo ?? input.accountNo,
      name: body.name,
      currency: amount.currency || 'IDR',
      balanceMinor: decimalToMinor(amount.value, amount.currency || 'IDR'),
      availableBalanceMinor: decimalToMinor(available.value, available.currency || amount.currency || 'IDR'),
    };
  }

  /** All entries between `from` and `to`, split into the bank's longest window and paged as the bank pages. */
  async bankStatement(input: {
    accountNo: string;
    accountToken?: string;
    from: Date;
    to: Date;
    /**
     * Each page's entries as soon as they are read, so a caller can store them while the next page is fetched. The
     * entries are then handed over, not also collected (a long statement is not held twice). A returned promise
     * holds back the next request until it settles: the caller's backpressure, when its writes fall behind.
     */
    onPage?: (entries: SnapStatementEntry[]) => void | Promise<void>;
  }): Promise<SnapStatement> {
    const entries: SnapStatementEntry[] = [];
    let count = 0;
    let startingBalanceMinor: number | undefined;
    let endingBalanceMinor: number | undefined;
    let pages = 0;
    const maxPages = this.options.maxStatementPages ?? 1000;
    const windowMs = this.profile.maxStatementDays * 86_400_000;
    const wholeSecond = (d: Date) => Math.floor(d.getTime() / 1000) * 1000;
    const until = wholeSecond(input.to);
    for (let windowStart = wholeSecond(input.from); windowStart <= until; windowStart += windowMs) {
      // Windows touch but never overlap: banks print whole seconds, so a window ends one second before the next starts.
      const windowEnd = windowStart + windowMs > until ? until : windowStart + windowMs - 1000;
      const fromDateTime = toJakartaIso(new Date(windowStart));
      const toDateTime = toJakartaIso(new Date(windowEnd));
      let previous: z.output<typeof StatementAnswer> | undefined;
      let emptyPagesInARow = 0;
      for (let page = 1; ; page++) {
        if (++pages > maxPages) throw new SnapError('general_error', this.profile.code, `${this.profile.code}: statement still has more after ${maxPages} pages`);
        const body = await this.call(
          'statement',
          StatementAnswer,
          this.profile.paths.statement,
          {
            partnerReferenceNo: newExternalId(),
            accountNo: input.accountNo,
            fromDateTime,
            toDateTime,
            ...this.profile.statementPageRequest({ page, previous }, this.profile.statementPageSize),
          },
          { idempotent: true, accountToken: input.accountToken },
        );
        const balance = Array.isArray(body.balance) ? body.balance[0] : body.balance;
        if (startingBalanceMinor === undefined && balance?.startingBalance) startingBalanceMinor = decimalToMinor(balance.startingBalance.value, balance.startingBalance.currency || 'IDR');
        if (balance?.endingBalance) endingBalanceMinor = decimalToMinor(balance.endingBalance.value, balance.endingBalance.currency || 'IDR');
        // A bank that answers the page before again (a paging field it does not read, a missing or stale continuation
        // key, a cache gone wrong) would have its entries stored twice (banks without entry ids dedupe by content, and
        // two identical rows on a day are two purchases) and the page it skipped lost; and one that keeps doing it
        // runs to maxPages. Entries are strictly ordered in time, so a later page never starts and ends with exactly
        // the entries the page before did.
        if (samePage(previous?.detailData, body.detailData)) {
          this.options.logger?.warn({ provider: this.provider, page, fromDateTime }, 'bank answered the same statement page again');
          throw new SnapError('bad_response', this.profile.code, `${this.profile.code} answered the same statement page again (page ${page} of the window from ${fromDateTime}); nothing of it was stored`);
        }
        // An empty page that says more follows is paging that stopped advancing; a few in a row are not a sparse
        // statement but a loop that would otherwise run to maxPages (a thousand requests each sync).
        const more = body.hasMore === 'Y' || body.hasMore === true;
        emptyPagesInARow = !body.detailData?.length && more ? emptyPagesInARow + 1 : 0;
        if (emptyPagesInARow >= MAX_EMPTY_PAGES_IN_A_ROW) {
          this.options.logger?.warn({ provider: this.provider, page, fromDateTime }, 'bank answered empty statement pages that say more follows');
          throw new SnapError('bad_response', this.profile.code, `${this.profile.code} answered ${emptyPagesInARow} empty statement pages in a row that say more follows (window from ${fromDateTime}); the sync stopped there`);
        }
        const pageEntries = (body.detailData ?? []).map((raw) => this.readEntry(raw));
        count += pageEntries.length;
        if (input.onPage) await input.onPage(pageEntries);
        else entries.push(...pageEntries);
        if (!more) break;
        previous = body;
      }
    }
    return { entries, count, startingBalanceMinor, endingBalanceMinor, pages };
  }

  /**
   * Starts account binding: the bank asks its customer to consent (OTP, or its own page the customer is redirected
   * to) and only then issues a per-account token. The answer shape beyond responseCode is our assumption (see
   * sandbox/snap-bank). `redirect`: where the bank sends the customer back (with an auth code and our `state`).
   */
  async bindAccount(input: { accountNo: string; partnerReferenceNo?: string; askOtp?: boolean; redirect?: { url: string; state: string; asked?: boolean } }): Promise<BindingResult> {
    // `otpRequested` / `redirectRequested`: asks for the consent step even where the bank could confirm at once (our
    // simulator's one-step demo); a real bank always asks its holder and ignores them.
    const additionalInfo = {
      consentType: this.profile.consent,
      ...(input.askOtp ? { otpRequested: 'Y' } : {}),
      ...(input.redirect ? { redirectUrl: input.redirect.url, state: input.redirect.state, ...(input.redirect.asked ? { redirectRequested: 'Y' } : {}) } : {}),
    };
    const body = await this.call('binding', BindingAnswer, this.profile.paths.accountBinding, { partnerReferenceNo: input.partnerReferenceNo ?? newExternalId(), accountNo: input.accountNo, additionalInfo }, { idempotent: false });
    const referenceNo = body.referenceNo ?? '';
    if (body.accountToken) return { status: 'bound', accountToken: body.accountToken, accountName: body.accountName, referenceNo };
    const page = body.additionalInfo?.redirectUrl ?? body.redirectUrl;
    if (page) {
      if (!/^https?:\/\//.test(page)) throw this.badAnswer('binding', [{ field: 'additionalInfo.redirectUrl', reason: 'a consent page that is not an http(s) URL' }]);
      return { status: 'redirect', referenceNo, redirectUrl: page, expiresAt: body.additionalInfo?.consentExpiresAt };
    }
    return { status: 'otp_required', referenceNo, otpExpiresAt: body.additionalInfo?.otpExpiresAt };
  }

  /**
   * The auth code the bank's consent page sent back, exchanged for the customer's token (SNAP B2B2C access token,
   * service 74: `grantType: AUTHORIZATION_CODE`, signed like the B2B token request). Never retried: a code is single use.
   */
  async exchangeAuthCode(input: { authCode: string }): Promise<Extract<BindingResult, { status: 'bound' }>> {
    return this.customerTokenGrant('customer-token', { grantType: 'AUTHORIZATION_CODE', authCode: input.authCode });
  }

  /**
   * A new customer token for the one that expired (service 74, `grantType: REFRESH_TOKEN`). Never retried: banks
   * rotate refresh tokens, so a second try with the same one after a lost answer would be refused anyway. The bank
   * refusing the refresh token itself is `invalid_customer_token` (401xx02/04): the holder has to consent again.
   * Any other refusal (our signature, our client key) is ours to fix and says nothing about the holder's consent.
   */
  async refreshCustomerToken(input: { refreshToken: string }): Promise<Extract<BindingResult, { status: 'bound' }>> {
    return this.customerTokenGrant('customer-token-refresh', { grantType: 'REFRESH_TOKEN', refreshToken: input.refreshToken });
  }

  private async customerTokenGrant(operation: string, grant: Record<string, string>): Promise<Extract<BindingResult, { status: 'bound' }>> {
    const started = Date.now();
    const { clientKey, privateKey } = this.options.credentials;
    const timestamp = toJakartaIso(this.now());
    let answer: Answer;
    try {
      answer = await this.http(this.profile.paths.customerToken, JSON.stringify(grant), {
        'X-TIMESTAMP': timestamp,
        'X-CLIENT-KEY': clientKey,
        'X-SIGNATURE': signAccessToken({ clientKey, timestamp, privateKey }),
      });
    } catch (err) {
      const mapped = this.asSnapError(err);
      this.options.onCall?.({ bank: this.profile.code, operation, outcome: mapped.kind, ms: Date.now() - started });
      throw mapped;
    }
    this.options.onCall?.({ bank: this.profile.code, operation, outcome: answer.ok ? 'ok' : answer.error.kind, ms: Date.now() - started });
    if (!answer.ok) throw answer.error;
    const body = this.read(operation, CustomerTokenAnswer, answer.body);
    return {
      status: 'bound',
      accountToken: body.accessToken,
      accountName: body.additionalInfo?.accountName,
      referenceNo: body.referenceNo ?? '',
      tokenExpiresAt: instantOf(body.accessTokenExpiryTime),
      refreshToken: body.refreshToken,
      refreshExpiresAt: instantOf(body.refreshTokenExpiryTime),
    };
  }

  async verifyBindingOtp(input: { referenceNo: string; otp: string }): Promise<Extract<BindingResult, { status: 'bound' }>> {
    const body = await this.call('otp', OtpAnswer, this.profile.paths.otpVerification, { originalReferenceNo: input.referenceNo, otp: input.otp }, { idempotent: false });
    return { status: 'bound', accountToken: body.accountToken, accountName: body.accountName, referenceNo: input.referenceNo };
  }

  async unbindAccount(input: { accountToken: string }): Promise<void> {
    await this.call('unbinding', acknowledged, this.profile.paths.accountUnbinding, { partnerReferenceNo: newExternalId() }, { idempotent: true, accountToken: input.accountToken });
  }

  /** Reads one detailData entry (also the `transaction` of a mutation notification) the way this bank writes it. */
  readEntry(raw: RawStatementEntry): SnapStatementEntry {
    return readStatementEntry(this.profile, raw);
  }

  /** One service call; the answer is read through `schema` here, where it enters. */
  private async call<T extends z.ZodType>(operation: string, schema: T, path: string, body: Record<string, unknown>, opts: { idempotent: boolean; accountToken?: string }): Promise<z.output<T>> {
    const started = Date.now();
    const attempt = async () => {
      try {
        return await this.breaker.fire(() => this.callRefreshingToken(path, body, opts.accountToken));
      } catch (err) {
        const mapped = this.asSnapError(err);
        // Money never moves here, but binding and OTP are one-shot: a repeated OTP could lock the customer out.
        if (!opts.idempotent || !mapped.retryable || this.breaker.opened) throw new AbortError(mapped);
        throw mapped;
      }
    };
    try {
      const answer = await pRetry(attempt, { retries: opts.idempotent ? this.retries : 0, minTimeout: this.retryDelayMs, factor: 2, randomize: true });
      const result = this.read(operation, schema, answer);
      this.options.onCall?.({ bank: this.profile.code, operation, outcome: 'ok', ms: Date.now() - started });
      return result;
    } catch (err) {
      const mapped = this.asSnapError(err);
      this.options.onCall?.({ bank: this.profile.code, operation, outcome: mapped.kind, ms: Date.now() - started });
      throw mapped;
    }
  }

  /** One service call; an invalid-token answer drops the cached token, fetches a new one and asks once more. */
  private async callRefreshingToken(path: string, body: Record<string, unknown>, accountToken?: string): Promise<unknown> {
    const token = await this.accessToken();
    const first = await this.send(path, body, token, accountToken);
    if (first.ok) return first.body;
    if (first.error.kind !== 'invalid_token') throw first.error;
    if (this.token?.value === token) this.token = undefined;
    const fresh = await this.accessToken();
    const second = await this.send(path, body, fresh, accountToken);
    if (second.ok) return second.body;
    // A brand-new token refused again is a credentials problem, not an expiry.
    throw second.error.kind === 'invalid_token' ? new SnapError('unauthorized', this.profile.code, second.error.message, second.error.responseCode) : second.error;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - this.marginMs > this.now().getTime()) return this.token.value;
    // Concurrent calls share one token request instead of each asking the bank.
    this.tokenInFlight ??= this.requestAccessToken().finally(() => (this.tokenInFlight = undefined));
    return this.tokenInFlight;
  }

  private async requestAccessToken(): Promise<string> {
    const { clientKey, privateKey } = this.options.credentials;
    const timestamp = toJakartaIso(this.now());
    const answer = await this.http(this.profile.paths.accessToken, JSON.stringify({ grantType: 'client_credentials' }), {
      'X-TIMESTAMP': timestamp,
      'X-CLIENT-KEY': clientKey,
      'X-SIGNATURE': signAccessToken({ clientKey, timestamp, privateKey }),
    });
    if (!answer.ok) throw answer.error.kind === 'invalid_token' ? new SnapError('unauthorized', this.profile.code, answer.error.message, answer.error.responseCode) : answer.error;
    const { accessToken: value, expiresIn = 900 } = this.read('access token', AccessTokenAnswer, answer.body);
    this.token = { value, expiresAt: this.now().getTime() + expiresIn * 1000 };
    this.tokensIssued++;
    return value;
  }

  private async send(path: string, body: Record<string, unknown>, accessToken: string, accountToken?: string): Promise<Answer> {
    const { clientKey, clientSecret, partnerId } = this.options.credentials;
    // Serialised once: the bytes signed are the bytes sent.
    const raw = JSON.stringify(body);
    const timestamp = toJakartaIso(this.now());
    return this.http(path, raw, {
      Authorization: `Bearer ${accessToken}`,
      ...(accountToken ? { 'Authorization-Customer': `Bearer ${accountToken}` } : {}),
      'X-TIMESTAMP': timestamp,
      'X-SIGNATURE': signService({ method: 'POST', path, accessToken, body: raw, timestamp, clientSecret }),
      'X-PARTNER-ID': partnerId ?? clientKey,
      'X-EXTERNAL-ID': newExternalId(),
      'CHANNEL-ID': this.profile.channelId,
    });
  }

  private async http(path: string, raw: string, headers: Record<string, string>): Promise<Answer> {
    const url = `${this.options.baseUrl.replace(/\/$/, '')}${path}`;
    let res: { status: number; ok: boolean; retryAfter: string | null };
    let text: string;
    try {
      const answer = await this.transport.post(url, raw, headers, this.timeoutMs);
      res = { status: answer.status, ok: answer.status >= 200 && answer.status < 300, retryAfter: answer.retryAfter };
      text = answer.text;
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new SnapError(timedOut ? 'timeout' : 'general_error', this.profile.code, timedOut ? `${this.profile.code} did not answer within ${this.timeoutMs} ms` : `${this.profile.code} could not be reached`, undefined, { cause: err });
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const envelope = parsed === undefined || parsed === null ? undefined : SnapEnvelope.parse(parsed);
    if (res.ok && envelope?.responseCode?.startsWith('200')) return { ok: true, body: parsed };
    if (res.ok && !envelope) return { ok: false, error: new SnapError('general_error', this.profile.code, `${this.profile.code} answered HTTP ${res.status} with a body that is not JSON`) };
    return { ok: false, error: snapErrorFromAnswer(this.profile.code, res.status, envelope, res.retryAfter) };
  }

  /** A successful answer as its schema reads it, or a typed bad_response naming the fields that did not match. */
  private read<T extends z.ZodType>(answer: string, schema: T, body: unknown): z.output<T> {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw this.badAnswer(answer, answerIssues(parsed.error, this.provider));
  }

  private badAnswer(answer: string, issues: FieldIssue[]): SnapError {
    // Paths and reasons only: the body carries account numbers, balances and tokens.
    this.options.logger?.warn({ provider: this.provider, answer, issues }, 'bank answer does not match its documented shape');
    const what = describeIssues(issues);
    return new SnapError('bad_response', this.profile.code, `${this.profile.code} answer (${answer}) does not match its documented shape: ${what}`, undefined, { issues });
  }

  private get provider(): string {
    return `bank-${this.profile.code.toLowerCase()}`;
  }

  private asSnapError(err: unknown): SnapError {
    if (err instanceof SnapError) return err;
    if (err instanceof Error && (err as { code?: string }).code === 'EOPENBREAKER') {
      return new SnapError('general_error', this.profile.code, `${this.profile.code} is failing; calls are paused for a moment`, undefined, { cause: err });
    }
    return new SnapError('general_error', this.profile.code, `${this.profile.code}: ${err instanceof Error ? err.message : 'unexpected failure'}`, undefined, { cause: err });
  }
}

/** One statement entry in the hub's terms: signed minor units, UTC instant, the bank's id and description rules. */
export function readStatementEntry(profile: SnapBankProfile, raw: RawStatementEntry): SnapStatementEntry {
  const currency = raw.amount?.currency || 'IDR';
  if (!raw.amount?.value) throw new SnapError('general_error', profile.code, `${profile.code}: statement entry without an amount`);
  const magnitude = Math.abs(decimalToMinor(raw.amount.value, currency));
  const debit = /^(d|db|dr|debit|debet)$/i.test((raw.type ?? '').trim());
  const end = raw.endAmount ?? (Array.isArray(raw.detailBalance?.endAmount) ? raw.detailBalance?.endAmount[0] : raw.detailBalance?.endAmount);
  const bookedAt = bankInstant(raw.transactionDate);
  if (Number.isNaN(bookedAt.getTime())) throw new SnapError('general_error', profile.code, `${profile.code}: statement entry with an unreadable transactionDate`);
  return {
    externalId: profile.entryId(raw),
    bookedAt,
    amountMinor: debit ? -magnitude : magnitude,
    currency,
    description: profile.description(raw),
    balanceMinor: end?.value ? decimalToMinor(end.value, end.currency || currency) : undefined,
  };
}

/**
 * A statement date as the bank meant it. SNAP asks for ISO 8601 with an offset (+07:00), but a date-time or date
 * without one is Jakarta time at an Indonesian bank, not the server's zone: read as UTC, an evening entry or a
 * month-end fee would move to the next day, or month.
 */
function bankInstant(text: string | undefined): Date {
  const value = (text ?? '').trim();
  return fromJakartaWallClock(value) ?? new Date(value);
}

/** Empty statement pages in a row, each saying more follows, after which the bank's paging is taken as stuck. */
const MAX_EMPTY_PAGES_IN_A_ROW = 3;

/** Two statement pages holding the same entries: same length, same first and same last entry as the bank wrote them. */
function samePage(before: RawStatementEntry[] | undefined, now: RawStatementEntry[] | undefined): boolean {
  if (!before?.length || !now?.length || before.length !== now.length) return false;
  const same = (a: RawStatementEntry, b: RawStatementEntry) => JSON.stringify(a) === JSON.stringify(b);
  return same(before[0], now[0]) && same(before[before.length - 1], now[now.length - 1]);
}

/** An ISO 8601 instant from a bank's answer, or undefined when absent or unreadable (the bank then decides when it ends). */
function instantOf(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
