/**
 * The providers' rules for what may happen to a payment after the charge, applied before the provider is called:
 * a refund the provider would refuse (a virtual-account or convenience-store payment at Midtrans, a partial
 * ShopeePay refund, an OVO one-time payment at Xendit) is answered here, naming the rule, and nothing is sent.
 * The rules themselves are data in the method catalog (methods.ts), shown by GET /api/payment/methods.
 */
import { AppError } from '../../../lib/errors.js';
import type { PaymentMethod, PaymentProviderName } from '../providers/types.js';
import { methodInfo, type ProviderMethodRules } from './methods.js';

function rulesOf(method: PaymentMethod, provider: PaymentProviderName): ProviderMethodRules | undefined {
  return methodInfo(method).rules[provider];
}

/** 422 when the provider does not refund this method, or not in part; nothing is sent to the provider. */
export function assertRefundAllowed(payment: { method: PaymentMethod; provider: PaymentProviderName; amountMinor: number; refundedAmountMinor: number }, refundMinor: number): void {
  const rules = rulesOf(payment.method, payment.provider);
  if (!rules) return;
  const details = { provider: payment.provider, method: payment.method, rule: rules.refund.rule };
  if (!rules.refund.allowed) throw new AppError('UNPROCESSABLE', `this ${payment.method} payment cannot be refunded: ${rules.refund.rule}`, { details });
  const whole = payment.refundedAmountMinor === 0 && refundMinor === payment.amountMinor;
  if (!rules.refund.partial && !whole) {
    throw new AppError('UNPROCESSABLE', `this ${payment.method} payment can only be refunded in full, in one refund of ${payment.amountMinor}: ${rules.refund.rule}`, { details });
  }
}

/** 409 when the provider cannot call off a pending payment by this method, with what the user can do instead. */
export function assertPendingCancelAllowed(payment: { method: PaymentMethod; provider: PaymentProviderName }): void {
  const rules = rulesOf(payment.method, payment.provider);
  if (!rules || rules.cancelPending.allowed) return;
  const instead = rules.cancelPending.instead ?? [];
  throw new AppError('CONFLICT', `this pending ${payment.method} payment cannot be cancelled: ${rules.cancelPending.rule}.${instead.length ? ` Instead: ${instead.join('; ')}.` : ''}`, {
    details: { provider: payment.provider, method: payment.method, rule: rules.cancelPending.rule, instead },
  });
}
