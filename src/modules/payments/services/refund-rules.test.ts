import { describe, expect, it } from 'vitest';
import { PAYMENT_METHOD_CATALOG } from './methods.js';
import { assertPendingCancelAllowed, assertRefundAllowed } from './refund-rules.js';

const paid = (method: string, provider: 'midtrans' | 'xendit', refundedAmountMinor = 0) => ({ method: method as never, provider, amountMinor: 10_000_000, refundedAmountMinor });

describe('provider rules in the method catalog', () => {
  it('has rules for every provider of every method', () => {
    for (const info of PAYMENT_METHOD_CATALOG) for (const provider of info.providers) expect(info.rules[provider], `${info.method} at ${provider}`).toBeDefined();
  });

  it('refuses a Midtrans refund of a virtual-account or convenience-store payment, naming the rule', () => {
    for (const method of ['va_bca', 'va_mandiri', 'va_permata', 'indomaret', 'alfamart']) {
      const err = (() => {
        try {
          assertRefundAllowed(paid(method, 'midtrans'), 10_000_000);
        } catch (e) {
          return e as { code: string; message: string; details: { rule: string } };
        }
      })();
      expect(err?.code, method).toBe('UNPROCESSABLE');
      expect(err?.message).toMatch(/Midtrans refunds only cards, GoPay, ShopeePay, QRIS/);
      expect(err?.details.rule).toMatch(/return the money by bank transfer/);
    }
  });

  it('lets Midtrans refund cards, GoPay and QRIS in part, ShopeePay only in full in one refund', () => {
    for (const method of ['card', 'gopay', 'qris']) expect(() => assertRefundAllowed(paid(method, 'midtrans'), 2_500_000)).not.toThrow();
    expect(() => assertRefundAllowed(paid('shopeepay', 'midtrans'), 2_500_000)).toThrow(/only be refunded in full/);
    expect(() => assertRefundAllowed(paid('shopeepay', 'midtrans'), 10_000_000)).not.toThrow();
    expect(() => assertRefundAllowed(paid('shopeepay', 'midtrans', 0), 10_000_000)).not.toThrow();
  });

  it('refuses Xendit refunds of OVO one-time payments, VAs, retail codes and QR codes; allows DANA, invoices and direct debit in part', () => {
    for (const method of ['ovo', 'va_bri', 'indomaret', 'qris']) expect(() => assertRefundAllowed(paid(method, 'xendit'), 10_000_000), method).toThrow(/cannot be refunded/);
    for (const method of ['dana', 'linkaja', 'shopeepay', 'invoice', 'direct_debit_bri']) expect(() => assertRefundAllowed(paid(method, 'xendit'), 1_000_000), method).not.toThrow();
  });

  it('refuses to cancel a pending Xendit e-wallet charge and says what to do instead', () => {
    let caught: { code: string; message: string; details: { instead: string[] } } | undefined;
    try {
      assertPendingCancelAllowed({ method: 'dana', provider: 'xendit' });
    } catch (e) {
      caught = e as typeof caught;
    }
    expect(caught?.code).toBe('CONFLICT');
    expect(caught?.message).toMatch(/voids an e-wallet charge only once it has succeeded/);
    expect(caught?.details.instead.join(' ')).toMatch(/let it expire.*refund it once it has succeeded/);
    expect(() => assertPendingCancelAllowed({ method: 'va_bca', provider: 'xendit' })).not.toThrow();
    expect(() => assertPendingCancelAllowed({ method: 'shopeepay', provider: 'midtrans' })).not.toThrow();
  });
});
