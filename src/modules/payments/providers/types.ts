/**
 * The contract every payment provider adapter (Midtrans, Xendit) fulfils. The payments service speaks only
 * this language: our method names, our statuses, Money in minor units. Provider vocabulary stays in the adapter.
 */
import type { Money } from '../../../lib/money.js';

/** Methods a user can pay with. Virtual accounts are per bank; e-wallets per wallet. */
export const PAYMENT_METHODS = [
  'qris',
  'gopay',
  'shopeepay',
  'ovo',
  'dana',
  'linkaja',
  'va_bca',
  'va_bni',
  'va_bri',
  'va_mandiri',
  'va_permata',
  'va_cimb',
  'direct_debit_bri',
  'direct_debit_mandiri',
  'card',
  'indomaret',
  'alfamart',
  'invoice',
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const PAYMENT_PROVIDERS = ['midtrans', 'xendit'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

/**
 * Our payment state machine: pending → success | failed | expired | cancelled;
 * success → partially_refunded | refunded; partially_refunded → partially_refunded | refunded.
 */
export const PAYMENT_STATUSES = ['pending', 'success', 'failed', 'expired', 'cancelled', 'partially_refunded', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface ChargeItem {
  name: string;
  /** Unit price in minor units of the charge currency. */
  priceMinor: number;
  quantity: number;
}

export interface ChargeRequest {
  /** Our payment id; sent as Midtrans order_id / Xendit reference_id or external_id. Unique per charge. */
  orderId: string;
  method: PaymentMethod;
  amount: Money;
  description?: string;
  customer?: { name?: string; email?: string; phone?: string };
  /** When given, the item totals must add up to amount (Midtrans rejects the charge otherwise). */
  items?: ChargeItem[];
  /** Latest moment the payer may pay. */
  expiresAt?: Date;
  /** Card charges only: a token made client-side by the provider's JS (card numbers never reach the hub). */
  cardToken?: string;
  /** OVO and direct debit need the payer's phone number (E.164 or 08…). */
  mobileNumber?: string;
  /** Where an e-wallet app sends the payer back after paying. */
  redirectUrl?: string;
  /** Direct debit: the payer's linked account at the provider (decrypted just for this call, never stored here). */
  linkedAccount?: { customerRef: string; token: string };
}

/** What the payer needs to do next, in provider-neutral form. */
export interface PaymentInstructions {
  kind: 'qr' | 'virtual_account' | 'deeplink' | 'redirect' | 'payment_code' | 'bill_key' | 'none';
  qrString?: string;
  vaNumber?: string;
  bank?: string;
  /** Mandiri bill payment (echannel). */
  billerCode?: string;
  billKey?: string;
  deeplinkUrl?: string;
  redirectUrl?: string;
  /** Indomaret/Alfamart payment code. */
  paymentCode?: string;
  store?: string;
  expiresAt?: Date;
}

export interface ChargeResult {
  /** The provider's own id for the charge (Midtrans transaction_id, Xendit ewc_/qr_/va id…). */
  providerRef: string;
  status: PaymentStatus;
  /** The provider's raw status word, kept for the audit trail. */
  providerStatus: string;
  instructions: PaymentInstructions;
}

export interface ProviderStatus {
  providerRef?: string;
  status: PaymentStatus;
  providerStatus: string;
  /** Total refunded so far, when the provider reports it. */
  refundedAmountMinor?: number;
  paidAt?: Date;
  occurredAt: Date;
  /**
   * Our order id as the provider holds it on the object it looked up (reference_id / external_id), when the lookup
   * was by the provider's own id: a confirmation checks the object is this payment's, not another's.
   */
  orderId?: string;
  /** What the provider says was paid, when it says (a confirmation checks it against the payment). */
  amount?: Money;
}

export interface RefundRequest {
  orderId: string;
  providerRef: string;
  method: PaymentMethod;
  amount: Money;
  reason?: string;
  /** Unique per refund so a retried refund call cannot refund twice. */
  refundKey: string;
}

export interface RefundResult {
  refundRef: string;
  status: 'success' | 'pending' | 'failed';
  /** Total refunded on the charge after this refund, when the provider reports it. */
  refundedAmountMinor?: number;
}

export interface PaymentRef {
  orderId: string;
  providerRef?: string;
  method: PaymentMethod;
  /**
   * The provider's id of one payment made into a reusable code (a Xendit VA payment_id, a retail code's payment
   * id), from a callback: looked up to prove that payment itself rather than the code's state.
   */
  paymentId?: string;
}

/**
 * A payment provider adapter. Implementations must:
 * - sign/authenticate every call and map provider errors to AppError (PROVIDER_REJECTED for a definite refusal,
 *   PROVIDER_UNAVAILABLE with retryable=true for timeouts, 5xx and an open circuit);
 * - retry only calls that are safe to repeat (status reads; writes the provider deduplicates by our id);
 * - never log or return credentials.
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;
  readonly supportedMethods: readonly PaymentMethod[];
  charge(request: ChargeRequest): Promise<ChargeResult>;
  getStatus(ref: PaymentRef): Promise<ProviderStatus>;
  cancel(ref: PaymentRef): Promise<ProviderStatus>;
  /** Ends a pending charge early (Midtrans expire; Xendit has no separate expire, so cancel/void). */
  expire(ref: PaymentRef): Promise<ProviderStatus>;
  refund(request: RefundRequest): Promise<RefundResult>;
  /**
   * Where one refund stands, for providers whose refunds finish later (reconciliation asks when the callback is
   * late). Providers whose refunds finish in the call leave it out.
   */
  getRefund?(refundRef: string): Promise<{ status: RefundResult['status']; amountMinor: number }>;
  /** Providers that debit a linked bank account (Xendit direct debit) offer the linking steps here. */
  readonly directDebit?: DirectDebitLinking;
}

/** Direct-debit channels a user links an account of. */
export type DirectDebitChannel = 'BRI' | 'MANDIRI';

/** Where a link stands and what the account holder must do next. */
export interface LinkState {
  /** The provider's token for the linked account (a secret: whoever has it can debit the account). */
  token: string;
  status: 'pending' | 'active' | 'failed' | 'unlinked';
  providerStatus: string;
  /** BRI texts an OTP to the account holder; Mandiri sends them to its own page. */
  nextStep: { kind: 'otp' } | { kind: 'redirect'; url: string } | { kind: 'none' };
  /** What identifies the account to its owner (a masked card or account number), once active. */
  accountLabel?: string;
}

export interface DirectDebitLinking {
  /** The provider's customer for one of our users (created once, reused for every link). */
  createCustomer(input: { referenceId: string; name: string; email?: string; mobileNumber?: string }): Promise<{ customerRef: string }>;
  startLink(input: { customerRef: string; channel: DirectDebitChannel; mobileNumber?: string; cardLastFour?: string; cardExpiry?: string; email?: string; returnUrl: string; referenceId: string }): Promise<LinkState>;
  confirmOtp(token: string, otp: string): Promise<LinkState>;
  getLink(token: string): Promise<LinkState>;
  unlink(token: string): Promise<void>;
}

/**
 * A provider notification after verification and parsing, ready for the inbox. Produced by webhooks/<provider>/.
 * `eventKey` is unique per distinct event so duplicates collapse in the inbox's unique index.
 */
export interface NormalizedPaymentEvent {
  provider: PaymentProviderName;
  eventKey: string;
  /** Our payment id (order_id / reference_id / external_id). */
  orderId: string;
  providerRef?: string;
  status: PaymentStatus;
  providerStatus: string;
  amount?: Money;
  refundedAmountMinor?: number;
  /**
   * One refund's own outcome, for providers that report refunds one by one (Xendit's refund callbacks) rather than
   * as a running total. The service adds its amount once; `status` is then only a hint (`partially_refunded`).
   */
  refund?: { refundRef: string; amountMinor: number; outcome: 'succeeded' | 'failed' };
  /** The provider's id of this one payment into a reusable code (Xendit VA and retail callbacks), for confirmation. */
  providerPaymentId?: string;
  occurredAt: Date;
}
