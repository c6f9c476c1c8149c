import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizeMidtransNotification } from './normalize.js';
import { verifyMidtransSignature } from './verify.js';

// The input set Midtrans's notification docs give for the signature (the hash is recomputed here, not copied).
const DOCS = { order_id: '1111', status_code: '200', gross_amount: '100000.00', serverKey: 'askvnoibnosifnboseofinbofinfgbiufglnbfg' };
const expected = createHash('sha512').update(DOCS.order_id + DOCS.status_code + DOCS.gross_amount + DOCS.serverKey).digest('hex');

describe('verifyMidtransSignature', () => {
  it('accepts the signature over the documented inputs', () => {
    expect(verifyMidtransSignature({ ...DOCS, signature_key: expected }, DOCS.serverKey)).toBe(true);
  });

  it.each([
    ['order_id', { order_id: '1112' }],
    ['status_code', { status_code: '201' }],
    ['gross_amount without decimals', { gross_amount: '100000' }],
    ['a different server key', {}, 'another-key'],
    ['a number instead of a string', { gross_amount: 100000 }],
    ['no signature', { signature_key: undefined }],
  ])('rejects %s', (_name, change, key = DOCS.serverKey) => {
    expect(verifyMidtransSignature({ ...DOCS, signature_key: expected, ...change } as never, key)).toBe(false);
  });
});

describe('normalizeMidtransNotification', () => {
  const base = { order_id: 'SWH-1', gross_amount: '150000.00', currency: 'IDR', transaction_id: 'tx-1', transaction_time: '2026-11-25 10:00:00', signature_key: 'x' };

  it('maps a BCA VA settlement, reading GMT+7 times into UTC', () => {
    const event = normalizeMidtransNotification({ ...base, status_code: '200', transaction_status: 'settlement', settlement_time: '2026-11-25 10:05:00', payment_type: 'bank_transfer', va_numbers: [{ bank: 'bca', va_number: '12345678901' }], fraud_status: 'accept' });
    expect(event).toMatchObject({ provider: 'midtrans', orderId: 'SWH-1', status: 'success', providerStatus: 'settlement', providerRef: 'tx-1', amount: { amountMinor: 15_000_000, currency: 'IDR' } });
    expect(event.occurredAt.toISOString()).toBe('2026-11-25T03:05:00.000Z');
  });

  it.each([
    ['pending', '201', undefined, 'pending'],
    ['expire', '407', undefined, 'expired'],
    ['deny', '202', undefined, 'failed'],
    ['cancel', '200', undefined, 'cancelled'],
    ['capture', '200', 'challenge', 'pending'],
    ['capture', '200', 'accept', 'success'],
  ])('maps %s (%s, fraud %s) to %s', (status, code, fraud, ours) => {
    expect(normalizeMidtransNotification({ ...base, status_code: code, transaction_status: status, fraud_status: fraud }).status).toBe(ours);
  });

  it('gives each partial refund its own event key and the refunded total', () => {
    const first = normalizeMidtransNotification({ ...base, status_code: '200', transaction_status: 'partial_refund', refund_amount: '50000.00', refunds: [{ refund_key: 'r1', refund_amount: '50000.00' }] });
    const second = normalizeMidtransNotification({ ...base, status_code: '200', transaction_status: 'partial_refund', refund_amount: '80000.00', refunds: [{ refund_key: 'r1', refund_amount: '50000.00' }, { refund_key: 'r2', refund_amount: '30000.00' }] });
    expect(first.status).toBe('partially_refunded');
    expect(first.refundedAmountMinor).toBe(5_000_000);
    expect(second.refundedAmountMinor).toBe(8_000_000);
    expect(first.eventKey).not.toBe(second.eventKey);
    const again = normalizeMidtransNotification({ ...base, status_code: '200', transaction_status: 'partial_refund', refund_amount: '50000.00', refunds: [{ refund_key: 'r1', refund_amount: '50000.00' }] });
    expect(again.eventKey).toBe(first.eventKey);
  });

  it('refuses a body that is not a notification, naming the field', () => {
    expect(() => normalizeMidtransNotification({ ...base, status_code: '200' })).toThrow(/transaction_status/);
    expect(() => normalizeMidtransNotification({ ...base, status_code: '200', transaction_status: 'settlement', gross_amount: 'lots' })).toThrow(/gross_amount/);
  });
});
