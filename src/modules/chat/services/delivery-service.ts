/**
 * Bookkeeping for delivering the notification outbox to linked chats: which notifications still need a chat,
 * claiming one delivery per (notification, chat) with a unique row, and recording the outcome. The sending itself
 * is the chat job's (an adapter). A delivery is "sent" once; a rate-limited one waits exactly the platform's
 * retry_after; one claimed by a process that died is taken over after the claim lapses.
 */
import { Types } from 'mongoose';
import type { Models } from '../../../db/models/index.js';
import { isDuplicateKeyError } from '../../../lib/errors.js';
import type { ChatIdentityDoc, NotificationTopic } from '../models/chat-identity.js';
import type { ChatIdentityService } from './identity-service.js';

export const DELIVERY_CLAIM_MS = 60_000;
export const DELIVERY_MAX_ATTEMPTS = 6;

export interface PendingDelivery {
  deliveryId: Types.ObjectId;
  notification: { id: string; kind: string; title: string; body: string; data?: Record<string, unknown>; createdAt: Date };
  identity: ChatIdentityDoc;
}

export function topicOf(kind: string): NotificationTopic {
  if (kind.startsWith('payment.recurring')) return 'recurring';
  if (kind.startsWith('payment.')) return 'payments';
  return 'other';
}

export class ChatDeliveryService {
  constructor(
    private readonly deps: {
      models: Pick<Models, 'Notification' | 'ChatDelivery'>;
      identities: ChatIdentityService;
      now: () => Date;
    },
  ) {}

  /** Claims up to `limit` deliveries that are due now. */
  async claimDue(limit = 50): Promise<PendingDelivery[]> {
    const now = this.deps.now();
    const users = await this.deps.identities.linkedUserIds();
    if (!users.length) return [];
    const notifications = await this.deps.models.Notification.find({ userId: { $in: users }, deliveredAt: { $exists: false } }).sort({ createdAt: 1 }).limit(limit).lean();
    if (!notifications.length) return [];
    const chats = await this.deps.identities.chatsOf([...new Set(notifications.map((n) => String(n.userId)))].map((id) => new Types.ObjectId(id)));
    const claimed: PendingDelivery[] = [];
    for (const n of notifications) {
      // Only chats linked before the notification was written: linking does not replay old history.
      const targets = chats.filter((c) => String(c.userId) === String(n.userId) && c.linkedAt <= n.createdAt && !(c.mutedTopics ?? []).includes(topicOf(n.kind)));
      let open = 0;
      for (const identity of targets) {
        const deliveryId = await this.claim(n._id, identity._id, now);
        if (deliveryId === 'done') continue;
        open++;
        if (deliveryId) claimed.push({ deliveryId, identity, notification: { id: String(n._id), kind: n.kind, title: n.title, body: n.body, data: n.data, createdAt: n.createdAt } });
      }
      if (open === 0) await this.deps.models.Notification.updateOne({ _id: n._id, deliveredAt: { $exists: false } }, { $set: { deliveredAt: now } });
      if (claimed.length >= limit) break;
    }
    return claimed;
  }

  async markSent(deliveryId: Types.ObjectId): Promise<void> {
    await this.deps.models.ChatDelivery.updateOne({ _id: deliveryId }, { $set: { status: 'sent', sentAt: this.deps.now() }, $unset: { nextAttemptAt: 1 } });
  }

  /** Rate limited: try again after exactly what the platform asked. */
  async markWaiting(deliveryId: Types.ObjectId, retryAfterSeconds: number, error: string): Promise<void> {
    await this.deps.models.ChatDelivery.updateOne(
      { _id: deliveryId },
      { $set: { status: 'waiting', nextAttemptAt: new Date(this.deps.now().getTime() + retryAfterSeconds * 1000), lastError: error } },
    );
  }

  /** A failure: back off, and give up after DELIVERY_MAX_ATTEMPTS (the notification stays listed in the API). */
  async markFailed(deliveryId: Types.ObjectId, attempts: number, error: string): Promise<void> {
    const giveUp = attempts >= DELIVERY_MAX_ATTEMPTS;
    const delayMs = Math.min(2 ** attempts * 1000, 10 * 60_000);
    await this.deps.models.ChatDelivery.updateOne(
      { _id: deliveryId },
      { $set: giveUp ? { status: 'failed', lastError: error } : { status: 'waiting', nextAttemptAt: new Date(this.deps.now().getTime() + delayMs), lastError: error } },
    );
  }

  /**
   * Returns the row id when this caller may send now, 'done' when the delivery is finished (sent or given up),
   * or null when someone else holds it or it is waiting for its retry time.
   */
  private async claim(notificationId: Types.ObjectId, identityId: Types.ObjectId, now: Date): Promise<Types.ObjectId | 'done' | null> {
    try {
      const created = await this.deps.models.ChatDelivery.create({ notificationId, identityId, status: 'sending', attempts: 1, claimedAt: now });
      return created._id;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const taken = await this.deps.models.ChatDelivery.findOneAndUpdate(
      {
        notificationId,
        identityId,
        $or: [
          { status: 'waiting', nextAttemptAt: { $lte: now } },
          { status: 'sending', claimedAt: { $lt: new Date(now.getTime() - DELIVERY_CLAIM_MS) } },
        ],
      },
      { $set: { status: 'sending', claimedAt: now }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (taken) return taken._id;
    const row = await this.deps.models.ChatDelivery.findOne({ notificationId, identityId }).lean();
    return row && (row.status === 'sent' || row.status === 'failed') ? 'done' : null;
  }

  async attemptsOf(deliveryId: Types.ObjectId): Promise<number> {
    return (await this.deps.models.ChatDelivery.findById(deliveryId).lean())?.attempts ?? 1;
  }
}
