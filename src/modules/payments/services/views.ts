/**
 * What callers see of a payment. Times are ISO-8601 in Asia/Jakarta (+07:00); money is minor units with the
 * currency plus a display string. Secrets (card token, dedupe keys, request hashes) never leave the service.
 */
import QRCode from 'qrcode';
import type { PaymentDoc } from '../models/payment.js';
import { formatMoney, minorToDecimal } from '../../../lib/money.js';
import { toJakartaIso } from '../../../lib/time.js';

export function toPaymentView(doc: PaymentDoc) {
  const iso = (d?: Date) => (d ? toJakartaIso(new Date(d)) : null);
  const instructions = doc.instructions
    ? Object.fromEntries(Object.entries(doc.instructions).map(([k, v]) => [k, v instanceof Date ? toJakartaIso(v) : v]))
    : null;
  return {
    id: String(doc._id),
    orderId: doc.orderId,
    status: doc.status,
    method: doc.method,
    provider: doc.provider,
    amountMinor: doc.amountMinor,
    currency: doc.currency,
    amount: minorToDecimal(doc.amountMinor, doc.currency),
    amountDisplay: formatMoney({ amountMinor: doc.amountMinor, currency: doc.currency }),
    refundedAmountMinor: doc.refundedAmountMinor ?? 0,
    description: doc.description ?? null,
    instructions: instructions as (Record<string, unknown> & { kind: string; qrString?: string; qrImageDataUrl?: string }) | null,
    chargeState: doc.chargeState,
    failureReason: doc.failureReason ?? null,
    origin: {
      kind: doc.origin.kind,
      ...(doc.origin.batchId ? { batchId: String(doc.origin.batchId), itemIndex: doc.origin.itemIndex } : {}),
      ...(doc.origin.recurringId ? { recurringId: String(doc.origin.recurringId), runIndex: doc.origin.runIndex } : {}),
    },
    runAt: iso(doc.runAt),
    expiresAt: iso(doc.expiresAt),
    settledAt: iso(doc.settledAt),
    createdAt: iso(doc.createdAt)!,
    updatedAt: iso(doc.updatedAt)!,
    refunds: (doc.refunds ?? []).map((r) => ({
      refundRef: r.refundRef,
      amountMinor: r.amountMinor,
      status: r.status,
      reason: r.reason ?? null,
      requestedAt: iso(r.requestedAt)!,
      completedAt: iso(r.completedAt),
    })),
    history: doc.history.map((h) => ({
      from: h.from,
      to: h.to,
      at: iso(h.at)!,
      source: h.source,
      providerStatus: h.providerStatus ?? null,
      eventId: h.eventId ? String(h.eventId) : null,
      note: h.note ?? null,
    })),
  };
}

export type PaymentView = ReturnType<typeof toPaymentView>;

/** Adds a scannable PNG of the QRIS string, for the payer's screen (detail views only: it is ~2 KB each). */
export async function withQrImage(view: PaymentView): Promise<PaymentView> {
  if (!view.instructions?.qrString) return view;
  const qrImageDataUrl = await QRCode.toDataURL(view.instructions.qrString, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
  return { ...view, instructions: { ...view.instructions, qrImageDataUrl } };
}
