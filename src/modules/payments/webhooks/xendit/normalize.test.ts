import { describe, expect, it } from 'vitest';
import { normalizeXenditCallback } from './normalize.js';
import { verifyXenditCallbackToken } from './verify.js';

describe('verifyXenditCallbackToken', () => {
  it('accepts only the exact token', () => {
    expect(verifyXenditCallbackToken('tok_123', 'tok_123')).toBe(true);
    expect(verifyXenditCallbackToken('tok_124', 'tok_123')).toBe(false);
    expect(verifyXenditCallbackToken('tok_1234', 'tok_123')).toBe(false);
    expect(verifyXenditCallbackToken(undefined, 'tok_123')).toBe(false);
    expect(verifyXenditCallbackToken('', '')).toBe(false);
  });
});

describe('normalizeXenditCallback', () => {
  it('reads an ewallet.capture envelope', () => {
    const event = normalizeXenditCallback({
      event: 'ewallet.capture',
      business_id: '5f2',
      created: '2026-11-25T03:00:01.000Z',
      data: { id: 'ewc_1', reference_id: 'SWH-1', status: 'SUCCEEDED', currency: 'IDR', charge_amount: 50000, capture_amount: 50000, channel_code: 'ID_OVO', checkout_method: 'ONE_TIME_PAYMENT', created: '2026-11-25T03:00:00.000Z', updated: '2026-11-25T03:00:01.000Z' },
    });
    expect(event).toMatchObject({ provider: 'xendit', orderId: 'SWH-1', providerRef: 'ewc:ewc_1', status: 'success', amount: { amountMinor: 5_000_000, currency: 'IDR' } });
    expect(event.occurredAt.toISOString()).toBe('2026-11-25T03:00:01.000Z');
  });

  it('reads both QR payment callback shapes', () => {
    const current = normalizeXenditCallback({ event: 'qr.payment', api_version: '2022-07-31', data: { id: 'qrpy_1', qr_id: 'qr_1', reference_id: 'SWH-2', amount: 10000, currency: 'IDR', status: 'SUCCEEDED', created: '2026-11-25T03:00:00Z' } });
    const legacy = normalizeXenditCallback({ event: 'qr.payment', id: 'qrpy_2', amount: 10000, created: '2026-11-25T03:00:00Z', status: 'COMPLETED', qr_code: { id: 'qr_2', external_id: 'SWH-3', qr_string: '000201', type: 'DYNAMIC' } });
    expect(current).toMatchObject({ orderId: 'SWH-2', status: 'success', providerRef: 'qr:qr_1' });
    expect(legacy).toMatchObject({ orderId: 'SWH-3', status: 'success', providerRef: 'qr:qr_2' });
  });

  it('reads the flat virtual account, retail outlet and invoice callbacks', () => {
    const va = normalizeXenditCallback({ id: 'a1', payment_id: 'p1', callback_virtual_account_id: 'va1', external_id: 'SWH-4', account_number: '107669999', bank_code: 'BCA', amount: 250000, transaction_timestamp: '2026-11-25T03:00:00Z', merchant_code: '10766' });
    const retail = normalizeXenditCallback({ external_id: 'SWH-5', payment_code: 'TEST123', retail_outlet_name: 'ALFAMART', name: 'Siti', amount: 75000, status: 'COMPLETED', fixed_payment_code_payment_id: 'f1', fixed_payment_code_id: 'fpc1', transaction_timestamp: '2026-11-25T03:00:00Z' });
    const invoice = normalizeXenditCallback({ id: 'inv1', external_id: 'SWH-6', user_id: 'u', status: 'PAID', amount: 99000, paid_amount: 99000, paid_at: '2026-11-25T03:00:00Z', payment_method: 'EWALLET', payment_channel: 'OVO', currency: 'IDR' });
    const expired = normalizeXenditCallback({ id: 'inv2', external_id: 'SWH-7', status: 'EXPIRED', amount: 99000, currency: 'IDR' });
    expect(va).toMatchObject({ orderId: 'SWH-4', status: 'success', providerRef: 'va:va1', amount: { amountMinor: 25_000_000 } });
    expect(retail).toMatchObject({ orderId: 'SWH-5', status: 'success', providerRef: 'fpc:fpc1' });
    expect(invoice).toMatchObject({ orderId: 'SWH-6', status: 'success', providerRef: 'inv:inv1' });
    expect(expired.status).toBe('expired');
  });

  it('turns refunds into refund states with the refunded total', () => {
    const partial = normalizeXenditCallback({ event: 'ewallet.refund', data: { id: 'ewc_9', reference_id: 'SWH-8', status: 'SUCCEEDED', currency: 'IDR', charge_amount: 100000, capture_amount: 100000, refunded_amount: 40000 } });
    expect(partial).toMatchObject({ status: 'partially_refunded', refundedAmountMinor: 4_000_000 });
  });

  it('collapses a repeated delivery to one event key and keeps distinct events apart', () => {
    const body = { event: 'ewallet.capture', data: { id: 'ewc_1', reference_id: 'SWH-1', status: 'SUCCEEDED', charge_amount: 1, capture_amount: 1 } };
    const failed = { event: 'ewallet.capture', data: { id: 'ewc_1', reference_id: 'SWH-1', status: 'FAILED', charge_amount: 1 } };
    expect(normalizeXenditCallback(body).eventKey).toBe(normalizeXenditCallback(structuredClone(body)).eventKey);
    expect(normalizeXenditCallback(failed).eventKey).not.toBe(normalizeXenditCallback(body).eventKey);
  });

  it('refuses unknown and malformed callbacks, naming the field', () => {
    expect(() => normalizeXenditCallback({ event: 'disbursement.sent', data: {} })).toThrow(/unsupported Xendit event/);
    expect(() => normalizeXenditCallback({ hello: 'world' })).toThrow(/not a Xendit callback/);
    expect(() => normalizeXenditCallback({ event: 'ewallet.capture', data: { id: 'ewc_1', status: 'SUCCEEDED' } })).toThrow(/data.reference_id/);
    expect(() => normalizeXenditCallback({ event: 'ewallet.capture', data: { id: 'ewc_1', reference_id: 'SWH-1', status: 'TELEPORTED', charge_amount: 1 } })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: { issues: [{ field: 'data.status', reason: 'is not a Xendit status this hub knows' }] } }),
    );
  });
});
