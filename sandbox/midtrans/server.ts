/**
 * A Midtrans Core API simulator on a loopback port: checks the server key like Midtrans, validates charges, answers
 * with realistic bodies per payment type, settles by itself after `settleMs` as a payer would, and sends signed
 * HTTP notifications to the hub (retrying after a non-2xx answer). Failures can be injected, and people can settle,
 * deny, expire, cancel or refund from a small page at /_sandbox.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { DateTime } from 'luxon';
import { deliverWithRetries, escapeHtml, type DeliveryRecord } from '../shared/deliver.js';
import { listen } from '../shared/listen.js';
import { qrisString } from '../shared/qris.js';

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

export type MidtransFaultMode = 'timeout' | 'http500' | 'http503' | 'bad_json' | 'decline';

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
  refunds: { refund_key: string; refund_amount: string; reason?: string }[];
  extra: Record<string, unknown>;
  notificationUrl?: string;
}

export interface MidtransSandbox {
  url: string;
  serverKey: string;
  stop(): Promise<void>;
  setNotificationUrl(url: string): void;
  settle(orderId: string): Promise<void>;
  deny(orderId: string): Promise<void>;
  expire(orderId: string): Promise<void>;
  cancel(orderId: string): Promise<void>;
  refund(orderId: string, amountWhole?: number): Promise<void>;
  injectFaults(faults: { mode: MidtransFaultMode; count: number; paths?: RegExp }): void;
  setDeliveryMode(mode: { duplicate?: boolean; outOfOrder?: boolean }): void;
  /** Every charge the simulator accepted, in order. */
  readonly transactions: MidtransTransaction[];
  /** How many charge requests arrived, accepted or not (a repeated order id counts too). */
  readonly chargeRequests: number;
  readonly notifications: DeliveryRecord[];
}

const STATUS_CODES: Record<string, string> = { settlement: '200', capture: '200', pending: '201', deny: '202', cancel: '200', expire: '407', refund: '200', partial_refund: '200' };
const VA_PREFIX: Record<string, string> = { bca: '12345', bni: '8808', bri: '88810', cimb: '8100', permata: '8778' };
const SUPPORTED_TYPES = ['bank_transfer', 'echannel', 'qris', 'gopay', 'shopeepay', 'cstore', 'credit_card'];

const jakartaNow = (offsetMs = 0) => DateTime.now().plus({ milliseconds: offsetMs }).setZone('Asia/Jakarta').toFormat('yyyy-MM-dd HH:mm:ss');
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

export async function startMidtransSandbox(options: MidtransSandboxOptions): Promise<MidtransSandbox> {
  const settleMs = options.settleMs ?? 3000;
  const retryDelaysMs = options.retryDelaysMs ?? [200, 500, 1000, 2000];
  const log = options.log ?? (() => {});
  const transactions = new Map<string, MidtransTransaction>();
  const notifications: DeliveryRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let notificationUrl = options.notificationUrl;
  let faults: { mode: MidtransFaultMode; remaining: number; paths?: RegExp } | undefined;
  let delivery = { duplicate: false, outOfOrder: false };
  let stopped = false;
  let baseUrl = '';
  let chargeRequests = 0;

  const expectedAuth = `Basic ${Buffer.from(`${options.serverKey}:`).toString('base64')}`;
  const authorized = (header: string | undefined) => {
    const a = createHash('sha256').update(header ?? '').digest();
    const b = createHash('sha256').update(expectedAuth).digest();
    return timingSafeEqual(a, b);
  };
  const json = (c: Context, status: number, body: object) => c.json(body, status as 200);
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    timers.add(timer);
  };

  function notificationBody(tx: MidtransTransaction, status = tx.transaction_status): Record<string, unknown> {
    const statusCode = STATUS_CODES[status] ?? '200';
    const gross = `${tx.gross_amount}.00`;
    return {
      transaction_time: tx.transaction_time,
      transaction_status: status,
      transaction_id: tx.transaction_id,
      status_message: 'midtrans payment notification',
      status_code: statusCode,
      signature_key: createHash('sha512').update(tx.order_id + statusCode + gross + options.serverKey).digest('hex'),
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

  async function notify(tx: MidtransTransaction, status = tx.transaction_status): Promise<void> {
    const url = tx.notificationUrl ?? notificationUrl;
    if (!url) return;
    const send = (s: string) =>
      deliverWithRetries({
        url,
        body: JSON.stringify(notificationBody(tx, s)),
        headers: { 'user-agent': 'Veritrans' },
        retryDelaysMs,
        isStopped: () => stopped,
        record: ({ attempt, httpStatus }) => notifications.push({ orderId: tx.order_id, status: s, attempt, httpStatus, at: new Date().toISOString() }),
      });
    await send(status);
    if (delivery.duplicate) await send(status);
    // A late "pending" after the outcome, as retried deliveries sometimes arrive.
    if (delivery.outOfOrder && status !== 'pending') await send('pending');
  }

  async function transition(orderId: string, to: string, mutate?: (tx: MidtransTransaction) => void): Promise<void> {
    const tx = transactions.get(orderId);
    if (!tx) throw new Error(`no sandbox transaction ${orderId}`);
    tx.transaction_status = to;
    tx.status_code = STATUS_CODES[to] ?? '200';
    if (to === 'settlement' || to === 'capture') tx.settlement_time = jakartaNow();
    mutate?.(tx);
    log(`midtrans sandbox: ${orderId} → ${to}`);
    await notify(tx);
  }

  function applyRefund(tx: MidtransTransaction, amount: number, refundKey: string, reason?: string): void {
    tx.refund_amount += amount;
    tx.refunds.push({ refund_key: refundKey, refund_amount: `${amount}.00`, reason });
    tx.transaction_status = tx.refund_amount >= tx.gross_amount ? 'refund' : 'partial_refund';
    tx.status_code = '200';
  }

  const app = new Hono();

  // Injected faults and authentication apply to the API, never to the control endpoints.
  app.use('/v2/*', async (c, next) => {
    if (faults && faults.remaining > 0 && (!faults.paths || faults.paths.test(c.req.path))) {
      faults.remaining--;
      if (faults.mode === 'timeout') await new Promise((r) => setTimeout(r, 20_000).unref());
      if (faults.mode === 'http500') return json(c, 500, { status_code: '500', status_message: 'Sorry. Our system is recovering from unexpected issues. Please retry.' });
      if (faults.mode === 'http503') return json(c, 503, { status_code: '503', status_message: 'Service temporarily unavailable' });
      if (faults.mode === 'bad_json') return c.body('{"status_code": "20', 200, { 'content-type': 'application/json' });
      // What a refusal looks like: HTTP 200 with the failure in the body, as Midtrans often answers.
      if (faults.mode === 'decline') return json(c, 200, { status_code: '402', status_message: 'Payment channel is not activated for this merchant', id: randomUUID() });
    }
    if (!authorized(c.req.header('authorization'))) return json(c, 401, { status_code: '401', status_message: 'Unknown Merchant server_key/id', id: randomUUID() });
    await next();
  });

  app.post('/v2/charge', async (c) => {
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
    if (!SUPPORTED_TYPES.includes(body.payment_type)) problems.push(`payment_type ${body.payment_type} is not supported`);
    if (Array.isArray(body.item_details)) {
      const total = body.item_details.reduce((s: number, i: { price: number; quantity: number }) => s + i.price * i.quantity, 0);
      if (total !== details.gross_amount) problems.push('transaction_details.gross_amount is not equal to the sum of item_details');
    }
    if (body.payment_type === 'credit_card' && !body.credit_card?.token_id) problems.push('credit_card.token_id is required');
    if (problems.length) return json(c, 400, { status_code: '400', status_message: 'One or more parameters in the payload is invalid.', validation_messages: problems, id: randomUUID() });
    if (transactions.has(details.order_id)) {
      return json(c, 406, { status_code: '406', status_message: 'The request could not be completed due to a conflict with the current state of the target resource, please try again', id: randomUUID() });
    }

    const orderId: string = details.order_id;
    const gross: number = details.gross_amount;
    const expiryMinutes = body.custom_expiry?.expiry_duration ? Number(body.custom_expiry.expiry_duration) * ({ minute: 1, hour: 60, day: 1440 }[body.custom_expiry.unit as string] ?? 1) : body.payment_type === 'qris' || body.payment_type === 'gopay' || body.payment_type === 'shopeepay' ? 15 : 24 * 60;
    const tx: MidtransTransaction = {
      order_id: orderId,
      transaction_id: randomUUID(),
      payment_type: body.payment_type,
      gross_amount: gross,
      transaction_status: 'pending',
      status_code: '201',
      fraud_status: 'accept',
      transaction_time: jakartaNow(),
      expiry_time: jakartaNow(expiryMinutes * 60_000),
      refund_amount: 0,
      refunds: [],
      extra: {},
      notificationUrl: c.req.header('x-override-notification') || undefined,
    };
    const answer: Record<string, unknown> = {};
    const actions = (names: string[]) =>
      names.map((name) => ({ name, method: name === 'cancel' ? 'POST' : 'GET', url: `${baseUrl}/_sandbox/pay/${tx.transaction_id}/${name}` }));
    switch (body.payment_type) {
      case 'bank_transfer': {
        const bank: string = body.bank_transfer?.bank ?? 'bca';
        const va = body.bank_transfer?.va_number ?? `${VA_PREFIX[bank] ?? '9'}${digits(bank === 'bca' ? 6 : 11)}`;
        if (bank === 'permata') tx.extra = { permata_va_number: va };
        else tx.extra = { va_numbers: [{ bank, va_number: va }] };
        break;
      }
      case 'echannel':
        tx.extra = { bill_key: digits(12), biller_code: '70012' };
        break;
      case 'cstore':
        tx.extra = { payment_code: `${body.cstore?.store === 'alfamart' ? 'ALF' : ''}${digits(16)}`, store: body.cstore?.store ?? 'indomaret' };
        break;
      case 'qris':
        tx.extra = { acquirer: body.qris?.acquirer ?? 'gopay' };
        answer.qr_string = qrisString({ merchantName: 'SMARTWEALTH SANDBOX', amountWhole: gross, reference: orderId });
        answer.actions = actions(['generate-qr-code']);
        break;
      case 'gopay':
        answer.actions = actions(['generate-qr-code', 'deeplink-redirect', 'get-status', 'cancel']);
        answer.qr_string = qrisString({ merchantName: 'SMARTWEALTH SANDBOX', amountWhole: gross, reference: orderId, acquirerDomain: 'COM.GO-JEK.WWW' });
        break;
      case 'shopeepay':
        answer.actions = actions(['deeplink-redirect']);
        break;
      case 'credit_card':
        if (body.credit_card?.authentication) {
          answer.redirect_url = `${baseUrl}/_sandbox/3ds/${tx.transaction_id}`;
        } else {
          tx.transaction_status = 'capture';
          tx.status_code = '200';
          tx.settlement_time = jakartaNow();
          tx.extra = { masked_card: '48111111-1114', bank: 'bni', card_type: 'credit' };
        }
        break;
    }
    transactions.set(orderId, tx);
    log(`midtrans sandbox: charge ${orderId} ${body.payment_type} ${gross}`);
    if (settleMs > 0 && tx.transaction_status === 'pending') later(settleMs, () => void transition(orderId, 'settlement').catch(() => {}));
    return json(c, Number(tx.status_code), {
      status_code: tx.status_code,
      status_message: tx.transaction_status === 'capture' ? 'Success, Credit Card transaction is successful' : `Success, ${body.payment_type} transaction is created`,
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
      ...tx.extra,
      ...answer,
    });
  });

  const statusBody = (tx: MidtransTransaction) => {
    const { signature_key: _s, ...rest } = notificationBody(tx);
    return { ...rest, status_message: 'Success, transaction is found' };
  };
  const find = (c: Context) => transactions.get(c.req.param('id')!) ?? [...transactions.values()].find((t) => t.transaction_id === c.req.param('id'));
  const notFound = (c: Context) => json(c, 404, { status_code: '404', status_message: "Transaction doesn't exist.", id: randomUUID() });

  app.get('/v2/:id/status', (c) => {
    const tx = find(c);
    return tx ? json(c, 200, statusBody(tx)) : notFound(c);
  });

  for (const action of ['cancel', 'expire'] as const) {
    app.post(`/v2/:id/${action}`, async (c) => {
      const tx = find(c);
      if (!tx) return notFound(c);
      const allowed = action === 'cancel' ? ['pending', 'capture', 'authorize'] : ['pending'];
      if (!allowed.includes(tx.transaction_status)) return json(c, 412, { status_code: '412', status_message: 'Merchant cannot modify the status of the transaction' });
      await transition(tx.order_id, action === 'cancel' ? 'cancel' : 'expire');
      return json(c, 200, { ...statusBody(tx), status_code: STATUS_CODES[tx.transaction_status], status_message: `Success, transaction is ${action === 'cancel' ? 'canceled' : 'expired'}` });
    });
  }

  app.post('/v2/:id/refund', async (c) => {
    const tx = find(c);
    if (!tx) return notFound(c);
    const body = (await c.req.json().catch(() => ({}))) as { refund_key?: string; amount?: number; reason?: string };
    const refundKey = body.refund_key ?? randomUUID();
    const existing = tx.refunds.find((r) => r.refund_key === refundKey);
    if (!existing) {
      if (!['settlement', 'capture', 'partial_refund'].includes(tx.transaction_status)) return json(c, 412, { status_code: '412', status_message: 'Transaction status cannot be updated' });
      const amount = body.amount ?? tx.gross_amount - tx.refund_amount;
      if (!Number.isInteger(amount) || amount < 1 || amount > tx.gross_amount - tx.refund_amount) return json(c, 412, { status_code: '412', status_message: 'Refund amount exceeds the refundable amount' });
      applyRefund(tx, amount, refundKey, body.reason);
      void notify(tx);
    }
    return json(c, 200, { status_code: '200', status_message: 'Success, refund request is approved', order_id: tx.order_id, transaction_id: tx.transaction_id, refund_key: refundKey, refund_amount: `${tx.refund_amount}.00`, transaction_status: tx.transaction_status, gross_amount: `${tx.gross_amount}.00`, currency: 'IDR' });
  });

  // ---- control surface for people and tests ----
  const control = new Hono();
  control.get('/', (c) => c.html(page([...transactions.values()])));
  control.get('/transactions', (c) => c.json([...transactions.values()]));
  control.post('/transactions/:orderId/:action{settle|deny|expire|cancel|refund}', async (c) => {
    const { orderId, action } = c.req.param();
    if (!transactions.has(orderId)) return c.json({ error: 'unknown order' }, 404);
    await controls[action as keyof typeof controls](orderId);
    return (c.req.header('accept') ?? '').includes('text/html') ? c.redirect('/_sandbox') : c.json(transactions.get(orderId));
  });
  control.post('/faults', async (c) => {
    const body = (await c.req.json()) as { mode: MidtransFaultMode; count: number };
    faults = { mode: body.mode, remaining: body.count };
    return c.json({ ok: true });
  });
  control.get('/pay/:transactionId/:action', (c) => c.html(`<p>Sandbox payment page for ${escapeHtml(c.req.param('transactionId'))}. Use <a href="/_sandbox">/_sandbox</a> to settle it.</p>`));
  control.get('/3ds/:transactionId', (c) => c.html(`<p>3-D Secure sandbox page for ${escapeHtml(c.req.param('transactionId'))}.</p>`));
  app.route('/_sandbox', control);
  app.onError((err, c) => c.json({ status_code: '500', status_message: `sandbox error: ${err.message}` }, 500));

  const controls = {
    settle: (orderId: string) => transition(orderId, 'settlement'),
    deny: (orderId: string) => transition(orderId, 'deny'),
    expire: (orderId: string) => transition(orderId, 'expire'),
    cancel: (orderId: string) => transition(orderId, 'cancel'),
    refund: async (orderId: string, amountWhole?: number) => {
      const tx = transactions.get(orderId)!;
      applyRefund(tx, amountWhole ?? tx.gross_amount - tx.refund_amount, randomUUID());
      await notify(tx);
    },
  };

  const server = await listen(app, options);
  baseUrl = server.url;

  return {
    url: baseUrl,
    serverKey: options.serverKey,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await server.close();
    },
    setNotificationUrl(url) {
      notificationUrl = url;
    },
    ...controls,
    injectFaults({ mode, count, paths }) {
      faults = { mode, remaining: count, paths };
    },
    setDeliveryMode(mode) {
      delivery = { duplicate: Boolean(mode.duplicate), outOfOrder: Boolean(mode.outOfOrder) };
    },
    get transactions() {
      return [...transactions.values()];
    },
    get notifications() {
      return notifications;
    },
    get chargeRequests() {
      return chargeRequests;
    },
  };
}

function page(transactions: MidtransTransaction[]): string {
  const rows = transactions
    .slice()
    .reverse()
    .map((tx) => {
      const id = escapeHtml(tx.order_id);
      const buttons = ['settle', 'deny', 'expire', 'cancel', 'refund']
        .map((a) => `<form method="post" action="/_sandbox/transactions/${encodeURIComponent(tx.order_id)}/${a}" style="display:inline"><button>${a}</button></form>`)
        .join(' ');
      return `<tr><td>${id}</td><td>${escapeHtml(tx.payment_type)}</td><td>Rp${tx.gross_amount.toLocaleString('id-ID')}</td><td>${escapeHtml(tx.transaction_status)}</td><td>${buttons}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Midtrans sandbox</title>
<style>body{font-family:system-ui;margin:2rem}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}</style></head>
<body><h1>Midtrans sandbox</h1><p>Charges made by the hub. Act as the payer (settle) or as Midtrans (deny, expire, cancel, refund); the signed notification goes to the hub.</p>
<table><tr><th>order</th><th>type</th><th>amount</th><th>status</th><th></th></tr>${rows || '<tr><td colspan="5">No charges yet.</td></tr>'}</table></body></html>`;
}
