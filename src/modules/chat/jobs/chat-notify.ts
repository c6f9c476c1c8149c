/**
 * Delivers the notification outbox to linked chats, once per chat: claims due deliveries, renders each in the
 * chat's language and zone, sends it, and records the outcome. A platform 429 parks the delivery for exactly its
 * retry_after; other failures back off and give up after a few attempts (the notification stays in the API).
 */
import { z } from 'zod';
import { defineJob } from '../../../../jobs/define-job.js';
import { formatDateTime, say, type Locale, type Localized } from '../../../../bots/core/locale.js';
import type { Reply } from '../../../../bots/core/reply.js';
import { SlackRateLimited } from '../../../../bots/slack/responder.js';
import { TelegramRateLimited } from '../../../../bots/telegram/sender.js';
import type { Services } from '../../../services/registry.js';
import { chatRuntime } from '../bots/runtime.js';
import type { PendingDelivery } from '../services/delivery-service.js';

const TEMPLATES: Record<string, { icon: string; title: Localized; body: Localized }> = {
  'payment.success': { icon: '✅', title: { id: 'Pembayaran lunas', en: 'Payment received' }, body: { id: 'Pembayaran {amount}{what} sudah lunas ({at}).', en: 'Your payment of {amount}{what} is settled ({at}).' } },
  'payment.failed': { icon: '❌', title: { id: 'Pembayaran gagal', en: 'Payment failed' }, body: { id: 'Pembayaran {amount}{what} gagal.', en: 'Your payment of {amount}{what} failed.' } },
  'payment.expired': { icon: '⌛', title: { id: 'Pembayaran kedaluwarsa', en: 'Payment expired' }, body: { id: 'Pembayaran {amount}{what} kedaluwarsa sebelum dibayar.', en: 'Your payment of {amount}{what} expired before it was paid.' } },
  'payment.refunded': { icon: '↩️', title: { id: 'Dana dikembalikan', en: 'Payment refunded' }, body: { id: 'Pembayaran {amount}{what} sudah dikembalikan.', en: 'Your payment of {amount}{what} was refunded.' } },
  'payment.refund_failed': { icon: '⚠️', title: { id: 'Pengembalian dana ditolak', en: 'Refund refused' }, body: { id: 'Pengembalian dana untuk pembayaran {amount}{what} ditolak penyedia pembayaran.', en: 'The refund for your payment of {amount}{what} was refused by the provider.' } },
  'payment.recurring.failed': { icon: '🔁', title: { id: 'Pembayaran rutin gagal', en: 'Recurring payment failed' }, body: { id: 'Pembayaran rutin {amount}{what} gagal. Jadwal berikutnya tetap berjalan.', en: 'The recurring payment of {amount}{what} failed. The next run is still scheduled.' } },
};

/** Notifications about no single payment, in both languages. */
const PLAIN: Record<string, { icon: string; title: Localized; body: Localized }> = {
  'payment.recurring.skipped': {
    icon: '⏭️',
    title: { id: 'Jadwal rutin dilewati', en: 'Recurring run skipped' },
    body: { id: 'Satu jadwal pembayaran rutin terlewat saat layanan tidak tersedia dan dilewati; jadwal berikutnya sedang diproses.', en: 'A recurring run was missed while the hub was unavailable and was skipped; the next run is being made now.' },
  },
};

export async function notificationReply(services: Services, delivery: PendingDelivery): Promise<Reply> {
  const { notification: n, identity } = delivery;
  const locale: Locale = { language: identity.language, zone: identity.zone };
  // A capability that knows how its notifications read in chat (an export sent as the file) renders them itself.
  const renderer = chatRuntime(services).registry.list().find((c) => c.notifications?.[n.kind])?.notifications?.[n.kind];
  if (renderer) {
    try {
      return await renderer({ userId: String(identity.userId), locale, channel: identity.channel as 'telegram' | 'slack', services, notification: n });
    } catch (err) {
      // Its data is gone or unreadable: the outbox's own words still say what happened.
      services.chatLogger.warn({ err, notificationId: n.id, kind: n.kind }, 'chat notification renderer failed; sending the plain text');
    }
  }
  const template = TEMPLATES[n.kind];
  const paymentId = typeof n.data?.paymentId === 'string' ? n.data.paymentId : undefined;
  if (template && paymentId) {
    try {
      const p = await services.payments.get({ userId: String(identity.userId), role: 'user', channel: 'job' }, paymentId);
      const params = { amount: p.amountDisplay, what: p.description ? ` (${p.description})` : '', at: formatDateTime(p.settledAt ? new Date(p.settledAt) : n.createdAt, locale) };
      return {
        visibility: 'private',
        blocks: [
          { type: 'heading', text: `${template.icon} ${say(locale, template.title)}` },
          { type: 'text', text: say(locale, template.body, params) },
          { type: 'fields', fields: [{ label: 'ID', value: p.id, copy: true }] },
        ],
      };
    } catch {
      // The payment is gone or unreadable: the outbox's own words still say what happened.
    }
  }
  const plain = PLAIN[n.kind];
  if (plain) return { visibility: 'private', blocks: [{ type: 'heading', text: `${plain.icon} ${say(locale, plain.title)}` }, { type: 'text', text: say(locale, plain.body) }] };
  return { visibility: 'private', blocks: [{ type: 'heading', text: n.title }, { type: 'text', text: n.body }] };
}

export const chatNotifyJob = defineJob({
  name: 'chat.notify',
  schema: z.object({}).passthrough(),
  retry: { maxRetries: 0, baseDelayMs: 1000, maxDelayMs: 1000 },
  every: 1000,
  concurrency: 1,
  handler: async (_data, { services, logger }) => {
    const runtime = chatRuntime(services, logger);
    for (const delivery of await services.chatDeliveries.claimDue()) {
      const { identity } = delivery;
      try {
        await runtime.deliver({ channel: identity.channel as 'telegram' | 'slack', externalUserId: identity.externalUserId, directChatId: identity.directChatId, identityId: String(identity._id) }, await notificationReply(services, delivery));
        await services.chatDeliveries.markSent(delivery.deliveryId);
      } catch (err) {
        if (err instanceof TelegramRateLimited || err instanceof SlackRateLimited) {
          await services.chatDeliveries.markWaiting(delivery.deliveryId, err.retryAfterSeconds, err.message);
          continue;
        }
        const attempts = await services.chatDeliveries.attemptsOf(delivery.deliveryId);
        logger.warn({ err, notificationId: delivery.notification.id, channel: identity.channel, attempts }, 'chat notification not delivered');
        await services.chatDeliveries.markFailed(delivery.deliveryId, attempts, err instanceof Error ? err.message.slice(0, 300) : 'send failed');
      }
    }
  },
});
