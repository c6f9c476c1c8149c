/**
 * How payments read in chat: status words, the next step for the payer (VA number to copy, QR image, app link,
 * counter code), and the actor a chat command acts as. Shared by the payment commands and notifications.
 */
import QRCode from 'qrcode';
import type { CommandContext } from '../../../../../bots/core/command.js';
import { formatDateTime, type Locale, type Localized } from '../../../../../bots/core/locale.js';
import type { ReplyBlock } from '../../../../../bots/core/reply.js';
import { formatMoney } from '../../../../lib/money.js';
import { PAYMENT_METHODS } from '../../providers/types.js';
import { PAYMENT_METHOD_CATALOG } from '../../services/methods.js';
import type { PaymentView } from '../../services/views.js';

export const STATUS_WORDS: Record<string, Localized> = {
  scheduled: { id: 'terjadwal', en: 'scheduled' },
  pending: { id: 'menunggu pembayaran', en: 'awaiting payment' },
  processing: { id: 'diproses', en: 'processing' },
  success: { id: 'lunas', en: 'paid' },
  failed: { id: 'gagal', en: 'failed' },
  expired: { id: 'kedaluwarsa', en: 'expired' },
  cancelled: { id: 'dibatalkan', en: 'cancelled' },
  partially_refunded: { id: 'dikembalikan sebagian', en: 'partly refunded' },
  refunded: { id: 'dikembalikan', en: 'refunded' },
};

export function statusWord(status: string, locale: Pick<Locale, 'language'>): string {
  return STATUS_WORDS[status]?.[locale.language] ?? status;
}

export function methodLabel(method: string): string {
  return PAYMENT_METHOD_CATALOG.find((m) => m.method === method)?.label ?? method;
}

/** Methods that need more than chat can carry (a phone number, a tokenised card) are left to the app. */
export const CHAT_METHODS = PAYMENT_METHODS.filter((m) => !PAYMENT_METHOD_CATALOG.find((c) => c.method === m)?.requires?.length) as unknown as readonly [string, ...string[]];

export { actorOf } from '../../../../../bots/core/actor.js';

export const money = (amountMinor: number) => formatMoney({ amountMinor, currency: 'IDR' });

export function when(iso: string | null | undefined, locale: Locale): string {
  return iso ? formatDateTime(new Date(iso), locale) : '—';
}

/** What the payer does next, from the provider-neutral instructions. */
export async function nextStepBlocks(payment: PaymentView, ctx: Pick<CommandContext<unknown, unknown>, 'say' | 'locale'>): Promise<ReplyBlock[]> {
  const i = payment.instructions;
  const blocks: ReplyBlock[] = [];
  const expires = i?.expiresAt ? when(String(i.expiresAt), ctx.locale) : payment.expiresAt ? when(payment.expiresAt, ctx.locale) : undefined;
  const until = expires ? { label: ctx.say({ id: 'Bayar sebelum', en: 'Pay before' }), value: expires } : undefined;
  switch (i?.kind) {
    case 'virtual_account':
      blocks.push({ type: 'fields', fields: [{ label: `${ctx.say({ id: 'Nomor VA', en: 'VA number' })} ${String(i.bank ?? '').toUpperCase()}`.trim(), value: String(i.vaNumber), copy: true }, { label: ctx.say({ id: 'Jumlah', en: 'Amount' }), value: payment.amountDisplay }, ...(until ? [until] : [])] });
      break;
    case 'bill_key':
      blocks.push({ type: 'fields', fields: [{ label: 'Biller code', value: String(i.billerCode), copy: true }, { label: 'Bill key', value: String(i.billKey), copy: true }, ...(until ? [until] : [])] });
      break;
    case 'payment_code':
      blocks.push({ type: 'fields', fields: [{ label: `${ctx.say({ id: 'Kode bayar', en: 'Payment code' })} ${String(i.store ?? '')}`.trim(), value: String(i.paymentCode), copy: true }, ...(until ? [until] : [])] });
      break;
    case 'qr': {
      const png = await QRCode.toBuffer(String(i.qrString), { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 360 });
      blocks.push({ type: 'image', data: png, filename: `qris-${payment.orderId}.png`, mimeType: 'image/png', caption: `${ctx.say({ id: 'Pindai QRIS ini dengan aplikasi bank atau e-wallet', en: 'Scan this QRIS with any bank or e-wallet app' })}: ${payment.amountDisplay}${expires ? ` · ${expires}` : ''}` });
      break;
    }
    case 'deeplink':
    case 'redirect': {
      const url = String(i.deeplinkUrl ?? i.redirectUrl);
      blocks.push({ type: 'link', text: ctx.say({ id: `Buka ${methodLabel(payment.method)} untuk membayar`, en: `Open ${methodLabel(payment.method)} to pay` }), url });
      if (until) blocks.push({ type: 'fields', fields: [until] });
      break;
    }
    default:
      blocks.push({ type: 'text', text: ctx.say({ id: 'Status: {status}', en: 'Status: {status}' }, { status: statusWord(payment.status, ctx.locale) }) });
  }
  return blocks;
}
