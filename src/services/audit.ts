/**
 * Append-only audit log: who did what to which target, from which channel, when, under which request id.
 * Every state-changing service call records one entry.
 */
import { Types } from 'mongoose';
import type { AuditChannel } from '../db/models/audit-entry.js';
import type { Models } from '../db/models/index.js';
import { afterCursorDesc, pageOf } from '../lib/cursor.js';
import type { Logger } from '../lib/logger.js';
import { toJakartaIso } from '../lib/time.js';
import type { Actor } from './actor.js';

export interface AuditRecord {
  actor?: Partial<Actor> & { channel: AuditChannel };
  action: string;
  target?: { type: string; id: string };
  outcome?: 'success' | 'failure';
  metadata?: Record<string, unknown>;
}

export interface AuditQuery {
  userId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  /** Opaque cursor from a previous page. */
  cursor?: string;
  limit: number;
}

export class AuditService {
  constructor(private readonly models: Pick<Models, 'AuditEntry'>, private readonly logger: Logger) {}

  async record(entry: AuditRecord): Promise<void> {
    await this.models.AuditEntry.create({
      at: new Date(),
      actorUserId: entry.actor?.userId ? new Types.ObjectId(entry.actor.userId) : undefined,
      actorRole: entry.actor?.role,
      channel: entry.actor?.channel ?? 'system',
      action: entry.action,
      targetType: entry.target?.type,
      targetId: entry.target?.id,
      requestId: entry.actor?.requestId,
      outcome: entry.outcome ?? 'success',
      metadata: entry.metadata,
    });
    // The service logger is not the request's child logger, so carry the request id for correlation here too.
    this.logger.info({ audit: { action: entry.action, target: entry.target, channel: entry.actor?.channel }, requestId: entry.actor?.requestId }, 'audit');
  }

  /** Newest first, keyset-paginated on (at, _id) so pages stay stable while entries are appended. */
  async list(query: AuditQuery) {
    const filter: Record<string, unknown> = {};
    if (query.userId) filter.actorUserId = new Types.ObjectId(query.userId);
    if (query.action) filter.action = query.action;
    if (query.from || query.to) filter.at = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lte: query.to } : {}) };
    if (query.cursor) Object.assign(filter, afterCursorDesc('at', query.cursor));
    const docs = await this.models.AuditEntry.find(filter).sort({ at: -1, _id: -1 }).limit(query.limit + 1).lean();
    const { page, nextCursor } = pageOf(docs, query.limit, (d) => d.at);
    return {
      entries: page.map((d) => ({
        id: String(d._id),
        at: toJakartaIso(d.at),
        actorUserId: d.actorUserId ? String(d.actorUserId) : null,
        actorRole: d.actorRole ?? null,
        channel: d.channel,
        action: d.action,
        target: d.targetType ? { type: d.targetType, id: d.targetId ?? '' } : null,
        outcome: d.outcome,
        requestId: d.requestId ?? null,
        metadata: d.metadata ?? null,
      })),
      nextCursor,
    };
  }
}

