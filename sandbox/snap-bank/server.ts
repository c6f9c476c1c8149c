/**
 * One SNAP BI bank simulator on a loopback port that plays any of the six banks, each under its own prefix
 * (`/bca/openapi/v1.0/...`, `/bri/snap/v1.1/...`). It checks our B2B token signature (RSA) and every service
 * signature (HMAC-SHA512) with its own code, answers with the bank's response codes when something is wrong, keeps
 * accounts with balances and a deterministic history of Indonesian transactions, pages statements the way each bank
 * pages, binds accounts with an OTP, and sends RSA-signed mutation notifications to the hub.
 *
 * Built on the simulator kit (sandbox/shared/kit.ts): listen/stop, the /_sandbox page, signed notification delivery
 * with retries, duplicates and out-of-order delivery, and the kit's generic faults. On top of those, SNAP-specific
 * faults per bank (answered with the bank's own responseCode for the service asked): slow answers, hangs
 * (timeouts), 5xx, 429, 504, expired tokens, garbled bodies. A person drives it from /_sandbox.
 *
 * NOTE — notification body: SNAP BI defines no account-mutation notification for bank statements, so the body
 * below (`notificationType: "ACCOUNT_MUTATION"`, `accountNo`, `transaction{…}` shaped like a bank-statement
 * detailData entry) is OUR ASSUMPTION. The signature is the aggregator-style SNAP notification signature
 * (SHA256withRSA over METHOD:path:sha256(minified body):timestamp), which is what SNAP-speaking providers use.
 */
import { createHash, createHmac, createVerify, generateKeyPairSync, createSign, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import type { Context } from 'hono';
import { DateTime } from 'luxon';
import { escapeHtml } from '../shared/deliver.js';
import { createSimulatorKit, type DeliveryAttempt } from '../shared/kit.js';
import { SIM_BANK_BEHAVIOUR, SIM_BANKS, type SimBankCode } from './banks.js';
import { generateHistory, nextTransaction, seededRandom, type SimTransaction } from './transactions.js';

export interface SnapPartner {
  clientKey: string;
  clientSecret: string;
  /** PEM of the partner's (hub's) RSA public key. */
  publicKey: string;
  partnerId?: string;
}

export interface SnapBankSandboxOptions {
  /** The partner registered with every bank, unless `partners` names one for a bank. */
  partner: SnapPartner;
  partners?: Partial<Record<SimBankCode, SnapPartner>>;
  /** Hub base URL; notifications go to `${hubUrl}/webhooks/bank/<bank>`. */
  hubUrl?: string;
  port?: number;
  host?: string;
  tokenTtlSeconds?: number;
  /** How long a holder's token from redirect consent (B2B2C, service 74) lasts (default 900 s) and its refresh token (default 30 days). */
  customerTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  /**
   * 'auto' binds at once (demo) unless the request asks for the consent step; 'otp' always asks the holder, each bank
   * its own way (an OTP, or its consent page for the banks that bind by redirect).
   */
  bindingMode?: 'auto' | 'otp';
  /** Reads need a bound account's customer token (Authorization-Customer); default true. */
  requireBinding?: boolean;
  /** Demo accounts created at start (npm start): true for every bank, or the banks listed; none by default. */
  demoAccounts?: boolean | SimBankCode[];
  retryDelaysMs?: number[];
  seed?: string;
  /** The RSA key pair notifications are signed with (default: a fresh one); its public half is `publicKey`. */
  signingKeys?: { privateKey: KeyObject; publicKey: KeyObject };
  log?: (message: string, data?: object) => void;
}

/**
 * `expire_customer_token`: the bank's holder tokens from redirect consent end at that request (as time would end them
 * mid-sync). `repeat_page`: a statement request for a page after the first is answered with the page before it again,
 * `hasMore` and continuation key as they were then (a bank's paging cache or retry gone wrong). `empty_page`: a
 * statement request for a page after the first is answered with no entries, `hasMore: "Y"` and a continuation key
 * pointing at the same place (a bank's paging that stopped advancing).
 */
export type SnapFaultMode = 'slow' | 'hang' | 'http500' | 'http503' | 'http504' | 'http429' | 'expire_token' | 'expire_customer_token' | 'bad_json' | 'repeat_page' | 'empty_page';

/** Faults a statement takes itself, for a page after the first, rather than a request of any kind. */
const LATER_PAGE_FAULTS: ReadonlySet<SnapFaultMode> = new Set(['repeat_page', 'empty_page']);

export interface SimAccount {
  bank: SimBankCode;
  accountNo: string;
  name: string;
  currency: string;
  status: 'active' | 'inactive';
  balanceMinor: number;
  holdMinor: number;
  transactions: SimTransaction[];
  rand: () => number;
  /** Statement entries without the bank's own id (Mandiri leaves its reference out on some rows). */
  withoutIds?: boolean;
}

export interface SnapBankSandbox {
  url: string;
  /** PEM public key the hub uses to verify notifications from every simulated bank. */
  publicKey: string;
  baseUrlFor(bank: SimBankCode): string;
  createAccount(bank: SimBankCode, options?: { withoutIds?: boolean; accountNo?: string; name?: string; status?: 'active' | 'inactive'; days?: number; perDay?: number; seed?: string; startingBalanceMinor?: number; transactions?: SimTransaction[] }): SimAccount;
  account(bank: SimBankCode, accountNo: string): SimAccount | undefined;
  /** Books a new entry now (or as given) and notifies the hub. */
  addTransaction(bank: SimBankCode, accountNo: string, entry?: { amountMinor: number; parts: [string, string]; at?: Date }): Promise<SimTransaction>;
  otpFor(bank: SimBankCode, accountNo: string): string | undefined;
  /**
   * Ends every holder's token from redirect consent now, as time would (binding tokens from an OTP do not expire);
   * with `refreshTokens`, their refresh tokens too, so the holder has to consent again.
   */
  expireCustomerTokens(options?: { refreshTokens?: boolean }): void;
  setBindingMode(mode: 'auto' | 'otp'): void;
  setHubUrl(url: string): void;
  /** `after`: the first that many matching requests pass untouched. */
  injectFaults(fault: { mode: SnapFaultMode; count: number; bank?: SimBankCode; path?: RegExp; delayMs?: number; after?: number }): void;
  clearFaults(): void;
  setDeliveryMode(mode: { duplicate?: boolean; outOfOrder?: boolean }): void;
  /**
   * Signs and sends an arbitrary notification body (tests of the intake). `signedAt`: the X-TIMESTAMP it is signed
   * with (a notification captured earlier and sent again, or a bank whose clock is off); `externalId`: its X-EXTERNAL-ID.
   */
  sendNotification(bank: SimBankCode, body: object, options?: { signedAt?: Date; externalId?: string }): Promise<boolean>;
  /** attempts: every request to a bank route, faulted or not; serviceRequests: those that reached the service checks. */
  readonly stats: { attempts: number; tokenRequests: number; customerTokenRefreshes: number; serviceRequests: number; rejected: Record<string, number> };
  /** Every notification delivery attempt (label = the entry id), from the kit. */
  readonly notifications: readonly DeliveryAttempt[];
  stop(): Promise<void>;
}

// customerToken: the B2B2C access token an auth code is exchanged for (service 74).
const SERVICE = { token: '73', customerToken: '74', balance: '11', statement: '14', binding: '07', otp: '04', unbinding: '09' } as const;
type ServiceName = keyof typeof SERVICE;

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?([+-]\d{2}:\d{2})$/;
const money = (minor: number, currency = 'IDR') => ({ value: (Math.abs(minor) / 100).toFixed(2), currency });
/**
 * A bank's timestamp in WIB (UTC+07:00, Jakarta's offset since 1964), milliseconds only when there are some. Plain
 * arithmetic: a zone lookup per statement entry was a tenth of the simulator's time on a 10,000-entry statement.
 */
const jakarta = (d: Date) => {
  const wall = new Date(d.getTime() + 7 * 3_600_000).toISOString();
  return `${d.getTime() % 1000 === 0 ? wall.slice(0, 19) : wall.slice(0, 23)}+07:00`;
};
const digits = (n: number) => Array.from({ length: n }, () => String(randomInt(0, 10))).join('');

/** The simulator's own minifier (whitespace outside strings), independent of the hub's. */
function minify(raw: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  for (const ch of raw) {
    if (inString) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (!/\s/.test(ch)) out += ch;
  }
  return out;
}

export async function startSnapBankSandbox(options: SnapBankSandboxOptions): Promise<SnapBankSandbox> {
  const log = options.log ?? (() => {});
  const ttl = options.tokenTtlSeconds ?? 900;
  const requireBinding = options.requireBinding ?? true;
  const retryDelaysMs = options.retryDelaysMs ?? [500, 2000, 5000];
  const keys = options.signingKeys ?? generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const accounts = new Map<string, SimAccount>();
  const tokens = new Map<string, { bank: SimBankCode; clientKey: string; expiresAt: number }>();
  /** Holders' tokens: binding tokens (OTP) last until unbinding; B2B2C tokens (redirect consent) end at `expiresAt`. */
  const accountTokens = new Map<string, { bank: SimBankCode; accountNo: string; expiresAt?: number }>();
  /** Refresh tokens of B2B2C tokens: single use (rotated on every refresh), for one partner and account. */
  const refreshTokens = new Map<string, { bank: SimBankCode; accountNo: string; clientKey: string; expiresAt: number }>();
  const customerTtl = options.customerTokenTtlSeconds ?? 900;
  const refreshTtl = options.refreshTokenTtlSeconds ?? 30 * 86_400;
  const pendingBindings = new Map<string, { bank: SimBankCode; accountNo: string; otp: string; attempts: number; expiresAt: number }>();
  /** Bindings waiting for the holder on the bank's consent page (redirect banks), by binding reference. */
  const pendingRedirects = new Map<string, { bank: SimBankCode; accountNo: string; clientKey: string; returnUrl: string; state: string; expiresAt: number }>();
  /** Auth codes the consent page handed out: single use, a few minutes, for one partner and account. */
  const authCodes = new Map<string, { bank: SimBankCode; accountNo: string; clientKey: string; expiresAt: number }>();
  const externalIds = new Map<string, number>();
  const hangs = new Set<() => void>();
  const stats = { attempts: 0, tokenRequests: 0, customerTokenRefreshes: 0, serviceRequests: 0, rejected: {} as Record<string, number> };
  let faults: { mode: SnapFaultMode; remaining: number; bank?: SimBankCode; path?: RegExp; delayMs?: number; after?: number }[] = [];
  let bindingMode = options.bindingMode ?? 'auto';
  let hubUrl = options.hubUrl;
  let stopped = false;
  let idSeq = 0;

  const key = (bank: SimBankCode, accountNo: string) => `${bank}:${accountNo}`;
  const partnerOf = (bank: SimBankCode) => options.partners?.[bank] ?? options.partner;
  const reject = (c: Context, httpStatus: number, service: ServiceName, caseCode: string, message: string) => {
    const code = `${httpStatus}${SERVICE[service]}${caseCode}`;
    stats.rejected[code] = (stats.rejected[code] ?? 0) + 1;
    log('snap sandbox rejected', { code, message });
    return c.json({ responseCode: code, responseMessage: message }, httpStatus as 400);
  };

  function createAccount(bank: SimBankCode, o: Parameters<SnapBankSandbox['createAccount']>[1] = {}): SimAccount {
    const accountNo = o.accountNo ?? (bank === 'BCA' ? digits(10) : bank === 'BRI' ? digits(15) : digits(13));
    const seed = o.seed ?? `${options.seed ?? 'snap'}:${bank}:${accountNo}`;
    const rand = seededRandom(seed);
    const startingBalanceMinor = o.startingBalanceMinor ?? (Math.round(rand() * 15_000_000) + 2_000_000) * 100;
    const to = new Date();
    const from = DateTime.fromJSDate(to).minus({ days: o.days ?? 60 }).toJSDate();
    const transactions = o.transactions ?? generateHistory({ seed, from, to, startingBalanceMinor, perDay: o.perDay, idPrefix: `${bank.slice(0, 3)}${accountNo.slice(-4)}` });
    const account: SimAccount = {
      bank,
      accountNo,
      name: o.name ?? 'NASABAH SANDBOX',
      currency: 'IDR',
      status: o.status ?? 'active',
      balanceMinor: transactions.length ? transactions[transactions.length - 1].balanceAfterMinor : startingBalanceMinor,
      holdMinor: 0,
      transactions,
      rand,
      withoutIds: o.withoutIds,
    };
    accounts.set(key(bank, accountNo), account);
    return account;
  }

  /** `repeat_page` and `empty_page` are a statement's own faults, taken only by a request for a page after the first. */
  function takeFault(bank: SimBankCode, path: string, kind: 'request' | 'later_page' = 'request') {
    const f = faults.find((x) => x.remaining > 0 && LATER_PAGE_FAULTS.has(x.mode) === (kind === 'later_page') && (!x.bank || x.bank === bank) && (!x.path || x.path.test(path)));
    if (f?.after) {
      f.after--;
      return undefined;
    }
    if (f) f.remaining--;
    return f;
  }

  /** Resolves after `ms`, or at once when the simulator stops (so a hung request never blocks shutdown). */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        hangs.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      hangs.add(done);
    });

  const kit = createSimulatorKit({
    name: 'SNAP BI banks',
    retryDelaysMs,
    // The kit's generic 500/503 (POST /_sandbox/faults) in SNAP's shape; per-bank SNAP faults are below.
    errorBody: (status) => ({ responseCode: `${status}0000`, responseMessage: status === 500 ? 'General Error' : 'Internal Server Error' }),
  });
  kit.page(controlPage);

  kit.control.post('/:bank/:accountNo/transaction', async (c) => {
    const bank = c.req.param('bank').toUpperCase() as SimBankCode;
    if (!accounts.has(key(bank, c.req.param('accountNo')))) return c.text('no such account', 404);
    await api.addTransaction(bank, c.req.param('accountNo'));
    return c.redirect('/_sandbox');
  });
  // The form on the page; the kit's own POST /_sandbox/faults takes its generic JSON spec.
  kit.control.post('/bank-faults', async (c) => {
    const form = await c.req.parseBody();
    const mode = String(form.mode) as SnapFaultMode;
    const bank = form.bank ? (String(form.bank).toUpperCase() as SimBankCode) : undefined;
    api.injectFaults({ mode, count: Number(form.count ?? 1) || 1, bank: bank && SIM_BANKS.includes(bank) ? bank : undefined });
    return c.redirect('/_sandbox');
  });

  // The bank's own consent page (redirect banks): the holder sees who asks for which account and approves or
  // declines; the bank then sends the holder's browser back to the partner's redirectUrl with an auth code and the
  // partner's state (or an error). Field names on the way back (`authCode`, `state`, `error`) are our assumption.
  const consentPage = (title: string, body: string) =>
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:32rem}button{margin-right:1rem;padding:.5rem 1rem}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  const openRedirect = (bank: SimBankCode, ref: string) => {
    const pending = pendingRedirects.get(ref);
    return pending && pending.bank === bank && pending.expiresAt > Date.now() ? pending : undefined;
  };
  kit.api.get('/:bank/consent/:ref', (c) => {
    const bank = c.req.param('bank').toUpperCase() as SimBankCode;
    const pending = openRedirect(bank, c.req.param('ref'));
    if (!pending) return c.html(consentPage(`${bank}: link not valid`, '<p>This consent link is unknown, used or expired.</p>'), 404);
    const account = accounts.get(key(bank, pending.accountNo))!;
    return c.html(
      consentPage(
        `${bank}: allow access to your account?`,
        `<p><b>${escapeHtml(pending.clientKey)}</b> asks to read the balance and statement of account <b>****${escapeHtml(pending.accountNo.slice(-4))}</b> (${escapeHtml(account.name)}).</p>` +
          `<form method="post"><button name="decision" value="approve">Approve</button><button name="decision" value="decline">Decline</button></form>`,
      ),
    );
  });
  kit.api.post('/:bank/consent/:ref', async (c) => {
    const bank = c.req.param('bank').toUpperCase() as SimBankCode;
    const ref = c.req.param('ref');
    const pending = openRedirect(bank, ref);
    if (!pending) return c.html(consentPage(`${bank}: link not valid`, '<p>This consent link is unknown, used or expired.</p>'), 404);
    const form = await c.req.parseBody();
    pendingRedirects.delete(ref);
    const back = new URL(pending.returnUrl);
    back.searchParams.set('state', pending.state);
    if (form.decision === 'approve') {
      const code = randomBytes(24).toString('base64url');
      authCodes.set(code, { bank, accountNo: pending.accountNo, clientKey: pending.clientKey, expiresAt: Date.now() + 5 * 60_000 });
      back.searchParams.set('authCode', code);
    } else {
      back.searchParams.set('error', 'access_denied');
    }
    return c.redirect(back.toString(), 302);
  });

  kit.api.post('/:bank/*', async (c) => {
    const bank = c.req.param('bank').toUpperCase() as SimBankCode;
    const behaviour = SIM_BANK_BEHAVIOUR[bank];
    if (!behaviour) return c.json({ responseCode: '4040000', responseMessage: 'Unknown bank' }, 404);
    const path = c.req.path.slice(bank.length + 1);
    const raw = await c.req.text();
    const service = serviceFor(behaviour, path);
    if (!service) return c.json({ responseCode: '4040000', responseMessage: 'Not Found' }, 404);
    stats.attempts++;

    const fault = takeFault(bank, path);
    if (fault?.mode === 'slow') await pause(fault.delayMs ?? 1500);
    if (fault?.mode === 'hang') await pause(fault.delayMs ?? 60_000);
    if (stopped) return c.body(null, 503);
    if (fault?.mode === 'http500') return reject(c, 500, service, '00', 'General Error');
    if (fault?.mode === 'http503') return reject(c, 500, service, '01', 'Internal Server Error');
    if (fault?.mode === 'http504') return reject(c, 504, service, '00', 'Timeout');
    if (fault?.mode === 'http429') {
      c.header('Retry-After', '1');
      return reject(c, 429, service, '00', 'Too Many Requests');
    }
    if (fault?.mode === 'bad_json') return c.body('{"responseCode":"200', 200, { 'content-type': 'application/json' });
    if (fault?.mode === 'expire_token') for (const t of tokens.values()) if (t.bank === bank) t.expiresAt = 0;
    if (fault?.mode === 'expire_customer_token') for (const t of accountTokens.values()) if (t.bank === bank && t.expiresAt !== undefined) t.expiresAt = Date.now();

    const partner = partnerOf(bank);
    const timestamp = c.req.header('x-timestamp') ?? '';
    if (!ISO_WITH_OFFSET.test(timestamp)) return reject(c, 400, service, '01', 'Invalid Field Format [X-TIMESTAMP]');
    let body: Record<string, unknown>;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return reject(c, 400, service, '00', 'Bad Request');
    }

    if (service === 'token') {
      stats.tokenRequests++;
      if (c.req.header('x-client-key') !== partner.clientKey) return reject(c, 401, service, '00', 'Unauthorized. [Unknown client]');
      const signature = c.req.header('x-signature') ?? '';
      let valid = false;
      try {
        valid = createVerify('RSA-SHA256').update(`${partner.clientKey}|${timestamp}`).verify(partner.publicKey, Buffer.from(signature, 'base64'));
      } catch {
        valid = false;
      }
      if (!valid) return reject(c, 401, service, '00', 'Unauthorized. [Signature]');
      if (body.grantType !== 'client_credentials') return reject(c, 400, service, '02', 'Invalid Mandatory Field [grantType]');
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, { bank, clientKey: partner.clientKey, expiresAt: Date.now() + ttl * 1000 });
      return c.json({ responseCode: '2007300', responseMessage: 'Successful', accessToken: token, tokenType: 'Bearer', expiresIn: String(ttl) });
    }

    if (service === 'customerToken') {
      stats.tokenRequests++;
      if (c.req.header('x-client-key') !== partner.clientKey) return reject(c, 401, service, '00', 'Unauthorized. [Unknown client]');
      let valid = false;
      try {
        valid = createVerify('RSA-SHA256').update(`${partner.clientKey}|${timestamp}`).verify(partner.publicKey, Buffer.from(c.req.header('x-signature') ?? '', 'base64'));
      } catch {
        valid = false;
      }
      if (!valid) return reject(c, 401, service, '00', 'Unauthorized. [Signature]');
      const grantType = String(body.grantType ?? '').toUpperCase();
      let holder: { accountNo: string };
      if (grantType === 'AUTHORIZATION_CODE') {
        const code = authCodes.get(String(body.authCode ?? ''));
        // Single use: a code is gone once presented, whatever the outcome.
        authCodes.delete(String(body.authCode ?? ''));
        if (!code || code.bank !== bank || code.clientKey !== partner.clientKey || code.expiresAt <= Date.now()) return reject(c, 401, service, '00', 'Unauthorized. [Invalid authCode]');
        holder = code;
      } else if (grantType === 'REFRESH_TOKEN') {
        const refresh = refreshTokens.get(String(body.refreshToken ?? ''));
        // Rotated: a refresh token buys one new pair and is gone.
        refreshTokens.delete(String(body.refreshToken ?? ''));
        if (!refresh || refresh.bank !== bank || refresh.clientKey !== partner.clientKey || refresh.expiresAt <= Date.now()) return reject(c, 401, service, '02', 'Invalid Customer Token [refreshToken]');
        stats.customerTokenRefreshes++;
        holder = refresh;
      } else return reject(c, 400, service, '02', 'Invalid Mandatory Field [grantType]');
      const account = accounts.get(key(bank, holder.accountNo))!;
      const expiresAt = Date.now() + customerTtl * 1000;
      const refreshToken = randomBytes(24).toString('base64url');
      const refreshExpiresAt = Date.now() + refreshTtl * 1000;
      refreshTokens.set(refreshToken, { bank, accountNo: holder.accountNo, clientKey: partner.clientKey, expiresAt: refreshExpiresAt });
      return c.json({
        responseCode: '2007400',
        responseMessage: 'Successful',
        accessToken: issueAccountToken(bank, holder.accountNo, expiresAt),
        tokenType: 'Bearer',
        accessTokenExpiryTime: jakarta(new Date(expiresAt)),
        refreshToken,
        refreshTokenExpiryTime: jakarta(new Date(refreshExpiresAt)),
        additionalInfo: { accountName: account.name },
      });
    }

    stats.serviceRequests++;
    const bearer = (c.req.header('authorization') ?? '').replace(/^Bearer\s+/i, '');
    const token = tokens.get(bearer);
    if (!token || token.bank !== bank || token.expiresAt <= Date.now()) return reject(c, 401, service, '01', 'Invalid Token (B2B)');
    const expected = createHmac('sha512', partner.clientSecret)
      .update(`POST:${path}:${bearer}:${createHash('sha256').update(minify(raw)).digest('hex')}:${timestamp}`)
      .digest('base64');
    if ((c.req.header('x-signature') ?? '') !== expected) return reject(c, 401, service, '00', 'Unauthorized. [Signature]');
    if (c.req.header('x-partner-id') !== (partner.partnerId ?? partner.clientKey)) return reject(c, 401, service, '00', 'Unauthorized. [Unknown partner]');
    const channel = c.req.header('channel-id') ?? '';
    if (channel !== behaviour.channelId) return reject(c, 400, service, '02', 'Invalid Mandatory Field [CHANNEL-ID]');
    const externalId = c.req.header('x-external-id') ?? '';
    if (!/^\d{1,36}$/.test(externalId)) return reject(c, 400, service, '01', 'Invalid Field Format [X-EXTERNAL-ID]');
    const dayKey = `${bank}:${jakarta(new Date()).slice(0, 10)}:${externalId}`;
    if (externalIds.has(dayKey)) return reject(c, 409, service, '00', 'Conflict');
    externalIds.set(dayKey, Date.now());

    if (service === 'otp') {
      const pending = pendingBindings.get(String(body.originalReferenceNo ?? ''));
      if (!pending || pending.bank !== bank || pending.expiresAt < Date.now()) return reject(c, 404, service, '01', 'Transaction Not Found');
      if (String(body.otp ?? '') !== pending.otp) {
        if (++pending.attempts >= 3) pendingBindings.delete(String(body.originalReferenceNo));
        return reject(c, 400, service, '01', 'Invalid Field Format [otp]');
      }
      pendingBindings.delete(String(body.originalReferenceNo));
      const account = accounts.get(key(bank, pending.accountNo))!;
      return c.json({ responseCode: '2000400', responseMessage: 'Successful', referenceNo: body.originalReferenceNo, accountToken: issueAccountToken(bank, pending.accountNo), accountName: account.name });
    }

    if (service === 'unbinding') {
      const customer = (c.req.header('authorization-customer') ?? '').replace(/^Bearer\s+/i, '');
      accountTokens.delete(customer);
      return c.json({ responseCode: '2000900', responseMessage: 'Successful', referenceNo: digits(12) });
    }

    const accountNo = String(body.accountNo ?? '');
    if (!accountNo) return reject(c, 400, service, '02', 'Invalid Mandatory Field [accountNo]');
    const account = accounts.get(key(bank, accountNo));
    if (!account) return reject(c, 404, service, '11', 'Invalid Account');
    if (account.status !== 'active') return reject(c, 403, service, '18', 'Inactive Account');

    if (service === 'binding') {
      const referenceNo = digits(16);
      const info = (body.additionalInfo ?? {}) as Record<string, unknown>;
      const otpRequested = info.otpRequested === 'Y';
      const redirectRequested = info.redirectRequested === 'Y';
      // A bank asks its holder one way; asking it for the other is a bad request, as a real bank would answer.
      if (behaviour.consent === 'otp' && redirectRequested) return reject(c, 400, service, '01', 'Invalid Field Format [additionalInfo.redirectRequested] (this bank binds with an OTP)');
      if (behaviour.consent === 'redirect' && otpRequested) return reject(c, 400, service, '01', 'Invalid Field Format [additionalInfo.otpRequested] (this bank binds on its own page)');
      if (bindingMode === 'auto' && !otpRequested && !redirectRequested) return c.json({ responseCode: '2000700', responseMessage: 'Successful', referenceNo, partnerReferenceNo: body.partnerReferenceNo, accountToken: issueAccountToken(bank, accountNo), accountName: account.name });
      if (behaviour.consent === 'redirect') {
        const returnUrl = typeof info.redirectUrl === 'string' ? info.redirectUrl : '';
        if (!/^https?:\/\//.test(returnUrl)) return reject(c, 400, service, '02', 'Invalid Mandatory Field [additionalInfo.redirectUrl]');
        if (typeof info.state !== 'string' || !/^[\w-]{8,128}$/.test(info.state)) return reject(c, 400, service, '02', 'Invalid Mandatory Field [additionalInfo.state]');
        const expiresAt = Date.now() + 10 * 60_000;
        pendingRedirects.set(referenceNo, { bank, accountNo, clientKey: partner.clientKey, returnUrl, state: info.state, expiresAt });
        return c.json({
          responseCode: '2000700',
          responseMessage: 'Successful',
          referenceNo,
          partnerReferenceNo: body.partnerReferenceNo,
          // The bank's page the holder is sent to (SNAP's binding answer calls it redirectUrl).
          additionalInfo: { redirectUrl: `${api.baseUrlFor(bank)}/consent/${referenceNo}`, consentExpiresAt: jakarta(new Date(expiresAt)) },
        });
      }
      const otp = digits(6);
      const expiresAt = Date.now() + 5 * 60_000;
      pendingBindings.set(referenceNo, { bank, accountNo, otp, attempts: 0, expiresAt });
      log('snap sandbox OTP sent to the account holder', { bank, accountNo: `****${accountNo.slice(-4)}`, otp });
      return c.json({ responseCode: '2000700', responseMessage: 'Successful', referenceNo, partnerReferenceNo: body.partnerReferenceNo, additionalInfo: { otpRequired: 'Y', otpExpiresAt: jakarta(new Date(expiresAt)) } });
    }

    if (requireBinding) {
      const customer = accountTokens.get((c.req.header('authorization-customer') ?? '').replace(/^Bearer\s+/i, ''));
      // ASPI 401xx04: a token this bank does not know (never issued, unbound, or issued before a restart: the
      // simulator keeps no state), as a bank answers a binding it has dropped.
      if (!customer) return reject(c, 401, service, '04', 'Customer Token Not Found');
      if (customer.bank !== bank || customer.accountNo !== accountNo) return reject(c, 401, service, '00', 'Unauthorized. [Account not bound to this partner]');
      // ASPI 401xx02: the holder's token has ended (the partner refreshes it, or the holder consents again).
      if (customer.expiresAt !== undefined && customer.expiresAt <= Date.now()) return reject(c, 401, service, '02', 'Invalid Customer Token');
    }

    if (service === 'balance') {
      const info = {
        balanceType: 'Cash',
        amount: money(account.balanceMinor, account.currency),
        floatAmount: money(0, account.currency),
        holdAmount: money(account.holdMinor, account.currency),
        availableBalance: money(account.balanceMinor - account.holdMinor, account.currency),
        ledgerBalance: money(account.balanceMinor, account.currency),
        currentMultilateralLimit: money(0, account.currency),
        registrationStatusCode: '0001',
        status: '0001',
      };
      return c.json({ responseCode: '2001100', responseMessage: 'Successful', referenceNo: digits(12), partnerReferenceNo: body.partnerReferenceNo, accountNo, name: account.name, accountInfos: behaviour.accountInfos === 'object' ? info : [info] });
    }

    // Bank statement.
    const from = Date.parse(String(body.fromDateTime ?? ''));
    const to = Date.parse(String(body.toDateTime ?? ''));
    if (!ISO_WITH_OFFSET.test(String(body.fromDateTime)) || Number.isNaN(from)) return reject(c, 400, service, '01', 'Invalid Field Format [fromDateTime]');
    if (!ISO_WITH_OFFSET.test(String(body.toDateTime)) || Number.isNaN(to) || to < from) return reject(c, 400, service, '01', 'Invalid Field Format [toDateTime]');
    if (to - from > behaviour.maxDays * 86_400_000 + 1000) return reject(c, 400, service, '01', `Invalid Field Format [toDateTime] (max ${behaviour.maxDays} days)`);
    const info = (body.additionalInfo ?? {}) as Record<string, string>;
    const paging = behaviour.paging;
    const size = Math.min(Math.max(Number(info[paging.size]) || 50, 1), 500);
    let offset = 0;
    if (paging.kind === 'page') offset = (Math.max(Number(info[paging.page]) || 1, 1) - 1) * size;
    else if (info[paging.requestKey]) offset = Number(Buffer.from(info[paging.requestKey], 'base64url').toString()) || 0;
    const pageFault = offset > 0 ? takeFault(bank, path, 'later_page') : undefined;
    if (pageFault?.mode === 'repeat_page') offset = Math.max(0, offset - size);
    // The journal is in time order: the window is found by binary search, and its totals are computed once per
    // window and journal length rather than on every page (a 10,000-entry statement is 100 pages).
    const summary = windowSummary(account, from, to);
    const inWindow = account.transactions.slice(summary.first, summary.end);
    const stalled = pageFault?.mode === 'empty_page';
    const page = stalled ? [] : inWindow.slice(offset, offset + size);
    const hasMore = stalled || offset + size < inWindow.length;
    const { starting, ending } = summary;
    return c.json({
      responseCode: '2001400',
      responseMessage: 'Successful',
      referenceNo: digits(12),
      partnerReferenceNo: body.partnerReferenceNo,
      balance: [{ amount: { ...money(account.balanceMinor), dateTime: jakarta(new Date()) }, startingBalance: money(starting), endingBalance: money(ending) }],
      totalCreditEntries: { numberOfEntries: String(summary.credits), amount: money(summary.creditSum) },
      totalDebitEntries: { numberOfEntries: String(summary.debits), amount: money(summary.debitSum) },
      hasMore: hasMore ? 'Y' : 'N',
      lastRecordDateTime: page.length ? jakarta(page[page.length - 1].at) : undefined,
      detailData: page.map((t) => entryJson(bank, t, account.withoutIds)),
      additionalInfo: paging.kind === 'key' && hasMore ? { [paging.answerKey]: Buffer.from(String(stalled ? offset : offset + size)).toString('base64url') } : {},
    });
  });

  const summaries = new WeakMap<SimAccount, Map<string, ReturnType<typeof summarise>>>();
  /** First index whose time is at or after `t` (the journal is strictly increasing in time). */
  const lowerBound = (list: SimTransaction[], t: number) => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].at.getTime() < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  function summarise(account: SimAccount, from: number, to: number) {
    const list = account.transactions;
    const first = lowerBound(list, from);
    const end = lowerBound(list, to + 1);
    const starting = first > 0 ? list[first - 1].balanceAfterMinor : end > first ? list[first].balanceAfterMinor - list[first].amountMinor : account.balanceMinor;
    const ending = end > first ? list[end - 1].balanceAfterMinor : starting;
    let credits = 0;
    let debits = 0;
    let creditSum = 0;
    let debitSum = 0;
    for (let i = first; i < end; i++) {
      const amount = list[i].amountMinor;
      if (amount > 0) (credits++, (creditSum += amount));
      else if (amount < 0) (debits++, (debitSum -= amount));
    }
    return { first, end, starting, ending, credits, debits, creditSum, debitSum };
  }
  function windowSummary(account: SimAccount, from: number, to: number) {
    if (!summaries.has(account)) summaries.set(account, new Map());
    const cache = summaries.get(account)!;
    const key = `${from}:${to}:${account.transactions.length}`;
    if (!cache.has(key)) {
      if (cache.size > 50) cache.clear();
      cache.set(key, summarise(account, from, to));
    }
    return cache.get(key)!;
  }

  function serviceFor(b: (typeof SIM_BANK_BEHAVIOUR)[SimBankCode], path: string): ServiceName | undefined {
    const table: Record<string, ServiceName> = {
      [`${b.prefix}/v1.0/access-token/b2b`]: 'token',
      [`${b.prefix}/v1.0/access-token/b2b2c`]: 'customerToken',
      [`${b.prefix}/v1.0/balance-inquiry`]: 'balance',
      [b.statementPath]: 'statement',
      [`${b.prefix}/v1.0/registration-account-binding`]: 'binding',
      [`${b.prefix}/v1.0/otp-verification`]: 'otp',
      [`${b.prefix}/v1.0/registration-account-unbinding`]: 'unbinding',
    };
    return table[path];
  }

  function issueAccountToken(bank: SimBankCode, accountNo: string, expiresAt?: number): string {
    const t = randomBytes(24).toString('base64url');
    accountTokens.set(t, { bank, accountNo, expiresAt });
    return t;
  }

  function entryJson(bank: SimBankCode, t: SimTransaction, withoutIds = false): Record<string, unknown> {
    const b = SIM_BANK_BEHAVIOUR[bank];
    const credit = t.amountMinor > 0;
    const remark = b.remarkStyle === 'bca36' ? (t.parts[0].slice(0, 18).padEnd(18) + t.parts[1].slice(0, 18).padEnd(18)) : `${t.parts[0]} ${t.parts[1]}`.slice(0, 60);
    const entry: Record<string, unknown> = {
      amount: money(t.amountMinor),
      transactionDate: jakarta(t.at),
      remark,
      type: b.typeSpelling === 'letter' ? (credit ? 'C' : 'D') : credit ? 'CREDIT' : 'DEBIT',
      transactionDetailStatus: 'SUCCESS',
    };
    if (b.idField && !withoutIds) entry[b.idField] = t.id;
    if (b.remarkStyle === 'bca36') entry.endAmount = money(t.balanceAfterMinor);
    else entry.detailBalance = { endAmount: [money(t.balanceAfterMinor)] };
    return entry;
  }

  function sign(path: string, body: string, timestamp: string): string {
    return createSign('RSA-SHA256').update(`POST:${path}:${createHash('sha256').update(minify(body)).digest('hex')}:${timestamp}`).sign(keys.privateKey as KeyObject, 'base64');
  }

  async function deliver(bank: SimBankCode, body: object, reference: string, sent: { signedAt?: Date; externalId?: string } = {}): Promise<boolean> {
    if (!hubUrl) return false;
    const url = `${hubUrl.replace(/\/$/, '')}/webhooks/bank/${bank.toLowerCase()}`;
    const raw = JSON.stringify(body);
    const timestamp = jakarta(new Date(Math.floor((sent.signedAt ?? new Date()).getTime() / 1000) * 1000));
    const partner = partnerOf(bank);
    const headers = { 'X-TIMESTAMP': timestamp, 'X-SIGNATURE': sign(new URL(url).pathname, raw, timestamp), 'X-PARTNER-ID': partner.partnerId ?? partner.clientKey, 'X-EXTERNAL-ID': sent.externalId ?? `${Date.now()}${++idSeq}`, 'CHANNEL-ID': SIM_BANK_BEHAVIOUR[bank].channelId };
    const label = `${bank} ${reference}`;
    // Duplicates and out-of-order delivery (held back until the next one is sent) are the kit's delivery modes.
    await kit.deliver({ url, body: raw, headers, label });
    const last = [...kit.deliveries].reverse().find((d) => d.label === label);
    // Held back (out of order): not sent yet, but it will be.
    return last ? last.httpStatus !== null && last.httpStatus >= 200 && last.httpStatus < 300 : true;
  }

  function controlPage(): string {
    const rows = [...accounts.values()]
      .map((a) => `<tr><td>${a.bank}</td><td>${escapeHtml(a.accountNo)}</td><td>${escapeHtml(a.name)}</td><td>${a.status}</td><td style="text-align:right">Rp${(a.balanceMinor / 100).toLocaleString('id-ID')}</td><td>${a.transactions.length}</td><td><form method="post" action="/_sandbox/${a.bank.toLowerCase()}/${escapeHtml(a.accountNo)}/transaction"><button>book a transaction + notify</button></form></td></tr>`)
      .join('');
    const otps = [...pendingBindings.entries()].map(([ref, p]) => `<li>${p.bank} ${escapeHtml(p.accountNo)}: OTP <b>${p.otp}</b> (ref ${ref})</li>`).join('');
    const pages = [...pendingRedirects.entries()].map(([ref, p]) => `<li>${p.bank} ${escapeHtml(p.accountNo)}: <a href="${escapeHtml(`${api.baseUrlFor(p.bank)}/consent/${ref}`)}">consent page</a></li>`).join('');
    const modes: SnapFaultMode[] = ['slow', 'hang', 'http500', 'http503', 'http504', 'http429', 'expire_token', 'expire_customer_token', 'bad_json', 'repeat_page', 'empty_page'];
    return `<p>Banks: ${SIM_BANKS.map((b) => `${b} → <code>${escapeHtml(api.baseUrlFor(b))}</code>`).join(', ')}. Binding mode: <b>${bindingMode}</b>.</p>
<h2>Accounts</h2><table><tr><th>bank</th><th>account</th><th>name</th><th>status</th><th>balance</th><th>entries</th><th></th></tr>${rows}</table>
<h2>Pending OTPs</h2><ul>${otps || '<li>none</li>'}</ul>
<h2>Pending consent pages</h2><ul>${pages || '<li>none</li>'}</ul>
<h2>Inject a bank failure</h2><form method="post" action="/_sandbox/bank-faults"><select name="mode">${modes.map((m) => `<option>${m}</option>`).join('')}</select> bank <select name="bank"><option value="">any</option>${SIM_BANKS.map((b) => `<option>${b}</option>`).join('')}</select> count <input name="count" value="1" size="3"><button>inject</button></form>`;
  }

  const server = await kit.listen({ port: options.port, host: options.host });

  const api: SnapBankSandbox = {
    url: server.url,
    publicKey: publicKeyPem,
    baseUrlFor: (bank) => `${server.url}/${bank.toLowerCase()}`,
    createAccount,
    account: (bank, accountNo) => accounts.get(key(bank, accountNo)),
    async addTransaction(bank, accountNo, entry) {
      const account = accounts.get(key(bank, accountNo));
      if (!account) throw new Error(`no ${bank} account ${accountNo}`);
      const lastAt = account.transactions.length ? account.transactions[account.transactions.length - 1].at.getTime() : 0;
      const at = new Date(Math.floor(Math.max(entry?.at?.getTime() ?? Date.now(), lastAt + 1000) / 1000) * 1000);
      const id = `${bank.slice(0, 3)}${accountNo.slice(-4)}N${String(++idSeq).padStart(7, '0')}`;
      const tx = entry ? { id, at, amountMinor: entry.amountMinor, parts: entry.parts, balanceAfterMinor: account.balanceMinor + entry.amountMinor } : nextTransaction(account.rand, at, account.balanceMinor, id);
      account.transactions.push(tx);
      account.balanceMinor = tx.balanceAfterMinor;
      await deliver(bank, { partnerReferenceNo: `${Date.now()}${idSeq}`, notificationType: 'ACCOUNT_MUTATION', bankCode: bank, accountNo, transaction: entryJson(bank, tx), additionalInfo: {} }, tx.id);
      return tx;
    },
    expireCustomerTokens(opts) {
      const now = Date.now();
      for (const token of accountTokens.values()) if (token.expiresAt !== undefined) token.expiresAt = now;
      if (opts?.refreshTokens) for (const refresh of refreshTokens.values()) refresh.expiresAt = now;
    },
    otpFor: (bank, accountNo) => [...pendingBindings.values()].reverse().find((p) => p.bank === bank && p.accountNo === accountNo)?.otp,
    setBindingMode: (mode) => (bindingMode = mode),
    setHubUrl: (url) => (hubUrl = url),
    injectFaults: (f) => faults.push({ ...f, remaining: f.count }),
    clearFaults: () => (faults = []),
    setDeliveryMode: (mode) => kit.setDeliveryMode(mode),
    sendNotification: (bank, body, sent) => deliver(bank, body, 'manual', sent),
    stats,
    get notifications() {
      return kit.deliveries;
    },
    async stop() {
      stopped = true;
      for (const release of [...hangs]) release();
      await server.stop();
    },
  };

  if (options.demoAccounts) {
    for (const bank of options.demoAccounts === true ? SIM_BANKS : options.demoAccounts) createAccount(bank, { accountNo: { BCA: '0611104625', MANDIRI: '1370012345678', BNI: '0123456789', BRI: '034101000743303', CIMB: '800123456789', DANAMON: '003512345678' }[bank], name: 'BUDI SANTOSO', seed: `demo:${bank}` });
  }
  return api;
}
