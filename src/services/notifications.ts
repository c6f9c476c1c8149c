/**
 * Writes user notifications to the outbox (payment settled, recurring run failed…). Chat adapters deliver them
 * to linked Telegram/Slack chats; the REST API lists them. A dedupe key makes "notify once per cause" safe to repeat.
 */
import { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import { afterCursorDesc, pageOf } from '../lib/cursor.js';
import { toJakartaIso } from '../lib/time.js';

export interface NewNotification {
  userId: string;
  kind: string;
  title: string;
  body: string;
  data?: Record<string, unknown>;
  dedupeKey?: string;
}

export class NotificationService {
  constructor(private readonly models: Pick<Models, 'Notification'>) {}

  async notify(notification: NewNotification): Promise<void> {
    try {
      await this.models.Notification.create({ ...notification, userId: new Types.ObjectId(notification.userId) });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  async list(userId: string, query: { cursor?: string; limit: number }) {
    const filter: Record<string, unknown> = { userId: new Types.ObjectId(userId) };
    if (query.cursor) Object.assign(filter, afterCursorDesc('createdAt', query.cursor));
    const docs = await this.models.Notification.find(filter).sort({ createdAt: -1, _id: -1 }).limit(query.limit + 1).lean();
    const { page, nextCursor } = pageOf(docs, query.limit, (d) => d.createdAt);
    return {
      notifications: page.map((n) => ({
        id: String(n._id),
        kind: n.kind,
        title: n.title,
        body: n.body,
        data: n.data ?? null,
        createdAt: toJakartaIso(n.createdAt),
        delivered: Boolean(n.deliveredAt),
      })),
      nextCursor,
    };
  }
}
