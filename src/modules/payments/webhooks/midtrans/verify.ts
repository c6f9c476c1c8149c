import { safeEqual, sha512Hex } from '../../../../lib/crypto.js';

/**
 * Midtrans signs each notification inside its body: signature_key = SHA-512(order_id + status_code + gross_amount
 * + server key), over the exact strings sent (gross_amount "100000.00", not 100000). Compared in constant time.
 */
export function verifyMidtransSignature(
  notification: { order_id?: unknown; status_code?: unknown; gross_amount?: unknown; signature_key?: unknown },
  serverKey: string,
): boolean {
  const { order_id, status_code, gross_amount, signature_key } = notification;
  if (typeof order_id !== 'string' || typeof status_code !== 'string' || typeof gross_amount !== 'string' || typeof signature_key !== 'string') return false;
  return safeEqual(sha512Hex(order_id + status_code + gross_amount + serverKey), signature_key.toLowerCase());
}
