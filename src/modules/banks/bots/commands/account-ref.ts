/**
 * Shared by the bank chat commands: the user's actor from the chat, money and times in the chat's zone, and which
 * account a command means — its number in /accounts, or the last four digits of its number.
 */
import { DateTime } from 'luxon';
import { TIME_ZONES, type Locale } from '../../../../../bots/core/locale.js';
import { AppError } from '../../../../lib/errors.js';
import { formatMoney } from '../../../../lib/money.js';
import type { Actor } from '../../../../services/actor.js';
import type { Services } from '../../../../services/registry.js';
import type { AccountView } from '../../services/bank-service.js';

export { actorOf } from '../../../../../bots/core/actor.js';

export const rupiah = (amountMinor: number | null, currency = 'IDR') => (amountMinor === null ? '—' : formatMoney({ amountMinor, currency }));

export const inZone = (iso: string | null, locale: Locale, format = 'dd/MM HH.mm') => (iso ? DateTime.fromISO(iso).setZone(TIME_ZONES[locale.zone]).toFormat(format) : '—');

export async function pickAccount(services: Services, actor: Actor, ref: string | undefined): Promise<AccountView> {
  const accounts = (await services.banks.accounts(actor)).filter((a) => a.status === 'active');
  if (!accounts.length) throw new AppError('NOT_FOUND', 'no connected bank account; /connect <bank> <account number>');
  if (!ref) {
    if (accounts.length === 1) return accounts[0];
    throw new AppError('VALIDATION_FAILED', 'account', { details: { issues: [{ field: 'account', reason: `which one? 1-${accounts.length} (see /accounts) or the last 4 digits` }] } });
  }
  const byIndex = /^\d{1,2}$/.test(ref) ? accounts[Number(ref) - 1] : undefined;
  const byDigits = /^\d{4}$/.test(ref) ? accounts.find((a) => a.accountNumberMasked?.endsWith(ref)) : undefined;
  const account = byDigits ?? byIndex;
  if (!account) throw new AppError('NOT_FOUND', 'account not found; see /accounts');
  return account;
}
