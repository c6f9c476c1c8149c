/**
 * Auto-conversion through HTTP: payment analytics and ledger exports shown in another currency (asked for, or the
 * user's home currency from their market settings), each amount at the rate of its own date, the original amount
 * and currency kept beside the converted one. Rates come from the market simulators on loopback.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type ApiClient, type TestHub } from './harness.js';

let t: TestHub;
let payer: { id: string; client: ApiClient };
let saver: { id: string; apiKey: string; client: ApiClient };

beforeAll(async () => {
  t = await startTestHub({ runJobs: false });
  payer = await t.createUser('fx-payer');
  saver = await t.createUser('fx-saver');
});
afterAll(() => t?.stop());

/** What the conversion route says `amount` (major units) of `from` is in `to` on `date`, in minor units of `to`. */
async function converted(amount: string, from: string, to: string, date?: string): Promise<number> {
  const res = await payer.client.get<{ to: { amountMinor: number } }>(`/api/external/currency/convert?amount=${amount}&from=${from}&to=${to}${date ? `&date=${date}` : ''}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.to.amountMinor;
}

describe('payment analytics in another currency', () => {
  beforeAll(async () => {
    for (const [i, amountMinor] of [15_000_000, 2_550_000].entries()) {
      const res = await payer.client.post('/api/payment/process', { amountMinor, method: 'gopay', description: `fx ${i}` }, { 'idempotency-key': `fx-analytics-${i}` });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  });

  it('adds the converted figures beside the original ones; without a currency nothing changes', async () => {
    const plain = await payer.client.get<any>('/api/payment/analytics');
    expect(plain.status).toBe(200);
    expect(plain.body.totals[0].converted).toBeUndefined();
    expect(plain.body.conversion).toBeUndefined();

    const usd = await payer.client.get<any>('/api/payment/analytics?currency=usd&period=month');
    expect(usd.status).toBe(200);
    const total = usd.body.totals[0];
    expect(total).toMatchObject({ key: 'all', currency: 'IDR', totalAmountMinor: 17_550_000 });
    // Both payments are of today, one method and status: their sum is converted once at today's rate.
    expect(total.converted).toEqual({ currency: 'USD', totalAmountMinor: await converted('175500', 'IDR', 'USD'), settledAmountMinor: 0, refundedAmountMinor: 0, netSettledAmountMinor: 0 });
    expect(usd.body.conversion).toMatchObject({ currency: 'USD', stale: false, total: total.converted });
    // Every facet adds up the same converted sums.
    for (const facet of ['byPeriod', 'byMethod', 'byProvider', 'byStatus']) {
      const sum = usd.body[facet].reduce((s: number, g: { converted: { totalAmountMinor: number } }) => s + g.converted.totalAmountMinor, 0);
      expect(sum, facet).toBe(total.converted.totalAmountMinor);
    }
  });

  it('homeCurrency=true reads the user\'s settings (JPY has no decimals); an unknown currency is a 400 naming it', async () => {
    expect((await payer.client.request('PUT', '/api/external/settings', { homeCurrency: 'JPY' })).status).toBe(200);
    const jpy = await payer.client.get<any>('/api/payment/analytics?homeCurrency=true');
    expect(jpy.body.conversion.currency).toBe('JPY');
    expect(jpy.body.totals[0].converted.totalAmountMinor).toBe(await converted('175500', 'IDR', 'JPY'));

    const bad = await payer.client.get<any>('/api/payment/analytics?currency=ABC');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('ABC');
  });
});

describe('ledger exports in another currency', () => {
  beforeAll(async () => {
    const userId = new Types.ObjectId(saver.id);
    const accountId = new Types.ObjectId();
    const row = (i: number, date: string, amountMinor: number, currency: string) => ({
      userId, accountId, source: 'manual', date, bookedAt: new Date(`${date}T05:00:00Z`), amountMinor, currency, description: `row ${i}`,
      fingerprint: `fx-export-${i}`, contentKey: `fx-export-ck-${i}`, category: 'groceries', categorySource: 'user', tags: [], ownTransfer: false,
    });
    await t.hub.models.BankTransaction.insertMany([row(1, '2024-01-05', -150_000_000, 'IDR'), row(2, '2024-01-06', 1250, 'USD'), row(3, '2024-03-15', 500_000_000, 'IDR')]);
  });

  it('JSON rows keep amount and currency and gain the amount at their own date\'s rate (a Saturday uses Friday\'s)', async () => {
    const res = await fetch(`${t.url}/api/data/export?format=json&currency=EUR`, { headers: { authorization: `Bearer ${saver.apiKey}` } });
    expect(res.status).toBe(200);
    const rows = (await res.json()) as { date: string; amountMinor: number; currency: string; converted: { amountMinor: number; currency: string; rateDate: string } }[];
    expect(rows.map((r) => [r.date, r.amountMinor, r.currency])).toEqual([['2024-01-05', -150_000_000, 'IDR'], ['2024-01-06', 1250, 'USD'], ['2024-03-15', 500_000_000, 'IDR']]);
    expect(rows[0].converted).toMatchObject({ currency: 'EUR', rateDate: '2024-01-05', amountMinor: -(await converted('1500000', 'IDR', 'EUR', '2024-01-05')) });
    expect(rows[1].converted).toMatchObject({ rateDate: '2024-01-05', amountMinor: await converted('12.50', 'USD', 'EUR', '2024-01-06') });
    expect(rows[2].converted.amountMinor).toBe(await converted('5000000', 'IDR', 'EUR', '2024-03-15'));
    // The two IDR rows were converted at different dates' rates.
    expect(rows[2].converted.amountMinor / 500_000_000).not.toBeCloseTo(-rows[0].converted.amountMinor / 150_000_000, 12);
  });

  it('CSV gains the converted columns in the home currency; the PDF statement still renders; bad currency is a 400 before any byte', async () => {
    await saver.client.request('PUT', '/api/external/settings', { homeCurrency: 'SGD' });
    const auth = { authorization: `Bearer ${saver.apiKey}` };
    const csv = await (await fetch(`${t.url}/api/data/export?format=csv&homeCurrency=true`, { headers: auth })).text();
    const [header, first] = csv.replace(/^\ufeff/, '').split('\r\n');
    expect(header.endsWith(',Amount (SGD),Rate,Rate date')).toBe(true);
    const sgd = await converted('1500000', 'IDR', 'SGD', '2024-01-05');
    expect(first.startsWith('2024-01-05,row 1,-1500000.00,IDR,')).toBe(true);
    expect(first.endsWith(`,-${(sgd / 100).toFixed(2)},${first.split(',').at(-2)},2024-01-05`)).toBe(true);

    const pdf = await fetch(`${t.url}/api/data/export?format=pdf&currency=USD`, { headers: auth });
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 4).toString()).toBe('%PDF');

    const bad = await fetch(`${t.url}/api/data/export?format=csv&currency=QQQ`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('QQQ');
  });
});

describe('stopping the hub', () => {
  it('shuts every market source\'s circuit breaker (the module\'s stop gets the services)', async () => {
    expect(t.hub.services.marketSources.isShutdown()).toBe(false);
    await t.stop();
    expect(t.hub.services.marketSources.isShutdown()).toBe(true);
  });
});
