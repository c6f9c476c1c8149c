/**
 * What a user can pay with: which provider handles it by default, the amount limits we enforce before calling
 * out, and the indicative fee shown to the user. Limits and fees are the providers' published retail terms,
 * rounded; a merchant contract may differ, so they are data, not logic.
 */
import type { PaymentMethod, PaymentProviderName } from '../providers/types.js';

export type FeeRule = { kind: 'percent'; basisPoints: number; plusMinor?: number } | { kind: 'flat'; amountMinor: number } | { kind: 'none' };

export interface PaymentMethodInfo {
  method: PaymentMethod;
  label: string;
  category: 'qris' | 'ewallet' | 'virtual_account' | 'direct_debit' | 'card' | 'retail' | 'invoice';
  /** Providers that can take it, the default first. */
  providers: PaymentProviderName[];
  currency: 'IDR';
  minAmountMinor: number;
  maxAmountMinor: number;
  fee: FeeRule;
  requires?: ('mobileNumber' | 'cardToken')[];
  /** Each provider's own rules for this method, enforced before the provider is called (services/refund-rules.ts). */
  rules: Partial<Record<PaymentProviderName, ProviderMethodRules>>;
}

/**
 * What a provider allows for one method after the charge. `rule` names the provider's rule in words a user can act
 * on; it is what a refused request answers with.
 */
export interface ProviderMethodRules {
  refund: { allowed: boolean; partial: boolean; rule: string };
  /** Whether a still-pending payment can be called off at the provider, and what to do instead when it cannot. */
  cancelPending: { allowed: boolean; rule: string; instead?: string[] };
}

const MIDTRANS_REFUNDS = 'Midtrans refunds only cards, GoPay, ShopeePay, QRIS, DANA, OVO, Kredivo and Akulaku';
const XENDIT_PENDING_EWALLET: ProviderMethodRules['cancelPending'] = {
  allowed: false,
  rule: 'Xendit voids an e-wallet charge only once it has succeeded (same day, in full); a pending charge cannot be voided',
  instead: ['let it expire: an unpaid e-wallet charge fails by itself when the payer does not approve it in time', 'or refund it once it has succeeded'],
};

/** The providers' published rules (Midtrans refund API docs; Xendit e-wallet void/refund, Refunds API), per method. */
const PROVIDER_RULES: Record<PaymentMethod, Partial<Record<PaymentProviderName, ProviderMethodRules>>> = (() => {
  const midtransRefund = (partial: boolean, note?: string): ProviderMethodRules['refund'] => ({ allowed: true, partial, rule: `${MIDTRANS_REFUNDS}${partial ? ', in full or in part' : '; this one in full only (no partial refund)'}${note ? `; ${note}` : ''}` });
  const midtransNoRefund = (what: string): ProviderMethodRules['refund'] => ({ allowed: false, partial: false, rule: `${MIDTRANS_REFUNDS}: ${what} cannot be refunded through Midtrans; return the money by bank transfer` });
  const midtransCancel: ProviderMethodRules['cancelPending'] = { allowed: true, rule: 'Midtrans cancels a pending payment that has not expired or been paid' };
  const xenditCancel = (how: string): ProviderMethodRules['cancelPending'] => ({ allowed: true, rule: `Xendit stops an unpaid ${how}` });
  const xenditNoRefund = (what: string): ProviderMethodRules['refund'] => ({ allowed: false, partial: false, rule: `Xendit has no refund for ${what}; return the money by disbursement` });
  const xenditRefund = (what: string): ProviderMethodRules['refund'] => ({ allowed: true, partial: true, rule: `Xendit refunds ${what} once it has succeeded, in full or in part` });
  const va = { midtrans: { refund: midtransNoRefund('a virtual-account (bank transfer) payment'), cancelPending: midtransCancel }, xendit: { refund: xenditNoRefund('virtual-account payments'), cancelPending: xenditCancel('virtual account by moving its expiry to now') } };
  const retail = { midtrans: { refund: midtransNoRefund('a convenience-store (over-the-counter) payment'), cancelPending: midtransCancel }, xendit: { refund: xenditNoRefund('retail-outlet payments'), cancelPending: xenditCancel('retail payment code by moving its expiry to now') } };
  const ewallet = { refund: xenditRefund('an e-wallet charge'), cancelPending: XENDIT_PENDING_EWALLET };
  const directDebit = { xendit: { refund: xenditRefund('a direct-debit payment (Refunds API)'), cancelPending: { allowed: false, rule: 'Xendit has no cancel for a direct-debit payment request', instead: ['let it expire, or refund it once it has succeeded'] } } };
  return {
    qris: { midtrans: { refund: midtransRefund(true), cancelPending: midtransCancel }, xendit: { refund: xenditNoRefund('QR code payments'), cancelPending: xenditCancel('QR code by deactivating it') } },
    gopay: { midtrans: { refund: midtransRefund(true), cancelPending: midtransCancel } },
    shopeepay: { midtrans: { refund: midtransRefund(false), cancelPending: midtransCancel }, xendit: ewallet },
    ovo: { xendit: { refund: { allowed: false, partial: false, rule: 'Xendit does not refund OVO one-time payments (OVO refunds need a linked OVO account)' }, cancelPending: XENDIT_PENDING_EWALLET } },
    dana: { xendit: ewallet },
    linkaja: { xendit: ewallet },
    va_bca: va,
    va_bni: va,
    va_bri: va,
    va_mandiri: va,
    va_permata: va,
    va_cimb: va,
    direct_debit_bri: directDebit,
    direct_debit_mandiri: directDebit,
    card: { midtrans: { refund: midtransRefund(true, 'a card still in capture (not yet settled) is cancelled (voided) instead'), cancelPending: midtransCancel } },
    indomaret: retail,
    alfamart: retail,
    invoice: { xendit: { refund: xenditRefund('a paid invoice (Refunds API)'), cancelPending: xenditCancel('invoice by expiring it') } },
  };
})();

const IDR = (rupiah: number) => rupiah * 100;

const METHODS: readonly Omit<PaymentMethodInfo, 'rules'>[] = [
  { method: 'qris', label: 'QRIS (any bank or e-wallet app)', category: 'qris', providers: ['midtrans', 'xendit'], currency: 'IDR', minAmountMinor: IDR(1), maxAmountMinor: IDR(10_000_000), fee: { kind: 'percent', basisPoints: 70 } },
  { method: 'gopay', label: 'GoPay', category: 'ewallet', providers: ['midtrans'], currency: 'IDR', minAmountMinor: IDR(1), maxAmountMinor: IDR(20_000_000), fee: { kind: 'percent', basisPoints: 200 } },
  { method: 'shopeepay', label: 'ShopeePay', category: 'ewallet', providers: ['midtrans', 'xendit'], currency: 'IDR', minAmountMinor: IDR(1), maxAmountMinor: IDR(20_000_000), fee: { kind: 'percent', basisPoints: 200 } },
  { method: 'ovo', label: 'OVO', category: 'ewallet', providers: ['xendit'], currency: 'IDR', minAmountMinor: IDR(100), maxAmountMinor: IDR(20_000_000), fee: { kind: 'percent', basisPoints: 273 }, requires: ['mobileNumber'] },
  { method: 'dana', label: 'DANA', category: 'ewallet', providers: ['xendit'], currency: 'IDR', minAmountMinor: IDR(100), maxAmountMinor: IDR(20_000_000), fee: { kind: 'percent', basisPoints: 150 } },
  { method: 'linkaja', label: 'LinkAja', category: 'ewallet', providers: ['xendit'], currency: 'IDR', minAmountMinor: IDR(100), maxAmountMinor: IDR(10_000_000), fee: { kind: 'percent', basisPoints: 150 } },
  { method: 'va_bca', label: 'BCA Virtual Account', category: 'virtual_account', providers: ['midtrans', 'xendit'], currency: 'IDR', minAmountMinor: IDR(10_000), maxAmountMinor: IDR(50_000_000), fee: { kind: 'flat', amountMinor: IDR(4_000) } },
  { method: 'va_bni', label: 'BNI Virtual Account', category: 'virtual_account', providers: ['midtrans', 'xendit'], currency: 'IDR', minAmountMinor: IDR(10_000), maxAmountMinor: IDR(50_000_000), fee: { kind: 'flat', amountMinor: IDR(4_000) } },
  { method: 'va_bri', label: 'BRI Virtual Account', category: 'virtual_account', providers: ['midtrans', 'xendit'], currency: 'IDR', minAmountMinor: IDR(10_000), maxAmountMinor: IDR(50_000_000), fee: { kind: 'flat', amountMinor: IDR(4_000) } },
  { method: 'va_mandiri', label: 'Mandiri Bill Payment / VA', category: 'virtual_account', providers: ['midtrans', 'xendit'], currency: 'IDR', minAmountMinor: IDR(10_000), maxAmountMinor: IDR(50_000_000), fee: { kind: 'flat', amountMinor: IDR(4_000) } },
  { method: 'va_permata', label: 'Permata Virtual Account', category: 'virtual_account', providers: ['midtrans', 'xendit'], currency: 'IDR', minAmountMinor: IDR(10_000), maxAmountMinor: IDR(50_000_000), fee: { kind: 'flat', amountMinor: IDR(4_000) } },
  { method: 'va_cimb', label: 'CIMB Niaga Virtual Account', category: 'virtual_account', providers: ['midtrans', 'xendit'], currency: 'IDR', minAmountMinor: IDR(10_000), maxAmountMinor: IDR(50_000_000), fee: { kind: 'flat', amountMinor: IDR(4_000) } },
  { method: 'direct_debit_bri', label: 'BRI Direct Debit', category: 'direct_debit', providers: ['xendit'], currency: 'IDR', minAmountMinor: IDR(10_000), maxAmountMinor: IDR(25_000_000), fee: { kind: 'percent', basisPoints: 190 }, requires: ['mobileNumber'] },
  { method: 'direct_debit_mandiri', label: 'Mandiri Direct Debit', category: 'direct_debit', providers: ['xendit'], currency: 'IDR', minAmountMinor: IDR(10_000), maxAmountMinor: IDR(25_000_000), fee: { kind: 'percent', basisPoints: 190 }, requires: ['mobileNumber'] },
  { method: 'card', label: 'Credit/debit card (tokenised)', category: 'card', providers: ['midtrans'], currency: 'IDR', minAmountMinor: IDR(10_000), maxAmountMinor: IDR(200_000_000), fee: { kind: 'percent', basisPoints: 290, plusMinor: IDR(2_000) }, requires: ['cardToken'] },
  { method: 'indomaret', label: 'Indomaret (pay at the counter)', category: 'retail', providers: ['midtrans', 'xendit'], currency: 'IDR', minAmountMinor: IDR(10_000), maxAmountMinor: IDR(5_000_000), fee: { kind: 'flat', amountMinor: IDR(5_000) } },
  { method: 'alfamart', label: 'Alfamart (pay at the counter)', category: 'retail', providers: ['midtrans', 'xendit'], currency: 'IDR', minAmountMinor: IDR(10_000), maxAmountMinor: IDR(5_000_000), fee: { kind: 'flat', amountMinor: IDR(5_000) } },
  { method: 'invoice', label: 'Payment link (payer picks the method)', category: 'invoice', providers: ['xendit'], currency: 'IDR', minAmountMinor: IDR(10_000), maxAmountMinor: IDR(50_000_000), fee: { kind: 'none' } },
];

export const PAYMENT_METHOD_CATALOG: readonly PaymentMethodInfo[] = METHODS.map((m) => ({ ...m, rules: PROVIDER_RULES[m.method] }));

const BY_METHOD = new Map(PAYMENT_METHOD_CATALOG.map((m) => [m.method, m]));

export function methodInfo(method: PaymentMethod): PaymentMethodInfo {
  const info = BY_METHOD.get(method);
  if (!info) throw new Error(`no catalog entry for ${method}`);
  return info;
}

/** Fee in minor units, rounded up to whole rupiah as providers bill it. */
export function estimateFeeMinor(rule: FeeRule, amountMinor: number): number {
  switch (rule.kind) {
    case 'none':
      return 0;
    case 'flat':
      return rule.amountMinor;
    case 'percent': {
      const raw = Math.ceil((amountMinor * rule.basisPoints) / 10_000);
      return Math.ceil(raw / 100) * 100 + (rule.plusMinor ?? 0);
    }
  }
}

/**
 * Parses PAYMENT_ROUTING ("qris=xendit,shopeepay=xendit") into overrides, refusing a provider that cannot
 * take the method so a typo fails at start, not at the first payment.
 */
export function parseRouting(spec: string | undefined): Map<PaymentMethod, PaymentProviderName> {
  const routing = new Map<PaymentMethod, PaymentProviderName>();
  if (!spec) return routing;
  for (const pair of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [method, provider] = pair.split('=').map((s) => s.trim()) as [PaymentMethod, PaymentProviderName];
    const info = BY_METHOD.get(method);
    if (!info) throw new Error(`PAYMENT_ROUTING: unknown method "${method}"`);
    if (!info.providers.includes(provider)) throw new Error(`PAYMENT_ROUTING: ${provider} cannot take ${method} (it can go to ${info.providers.join(' or ')})`);
    routing.set(method, provider);
  }
  return routing;
}
