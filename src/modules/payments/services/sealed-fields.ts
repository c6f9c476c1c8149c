/**
 * Payment requests kept for later (batch items, recurring templates) carry the card token and phone number until a
 * payment is made from them. They are stored sealed, as payments store them: encrypted under the field cipher, with
 * a masked phone for display. Only the job that makes the payment opens them; views never do.
 */
import type { FieldCipher } from '../../../lib/crypto.js';

/** A stored request: the plain fields of a payment request, with its secrets replaced by sealed copies. */
export type SealedRequest = Record<string, unknown> & { cardTokenEnc?: string; mobileNumberEnc?: string; mobileNumberMasked?: string };

/** Plain JSON of `request` (dates as ISO strings) with cardToken and mobileNumber encrypted. */
export function sealRequest(request: object, cipher: FieldCipher): SealedRequest {
  const { cardToken, mobileNumber, ...rest } = JSON.parse(JSON.stringify(request)) as Record<string, unknown>;
  return {
    ...rest,
    ...(typeof cardToken === 'string' ? { cardTokenEnc: cipher.encrypt(cardToken) } : {}),
    ...(typeof mobileNumber === 'string' ? { mobileNumberEnc: cipher.encrypt(mobileNumber), mobileNumberMasked: maskPhone(mobileNumber) } : {}),
  };
}

/** The request as the user sent it, for making the payment. Requests stored before sealing pass through as they are. */
export function openRequest(stored: Record<string, unknown>, cipher: FieldCipher): Record<string, unknown> {
  const { cardTokenEnc, mobileNumberEnc, mobileNumberMasked: _masked, ...rest } = stored as SealedRequest;
  return {
    ...rest,
    ...(typeof cardTokenEnc === 'string' ? { cardToken: cipher.decrypt(cardTokenEnc) } : {}),
    ...(typeof mobileNumberEnc === 'string' ? { mobileNumber: cipher.decrypt(mobileNumberEnc) } : {}),
  };
}

/** What a view may show of a stored request: no secret, sealed or plain; the phone masked. */
export function redactRequest(stored: Record<string, unknown>): Record<string, unknown> {
  const { cardTokenEnc, mobileNumberEnc: _phone, mobileNumberMasked, cardToken, mobileNumber, ...rest } = stored as SealedRequest;
  const masked = mobileNumberMasked ?? (typeof mobileNumber === 'string' ? maskPhone(mobileNumber) : undefined);
  return {
    ...rest,
    ...(masked ? { mobileNumberMasked: masked } : {}),
    ...(cardTokenEnc || cardToken ? { cardTokenSaved: true } : {}),
  };
}

/** 081234567890 → 0812****7890: enough to recognise one's own number, not enough to use it. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.length <= 8) return '****';
  return `${digits.slice(0, 4)}${'*'.repeat(digits.length - 8)}${digits.slice(-4)}`;
}
