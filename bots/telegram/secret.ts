import { safeEqual } from '../../src/lib/crypto.js';

/** The X-Telegram-Bot-Api-Secret-Token check, in constant time; a missing header never matches. */
export function isValidTelegramSecret(header: string | undefined | null, expected: string): boolean {
  if (!expected) return false;
  return safeEqual(header ?? '', expected);
}
