import { safeEqual } from '../../../../lib/crypto.js';

/** Xendit callbacks carry the account's verification token in x-callback-token; compared in constant time. */
export function verifyXenditCallbackToken(headerValue: string | undefined | null, expectedToken: string): boolean {
  if (!headerValue || !expectedToken) return false;
  return safeEqual(headerValue, expectedToken);
}
