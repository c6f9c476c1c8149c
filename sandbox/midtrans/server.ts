/**
 * A Midtrans Core API simulator on the simulator kit: checks the server key like Midtrans, validates charges for
 * every Core API payment type, answers with the bodies the docs show (status with signature_key, refunds with
 * payment_type/transaction_time/refund_chargeback_id, card captures with approval_code and channel_response_code),
 * and follows Midtrans's rules: a cancelled or expired payment is never paid afterwards, refunds only for the
 * methods Midtrans refunds (partial only where allowed), a card pre-authorisation needs a capture step. The payer
 * pays by itself after `settleMs`; signed HTTP notifications go to the hub through the kit (retries, duplicates,
 * out-of-order). People act from /_sandbox.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { DateTime } from 'luxon';
import { escapeHtml, type DeliveryRecord } from '../shared/deliver.js';
import { createSimulatorKit, type FaultMode, type FaultSpec } from '../shared/kit.js';
import { qrisString } from '../shared/qris.js';
import { qrImageTag } from '../shared/qr-image.js';

export interface MidtransSandboxOptions {
  serverKey: string;
  /** A simulated payer pays this long after the charge; 0 = only by hand. Default 3000. */
  settleMs?: number;
  notificationUrl?: string;
  port?: number;
  host?: string;
  retryDelaysMs?: number[];
  log?: (message: string, data?: object) => void;
}

export type MidtransFaultMode = FaultMode | 'decline';

export interface MidtransRefund {
  refund_chargeback_id: number;
  refund_chargeback_uuid: string;
  refund_amount: string;
  created_at: string;
  reason?: string;
  refund_key: string;
  refund_method: string;
  bank_confirmed_at?: string;
}

export interface MidtransTransaction {
  order_id: string;
  transaction_id: string;
  payment_type: string;
  gross_amount: number;
  transaction_status: string;
  status_code: string;
  fraud_status: string;
  transaction_time: string;
  settlement_time?: string;
  expiry_time: string;
  refund_amount: number;
  refunds: MidtransRefund[];
  extra: Record<string, unknown>;
  /** For the control page: the QR a payer would scan (QRIS, GoPay). */
  qr_string?: string;
  notificationUrl?: string;
}

export interface MidtransSandbox {
  url: string;
  serverKey: string;
  stop(): Promise<void>;
  setNotificationUrl(url: string): void;
  settle(orderId: string): Promise<void>;
  /**
   * Test hook: settles without sending the notification, so a test can deliver its own signed body (a stalled
   * inbox, a replay) and the status API the hub confirms it with agrees.
   */
  settleQuietly(orderId: string): Promise<void>;
  deny(orderId: string): Promise<void>;
  expire(orderId: string): Promise<void>;
  cancel(orderId: string): Promise<void>;
  refund(orderId: string, amountWhole?: number): Promise<void>;
  /** Test hook: refunds like `refund` without sending the notification (see settleQuietly). */
  refundQuietly(orderId: string, amountWhole?: number): Promise<void>;
  /**
   * Test hook: the signed notification body for the transaction as it stands now, for a test that delivers it
   * itself: late, early, or after a later state (a settlement that arrives after its refund).
   */
  notificationFor(orderId: string): Record<string, unknown>;
  /**
   * The payer passes 3-D Secure: a pending card charge is captured (or authorised, for a pre-authorisation).
   * `fraudStatus: 'challenge'` is Midtrans's fraud system holding the capture for the merchant's review.
   */
  complete3ds(orderId: string, options?: { fraudStatus?: 'accept' | 'challenge' }): Promise<void>;
  /** The merchant reviews a challenged card capture (Midtrans's approve / deny): accepted, or denied. */
  reviewChallenge(orderId: string, decision: 'accept' | 'deny'): Promise<void>;
  injectFaults(faults: Omit<FaultSpec, 'mode'> & { mode: MidtransFaultMode }): void;
  setDeliveryMode(mode: { duplicate?: boolean; outOfOrder?: boolean }): void;
  /** Every charge the simulator accepted, in order. */
  readonly transactions: MidtransTransaction[];
  /** How many charge requests arrived, accepted or not (a repeated order id counts too). */
  readonly chargeRequests: number;
  readonly notifications: DeliveryRecord[];
}

const STATUS_CODES: Record<string, string> = { settlement: '200', capture: '200', authorize: '200', pending: '201', deny: '202', cancel: '200', expire: '407', refund: '200', partial_refund: '200' };
const VA_PREFIX: Record<string, string> = { bca: '12345', bni: '8808', bri: '88810', cimb: '8100', permata: '8778' };
/** Types that answer with a redirect_url the payer follows (internet banking, pay-later). */
const REDIRECT_TYPES = ['bca_klikpay', 'bca_klikbca', 'bri_epay', 'cimb_clicks', 'danamon_online', 'uob_ezpay', 'akulaku', 'kredivo'];
export const MIDTRANS_PAYMENT_TYPES = ['credit_card', 'bank_transfer', 'echannel', 'permata', 'qris', 'gopay', 'shopeepay', 'cstore', ...REDIRECT_TYPES] as const;
/** Midtrans's refund docs: refunds only for these payment types. */
export const MIDTRANS_REFUNDABLE = ['credit_card', 'gopay', 'shopeepay', 'qris', 'dana', 'ovo', 'kredivo', 'akulaku'];
/** ...and partial refunds not for these. */
export const MIDTRANS_FULL_REFUND_ONLY = ['shopeepay', 'ovo'];
/** A pending payment the payer can still pay. */
const PAYABLE = ['pending'];

const jakartaTime = (date = new Date()) => DateTime.fromJSDate(date).setZone('Asia/Jakarta').toFormat('yyyy-MM-dd HH:mm:ss');
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

export async function startMidtransSandbox(options: MidtransSandboxOptions): Promise<MidtransSandbox> {
  const settleMs = options.settleMs ?? 3000;
  const log = options.log ?? (() => {});
  const transactions = new Map<string, MidtransTransaction>();
  let notificationUrl = options.notificationUrl;
  let baseUrl = '';
  let chargeRequests = 0;
  let chargebackSeq = 20_000;
  let latePending = false;
  let duplicateOutcome = false;

  const kit = createSimulatorKit({
    name: 'Midtrans Core API',
    retryDelaysMs: options.retryDelaysMs,
    errorBody: (status) => (status === 500 ? { status_code: '500', status_message: 'Sorry. Our system is recovering from unexpected issues. Please retry.' } : { status_code: '503', status_message: 'Service temporarily unavailable' }),
    // What a refusal looks like: HTTP 200 with the failure in the body, as Midtrans often answers.
    customFault: (mode, c) => (mode === 'decline' ? c.json({ status_code: '402', status_message: 'Payment channel is not activated for this merchant', id: randomUUID() }, 200) : undefined),
  });
  const { api, control } = kit;

  const expectedAuth = `Basic ${Buffer.from(`${options.serverKey}:`).toString('base64')}`;
  const authorized = (header: string | undefined) =>
    timingSafeEqual(createHash('sha256').update(header ?? '').digest(), createHash('sha256').update(expectedAuth).digest());
  const json = (c: Context, status: number, body: object) => c.json(body, status as 200);
  const signature = (orderId: string, statusCode: string, gross: string) => createHash('sha512').update(orderId + statusCode + gross + options.serverKey).digest('hex');

  /** The transaction as status and notifications show it (signature_key included, as Midtrans's status answer has). */
  function transactionBody(tx: MidtransTransaction, status = tx.transaction_status): Record<string, unknown> {
    const statusCode = STATUS_CODES[status] ?? '200';
    const gross = `${tx.gross_amount}.00`;
    return {
      transaction_time: tx.transaction_time,
      transaction_status: status,
      transaction_id: tx.transaction_id,
      status_message: 'midtrans payment notification',
      status_code: statusCode,
      signature_key: signature(tx.order_id, statusCode, gross),
      payment_type: tx.payment_type,
      order_id: tx.order_id,
      merchant_id: 'G-SANDBOX',
      gross_amount: gross,
      fraud_status: tx.fraud_status,
      currency: 'IDR',
      expiry_time: tx.expiry_time,
      ...(tx.settlement_time ? { settlement_time: tx.settlement_time } : {}),
      ...(tx.refunds.length ? { refund_amount: `${tx.refund_amount}.00`, refunds: tx.refunds } : {}),
      ...tx.extra,
    };
  }

  async function notify(tx: MidtransTransaction): Promise<void> {
    const url = tx.notificationUrl ?? notificationUrl;
    if (!url) return;
    const send = (status: string) => kit.deliver({ url, body: JSON.stringify(transactionBody(tx, status)), headers: { 'user-agent': 'Veritrans' }, label: `${tx.order_id} ${status}` });
    await send(tx.transaction_status);
    if (duplicateOutcome) await send(tx.transaction_status);
    // Out of order: a stale "pending" arrives after the outcome, as a late retried delivery would.
    if (latePending && tx.transaction_status !== 'pending') await send('pending');
  }

  function must(orderId: string): MidtransTransaction {
    const tx = transactions.get(orderId);
    if (!tx) throw new Error(`no sandbox transaction ${orderId}`);
    return tx;
  }

  /** Moves a transaction, refusing what Midtrans would never do (pay a cancelled or expired one). */
  async function transition(tx: MidtransTransaction, to: string, allowedFrom: string[], options: { quiet?: boolean } = {}): Promise<void> {
    if (!allowedFrom.includes(tx.transaction_status)) throw new Error(`sandbox transaction ${tx.order_id} is ${tx.transaction_status}; it cannot become ${to}`);
    tx.transaction_status = to;
    tx.status_code = STATUS_CODES[to] ?? '200';
    if (to === 'settlement') tx.settlement_time = jakartaTime();
    if (to === 'capture') {
      tx.extra = { ...tx.extra, approval_code: digits(6), channel_response_code: '00', channel_response_message: 'Approved' };
      // A captured card settles at the end of the day; here after settleMs. A challenged one waits for its review.
      if (settleMs > 0 && tx.fraud_status === 'accept') kit.later(settleMs, () => transition(tx, 'settlement', ['capture']));
    }
    log(`midtrans sandbox: ${tx.order_id} → ${to}`);
    if (!options.quiet) await notify(tx);
  }

  function addRefund(tx: MidtransTransaction, amount: number, refundKey: string, reason?: string): MidtransRefund {
    const refund: MidtransRefund = {
      refund_chargeback_id: ++chargebackSeq,
      refund_chargeback_uuid: randomUUID(),
      refund_amount: `${amount}.00`,
      created_at: jakartaTime(),
      reason,
      refund_key: refundKey,
      refund_method: tx.payment_type === 'credit_card' ? 'card_reversal' : 'ewallet',
      bank_confirmed_at: jakartaTime(),
    };
    tx.refund_amount += amount;
    tx.refunds.push(refund);
    tx.transaction_status = tx.refund_amount >= tx.gross_amount ? 'refund' : 'partial_refund';
    tx.status_code = '200';
    return refund;
  }

  /** Midtrans's refund rules; undefined when this refund may go ahead. */
  function refundRefusal(tx: MidtransTransaction, amount: number): string | undefined {
    if (!MIDTRANS_REFUNDABLE.includes(tx.payment_type)) return `Refund is not supported for payment_type ${tx.payment_type}`;
    if (tx.transaction_status === 'capture' || tx.transaction_status === 'authorize') return 'Transaction is not settled yet: cancel it instead of refunding';
    if (!['settlement', 'partial_refund'].includes(tx.transaction_status)) return `Transaction status ${tx.transaction_status} cannot be refunded`;
    if (!Number.isInteger(amount) || amount < 1 || amount > tx.gross_amount - tx.refund_amount) return 'Refund amount exceeds the refundable amount';
    if (MIDTRANS_FULL_REFUND_ONLY.includes(tx.payment_type) && (amount !== tx.gross_amount || tx.refund_amount > 0)) return `Partial refund is not supported for payment_type ${tx.payment_type}`;
    return undefined;
  }

  api.use('/v2/*', async (c, next) => {
    if (!authorized(c.req.header('authorization'))) return json(c, 401, { status_code: '401', status_message: 'Unknown Merchant server_key/id', id: randomUUID() });
    await next();
  });

  api.post('/v2/charge', async (c) => {
    chargeRequests++;
    let body: Record<string, any>;
    try {
      body = await c.req.json();
    } catch {
      return json(c, 400, { status_code: '400', status_message: 'Invalid JSON' });
    }
    const details = body.transaction_details ?? {};
    const problems: string[] = [];
    if (typeof details.order_id !== 'string' || !details.order_id) problems.push('transaction_details.order_id is required');
    if (!Number.isInteger(details.gross_amount) || details.gross_amount < 1) problems.push('transaction_details.gross_amount must be an integer greater than or equal to 1');
    if (!(MIDTRANS_PAYMENT_TYPES as readonly string[]).includes(body.payment_type)) problems.push(`payment_type ${body.payment_type} is not supported`);
    if (Array.isArray(body.item_details)) {
      const total = body.item_details.reduce((s: number, i: { price: number; quantity: number }) => s + i.price * i.quantity, 0);
      if (total !== details.gross_amount) problems.push('transaction_details.gross_amount is not equal to the sum of item_details');
    }
    if (body.payment_type === 'credit_card' && !body.credit_card?.token_id) problems.push('credit_card.token_id is required');
    if (body.payment_type === 'bank_transfer' && body.bank_transfer?.bank && !VA_PREFIX[body.bank_transfer.bank]) problems.push(`bank_transfer.bank ${body.bank_transfer.bank} is not supported`);
    if (body.payment_type === 'cstore' && !['indomaret', 'alfamart'].includes(body.cstore?.store)) problems.push('cstore.store must be indomaret or alfamart');
    if (body.payment_type === 'echannel' && (String(body.echannel?.bill_info1 ?? '').length > 10 || String(body.echannel?.bill_info2 ?? '').length > 30)) problems.push('echannel.bill_info1 is at most 10 and bill_info2 at most 30 characters');
    if (problems.length) return json(c, 400, { status_code: '400', status_message: 'One or more parameters in the payload is invalid.', validation_messages: problems, id: randomUUID() });
    if (transactions.has(details.order_id)) {
      return json(c, 406, { status_code: '406', status_message: 'The request could not be completed due to a conflict with the current state of the target resource, please try again', id: randomUUID() });
    }

    const orderId: string = details.order_id;
    const gross: number = details.gross_amount;
    const type: string = body.payment_type;
    const expiryMinutes = body.custom_expiry?.expiry_duration
      ? Number(body.custom_expiry.expiry_duration) * ({ second: 1 / 60, minute: 1, hour: 60, day: 1440 }[body.custom_expiry.unit as string] ?? 1)
      : ['qris', 'gopay', 'shopeepay'].includes(type) ? 15 : 24 * 60;
    const now = new Date();
    const tx: MidtransTransaction = {
      order_id: orderId,
      transaction_id: randomUUID(),
      payment_type: type,
      gross_amount: gross,
      transaction_status: 'pending',
      status_code: '201',
      fraud_status: 'accept',
      transaction_time: jakartaTime(now),
      expiry_time: jakartaTime(new Date(now.getTime() + expiryMinutes * 60_000)),
      refund_amount: 0,
      refunds: [],
      extra: {},
      notificationUrl: c.req.header('x-override-notification') || undefined,
    };
    const answer: Record<string, unknown> = {};
    const actions = (names: string[]) =>
      names.map((name) => ({ name, method: name === 'cancel' ? 'POST' : 'GET', url: `${baseUrl}/_sandbox/pay/${tx.transaction_id}/${name}` }));
    switch (type) {
      case 'bank_transfer':
      case 'permata': {
        const bank: string = type === 'permata' ? 'permata' : (body.bank_transfer?.bank ?? 'bca');
        const va = body.bank_transfer?.va_number ?? `${VA_PREFIX[bank]}${digits(bank === 'bca' ? 6 : 11)}`;
        tx.extra = bank === 'permata' ? { permata_va_number: va } : { va_numbers: [{ bank, va_number: va }] };
        break;
      }
      case 'echannel':
        tx.extra = { bill_key: digits(12), biller_code: '70012' };
        break;
      case 'cstore':
        tx.extra = { payment_code: `${body.cstore.store === 'alfamart' ? 'ALF' : ''}${digits(16)}`, store: body.cstore.store };
        break;
      case 'qris':
        tx.extra = { acquirer: body.qris?.acquirer ?? 'gopay' };
        tx.qr_string = qrisString({ merchantName: 'SMARTWEALTH SANDBOX', amountWhole: gross, reference: orderId });
        answer.qr_string = tx.qr_string;
        answer.actions = actions(['generate-qr-code']);
        break;
      case 'gopay':
        tx.qr_string = qrisString({ merchantName: 'SMARTWEALTH SANDBOX', amountWhole: gross, reference: orderId, acquirerDomain: 'COM.GO-JEK.WWW' });
        answer.qr_string = tx.qr_string;
        answer.actions = actions(['generate-qr-code', 'deeplink-redirect', 'get-status', 'cancel']);
        break;
      case 'shopeepay':
        answer.actions = actions(['deeplink-redirect']);
        break;
      case 'credit_card': {
        tx.extra = { masked_card: '48111111-1114', bank: body.credit_card.bank ?? 'bni', card_type: 'credit', channel_response_code: '00', channel_response_message: 'Approved' };
        if (body.credit_card.authentication) {
          answer.redirect_url = `${baseUrl}/_sandbox/3ds/${encodeURIComponent(orderId)}`;
          tx.extra.preauth = body.credit_card.type === 'authorize';
        } else {
          // No 3-D Secure: captured at once (or authorised, for a pre-authorisation that needs a capture step).
          const preauth = body.credit_card.type === 'authorize';
          tx.transaction_status = preauth ? 'authorize' : 'capture';
          tx.status_code = '200';
          tx.extra.approval_code = digits(6);
          if (!preauth && settleMs > 0) kit.later(settleMs, () => transition(tx, 'settlement', ['capture']));
        }
        break;
      }
      default:
        // Internet banking and pay-later: the payer finishes on the channel's page.
        answer.redirect_url = `${baseUrl}/_sandbox/pay/${tx.transaction_id}/redirect`;
    }
    transactions.set(orderId, tx);
    log(`midtrans sandbox: charge ${orderId} ${type} ${gross}`);
    if (settleMs > 0 && tx.transaction_status === 'pending' && type !== 'credit_card') {
      // The simulated payer pays later, unless the payment was cancelled or expired meanwhile.
      kit.later(settleMs, async () => {
        if (PAYABLE.includes(tx.transaction_status)) await transition(tx, 'settlement', PAYABLE);
      });
    }
    // The payment runs out at its expiry (long-lived timers are unref'd and end with the simulator).
    kit.later(expiryMinutes * 60_000, async () => {
      if (tx.transaction_status === 'pending') await transition(tx, 'expire', ['pending']);
    });
    const { preauth: _preauth, ...shown } = tx.extra;
    return json(c, Number(tx.status_code), {
      status_code: tx.status_code,
      status_message:
        tx.transaction_status === 'capture' ? 'Success, Credit Card transaction is successful' : tx.transaction_status === 'authorize' ? 'Success, Credit Card authorization is successful' : `Success, ${type} transaction is created`,
      transaction_id: tx.transaction_id,
      order_id: orderId,
      merchant_id: 'G-SANDBOX',
      gross_amount: `${gross}.00`,
      currency: 'IDR',
      payment_type: tx.payment_type,
      transaction_time: tx.transaction_time,
      transaction_status: tx.transaction_status,
      fraud_status: tx.fraud_status,
      expiry_time: tx.expiry_time,
      ...shown,
      ...answer,
    });
  });

  const find = (id: string) => transactions.get(id) ?? [...transactions.values()].find((t) => t.transaction_id === id);
  const notFound = (c: Context) => json(c, 404, { status_code: '404', status_message: "Transaction doesn't exist.", id: randomUUID() });
  const statusBody = (tx: MidtransTransaction) => {
    const { preauth: _p, ...body } = transactionBody(tx);
    return { ...body, status_message: 'Success, transaction is found' };
  };

  api.get('/v2/:id/status', (c) => {
    const tx = find(c.req.param('id'));
    return tx ? json(c, 200, statusBody(tx)) : notFound(c);
  });

  // The capture step of a card pre-authorisation: POST /v2/capture {transaction_id, gross_amount}.
  api.post('/v2/capture', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { transaction_id?: string; gross_amount?: number };
    const tx = body.transaction_id ? find(body.transaction_id) : undefined;
    if (!tx) return notFound(c);
    if (tx.transaction_status !== 'authorize') return json(c, 412, { status_code: '412', status_message: 'Merchant cannot modify the status of the transaction' });
    if (body.gross_amount !== undefined && (!Number.isInteger(body.gross_amount) || body.gross_amount < 1 || body.gross_amount > tx.gross_amount)) {
      return json(c, 400, { status_code: '400', status_message: 'One or more parameters in the payload is invalid.', validation_messages: ['gross_amount must not exceed the authorised amount'] });
    }
    if (body.gross_amount !== undefined) tx.gross_amount = body.gross_amount;
    await transition(tx, 'capture', ['authorize']);
    return json(c, 200, { ...statusBody(tx), status_message: 'Success, Credit Card capture transaction is successful' });
  });

  for (const action of ['cancel', 'expire'] as const) {
    api.post(`/v2/:id/${action}`, async (c) => {
      const tx = find(c.req.param('id'));
      if (!tx) return notFound(c);
      const allowed = action === 'cancel' ? ['pending', 'capture', 'authorize'] : ['pending'];
      if (!allowed.includes(tx.transaction_status)) return json(c, 412, { status_code: '412', status_message: 'Merchant cannot modify the status of the transaction' });
      await transition(tx, action, allowed);
      return json(c, 200, { ...statusBody(tx), status_message: `Success, transaction is ${action === 'cancel' ? 'canceled' : 'expired'}` });
    });
  }

  api.post('/v2/:id/refund', async (c) => {
    const tx = find(c.req.param('id'));
    if (!tx) return notFound(c);
    const body = (await c.req.json().catch(() => ({}))) as { refund_key?: string; amount?: number; reason?: string };
    const refundKey = body.refund_key ?? randomUUID();
    // Midtrans keys refunds by refund_key: the same key again is reported as a duplicate, not refunded twice.
    if (tx.refunds.some((r) => r.refund_key === refundKey)) {
      return json(c, 200, { status_code: '406', status_message: `Duplicate refund_key ${refundKey}: this refund has already been made`, id: randomUUID() });
    }
    const amount = body.amount ?? tx.gross_amount - tx.refund_amount;
    const refusal = refundRefusal(tx, amount);
    if (refusal) return json(c, 200, { status_code: '412', status_message: refusal, id: randomUUID() });
    const refund = addRefund(tx, amount, refundKey, body.reason);
    void notify(tx);
    return json(c, 200, {
      status_code: '200',
      status_message: 'Success, refund request is approved',
      transaction_id: tx.transaction_id,
      order_id: tx.order_id,
      gross_amount: `${tx.gross_amount}.00`,
      currency: 'IDR',
      payment_type: tx.payment_type,
      transaction_time: refund.created_at,
      transaction_status: tx.transaction_status,
      refund_chargeback_id: refund.refund_chargeback_id,
      refund_chargeback_uuid: refund.refund_chargeback_uuid,
      refund_amount: refund.refund_amount,
      refund_key: refundKey,
    });
  });

  // ---- control surface for people and tests ----
  const controls = {
    settle: (orderId: string) => transition(must(orderId), 'settlement', ['pending', 'capture']),
    settleQuietly: (orderId: string) => transition(must(orderId), 'settlement', ['pending', 'capture'], { quiet: true }),
    deny: (orderId: string) => transition(must(orderId), 'deny', ['pending', 'capture', 'authorize']),
    expire: (orderId: string) => transition(must(orderId), 'expire', ['pending']),
    cancel: (orderId: string) => transition(must(orderId), 'cancel', ['pending', 'capture', 'authorize']),
    refund: async (orderId: string, amountWhole?: number) => {
      const tx = must(orderId);
      refundByHand(tx, amountWhole);
      await notify(tx);
    },
    refundQuietly: async (orderId: string, amountWhole?: number) => {
      refundByHand(must(orderId), amountWhole);
    },
    complete3ds: async (orderId: string, options: { fraudStatus?: 'accept' | 'challenge' } = {}) => {
      const tx = must(orderId);
      if (options.fraudStatus) tx.fraud_status = options.fraudStatus;
      await transition(tx, tx.extra.preauth ? 'authorize' : 'capture', ['pending']);
    },
    reviewChallenge: async (orderId: string, decision: 'accept' | 'deny') => {
      const tx = must(orderId);
      if (tx.transaction_status !== 'capture' || tx.fraud_status !== 'challenge') throw new Error(`sandbox transaction ${orderId} is not a challenged capture`);
      tx.fraud_status = decision;
      // Accepted: the same capture again, now accepted (and settling later); denied: the charge is denied.
      await transition(tx, decision === 'accept' ? 'capture' : 'deny', ['capture']);
    },
  };

  /** A refund made from the dashboard (no refund_key from the merchant), under Midtrans's refund rules. */
  function refundByHand(tx: MidtransTransaction, amountWhole?: number): void {
    const amount = amountWhole ?? tx.gross_amount - tx.refund_amount;
    const refusal = refundRefusal(tx, amount);
    if (refusal) throw new Error(refusal);
    addRefund(tx, amount, randomUUID());
  }

  control.get('/transactions', (c) => c.json([...transactions.values()]));
  control.post('/transactions/:orderId/:action{settle|deny|expire|cancel|refund|complete3ds}', async (c) => {
    const { orderId, action } = c.req.param();
    if (!transactions.has(orderId)) return c.json({ error: 'unknown order' }, 404);
    try {
      await controls[action as 'settle' | 'deny' | 'expire' | 'cancel' | 'refund' | 'complete3ds'](orderId);
    } catch (err) {
      return c.json({ error: (err as Error).message }, 409);
    }
    return (c.req.header('accept') ?? '').includes('text/html') ? c.redirect('/_sandbox') : c.json(transactions.get(orderId));
  });
  control.get('/pay/:transactionId/:action', (c) => c.html(`<p>Sandbox payment page for ${escapeHtml(c.req.param('transactionId'))}. Use <a href="/_sandbox">/_sandbox</a> to settle it.</p>`));
  control.get('/3ds/:orderId', (c) => {
    const id = c.req.param('orderId');
    return c.html(
      `<p>3-D Secure sandbox page for ${escapeHtml(id)}.</p><form method="post" action="/_sandbox/transactions/${encodeURIComponent(id)}/complete3ds"><button>Pass 3-D Secure</button></form>`,
    );
  });
  api.onError((err, c) => c.json({ status_code: '500', status_message: `sandbox error: ${err.message}` }, 500));

  kit.page(async () => {
    const list = [...transactions.values()];
    const images = new Map<string, string>();
    for (const tx of list) if (tx.qr_string && tx.transaction_status === 'pending') images.set(tx.qr_string, await qrImageTag(tx.qr_string));
    return page(list, { baseUrl, serverKey: options.serverKey, qr: (s) => images.get(s) ?? '' });
  });

  const running = await kit.listen({ port: options.port, host: options.host });
  baseUrl = running.url;

  return {
    url: baseUrl,
    serverKey: options.serverKey,
    stop: () => running.stop(),
    setNotificationUrl(url) {
      notificationUrl = url;
    },
    ...controls,
    notificationFor: (orderId) => transactionBody(must(orderId)),
    injectFaults: (spec) => kit.injectFaults(spec),
    setDeliveryMode: (mode) => {
      // Each outcome twice, then (out of order) one late stale PENDING: as the hub's tests and real providers see it.
      duplicateOutcome = Boolean(mode.duplicate);
      latePending = Boolean(mode.outOfOrder);
    },
    get transactions() {
      return [...transactions.values()];
    },
    get notifications() {
      return kit.deliveries.map((d) => {
        const [orderId, status] = d.label.split(' ');
        return { orderId, status, attempt: d.attempt, httpStatus: d.httpStatus, at: d.at };
      });
    },
    get chargeRequests() {
      return chargeRequests;
    },
  };
}

function page(transactions: MidtransTransaction[], context: { baseUrl: string; serverKey: string; qr: (s: string) => string }): string {
  const rows = transactions
    .slice()
    .reverse()
    .map((tx) => {
      const id = escapeHtml(tx.order_id);
      const actions = tx.payment_type === 'credit_card' && tx.transaction_status === 'pending' ? ['complete3ds', 'deny', 'cancel'] : ['settle', 'deny', 'expire', 'cancel', 'refund'];
      const buttons = actions
        .map((a) => `<form method="post" action="/_sandbox/transactions/${encodeURIComponent(tx.order_id)}/${a}" style="display:inline"><button>${a}</button></form>`)
        .join(' ');
      const qr = tx.qr_string && tx.transaction_status === 'pending' ? context.qr(tx.qr_string) : '';
      return `<tr><td>${id}</td><td>${escapeHtml(tx.payment_type)}</td><td>Rp${tx.gross_amount.toLocaleString('id-ID')}</td><td>${escapeHtml(tx.transaction_status)}</td><td>${qr}</td><td>${buttons}</td></tr>`;
    })
    .join('');
  return `<h2>Use it from your own tools</h2><p>Base URL <code>${escapeHtml(context.baseUrl)}</code> · server key <code>${escapeHtml(context.serverKey)}</code>
(Basic auth, the key as user name; with midtrans-client set <code>core.apiConfig.getCoreApiBaseUrl = () =&gt; '${escapeHtml(context.baseUrl)}'</code>).</p>
<h2>Charges</h2><p>Act as the payer (settle, pass 3-D Secure) or as Midtrans (deny, expire, cancel, refund); the signed notification goes to the hub.
A cancelled or expired payment cannot be paid.</p>
<table><tr><th>order</th><th>type</th><th>amount</th><th>status</th><th>QR</th><th></th></tr>${rows || '<tr><td colspan="6">No charges yet.</td></tr>'}</table>`;
}
