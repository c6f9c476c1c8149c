/**
 * Chat identities: link codes, linking, unlinking, per-chat settings and lookups for the command core and the
 * notification delivery. Every change is audited with the channel it came from.
 */
import { randomInt } from 'node:crypto';
import { Types } from 'mongoose';
import type { Models } from '../../../db/models/index.js';
import { sha256Hex } from '../../../lib/crypto.js';
import { AppError, isDuplicateKeyError } from '../../../lib/errors.js';
import type { Actor } from '../../../services/actor.js';
import type { AuditService } from '../../../services/audit.js';
import type { ChatIdentityDoc, NotificationTopic } from '../models/chat-identity.js';

export const LINK_CODE_TTL_MS = 10 * 60_000;
/** No 0/O, 1/I/L: codes are read off one screen and typed on another. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

export interface ChatAccount {
  channel: ChatIdentityDoc['channel'];
  externalUserId: string;
  /** The private chat with the bot, when the message came from one. */
  directChatId?: string;
  displayName?: string;
}

export interface ChatSettings {
  language: 'id' | 'en';
  zone: 'WIB' | 'WITA' | 'WIT';
  mutedTopics: NotificationTopic[];
}

export interface LinkedAccount extends ChatSettings {
  identityId: string;
  userId: string;
  role: 'user' | 'admin';
}

export class ChatIdentityService {
  constructor(
    private readonly deps: {
      models: Pick<Models, 'ChatIdentity' | 'ChatLinkCode' | 'User'>;
      audit: AuditService;
      now: () => Date;
    },
  ) {}

  async createLinkCode(actor: Actor): Promise<{ code: string; expiresAt: Date }> {
    const expiresAt = new Date(this.deps.now().getTime() + LINK_CODE_TTL_MS);
    for (let attempt = 0; ; attempt++) {
      const code = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
      try {
        await this.deps.models.ChatLinkCode.create({ codeHash: hashCode(code), userId: new Types.ObjectId(actor.userId), expiresAt });
        await this.deps.audit.record({ actor, action: 'chat.link_code.create', outcome: 'success' });
        return { code, expiresAt };
      } catch (err) {
        // 31^8 codes: a collision is astronomically rare, but a unique index turns it into a retry, not a leak.
        if (!isDuplicateKeyError(err) || attempt >= 3) throw err;
      }
    }
  }

  /**
   * Consumes the code (once, before it expires) and links this chat account to the code's user. A chat already
   * linked to someone else is refused (CONFLICT) and the code is left unspent: a code passed on by another person
   * must not quietly turn this chat into theirs, where statements sent next would land in their account.
   */
  async link(account: ChatAccount, rawCode: string): Promise<LinkedAccount> {
    const now = this.deps.now();
    const code = rawCode.trim().toUpperCase().replace(/[\s-]/g, '');
    const wellFormed = /^[A-Z0-9]{4,16}$/.test(code);
    const current = wellFormed ? await this.deps.models.ChatIdentity.findOne({ channel: account.channel, externalUserId: account.externalUserId }).lean() : null;
    if (current) {
      const pending = await this.deps.models.ChatLinkCode.findOne({ codeHash: hashCode(code), usedAt: { $exists: false }, expiresAt: { $gt: now } }).lean();
      if (pending && String(pending.userId) !== String(current.userId)) {
        await this.deps.audit.record({ actor: { channel: account.channel }, action: 'chat.link', outcome: 'failure', metadata: { externalUserId: account.externalUserId, reason: 'chat already linked to another user' } });
        throw new AppError('CONFLICT', 'this chat is already linked to another account; /unlink first', { details: { issues: [{ field: 'code', reason: 'chat already linked to another account' }] } });
      }
    }
    const used = wellFormed
      ? await this.deps.models.ChatLinkCode.findOneAndUpdate(
          { codeHash: hashCode(code), usedAt: { $exists: false }, expiresAt: { $gt: now } },
          { $set: { usedAt: now, usedBy: `${account.channel}:${account.externalUserId}` } },
          { returnDocument: 'after' },
        ).lean()
      : null;
    if (!used) {
      await this.deps.audit.record({ actor: { channel: account.channel }, action: 'chat.link', outcome: 'failure', metadata: { externalUserId: account.externalUserId, reason: 'invalid or expired code' } });
      throw new AppError('UNPROCESSABLE', 'the code is wrong, expired or already used', { details: { issues: [{ field: 'code', reason: 'wrong, expired or already used' }] } });
    }
    const identity = await this.deps.models.ChatIdentity.findOneAndUpdate(
      { channel: account.channel, externalUserId: account.externalUserId },
      {
        $set: { userId: used.userId, linkedAt: now, displayName: account.displayName, ...(account.directChatId ? { directChatId: account.directChatId } : {}) },
        $setOnInsert: { language: 'id', zone: 'WIB', mutedTopics: [] },
      },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    await this.deps.audit.record({ actor: { userId: String(used.userId), channel: account.channel }, action: 'chat.link', target: { type: 'chatIdentity', id: String(identity!._id) } });
    return this.toLinked(identity!);
  }

  async unlink(account: ChatAccount): Promise<boolean> {
    const removed = await this.deps.models.ChatIdentity.findOneAndDelete({ channel: account.channel, externalUserId: account.externalUserId }).lean();
    if (removed) await this.deps.audit.record({ actor: { userId: String(removed.userId), channel: account.channel }, action: 'chat.unlink', target: { type: 'chatIdentity', id: String(removed._id) } });
    return Boolean(removed);
  }

  async resolve(account: Pick<ChatAccount, 'channel' | 'externalUserId'>): Promise<LinkedAccount | null> {
    const identity = await this.deps.models.ChatIdentity.findOne({ channel: account.channel, externalUserId: account.externalUserId }).lean();
    return identity ? this.toLinked(identity) : null;
  }

  /** The terminal client is its API key's user: settings are kept on a terminal identity made on first use. */
  async terminalAccount(actor: Actor): Promise<LinkedAccount> {
    const identity = await this.deps.models.ChatIdentity.findOneAndUpdate(
      { channel: 'terminal', externalUserId: actor.userId },
      { $setOnInsert: { userId: new Types.ObjectId(actor.userId), linkedAt: this.deps.now(), language: 'id', zone: 'WIB', mutedTopics: [] } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    return { ...this.toLinkedBase(identity!), role: actor.role };
  }

  async updateSettings(account: ChatAccount, changes: Partial<ChatSettings>): Promise<LinkedAccount> {
    const identity = await this.deps.models.ChatIdentity.findOneAndUpdate({ channel: account.channel, externalUserId: account.externalUserId }, { $set: changes }, { returnDocument: 'after' }).lean();
    if (!identity) throw new AppError('NOT_FOUND', 'chat account not found');
    await this.deps.audit.record({ actor: { userId: String(identity.userId), channel: account.channel }, action: 'chat.settings.update', target: { type: 'chatIdentity', id: String(identity._id) }, metadata: changes });
    return this.toLinked(identity);
  }

  /** Remembers where to reach the user privately (a Slack DM channel is only known once opened). */
  async rememberDirectChat(identityId: string, directChatId: string): Promise<void> {
    await this.deps.models.ChatIdentity.updateOne({ _id: new Types.ObjectId(identityId) }, { $set: { directChatId } });
  }

  /** Linked chat accounts (not the terminal) of these users, for notification delivery. */
  async chatsOf(userIds: Types.ObjectId[]) {
    return this.deps.models.ChatIdentity.find({ userId: { $in: userIds }, channel: { $in: ['telegram', 'slack'] } }).lean();
  }

  async linkedUserIds(): Promise<Types.ObjectId[]> {
    return (await this.deps.models.ChatIdentity.distinct('userId', { channel: { $in: ['telegram', 'slack'] } })) as Types.ObjectId[];
  }

  async purgeExpiredCodes(): Promise<number> {
    const result = await this.deps.models.ChatLinkCode.deleteMany({ expiresAt: { $lt: new Date(this.deps.now().getTime() - 24 * 3600_000) } });
    return result.deletedCount ?? 0;
  }

  private async toLinked(identity: ChatIdentityDoc): Promise<LinkedAccount> {
    const user = await this.deps.models.User.findById(identity.userId).lean();
    // A user deleted after linking leaves a dangling identity: treat it as unlinked rather than act for nobody.
    return { ...this.toLinkedBase(identity), role: ((user as { role?: 'user' | 'admin' } | null)?.role ?? 'user') };
  }

  private toLinkedBase(identity: ChatIdentityDoc): Omit<LinkedAccount, 'role'> {
    return { identityId: String(identity._id), userId: String(identity.userId), language: identity.language, zone: identity.zone, mutedTopics: identity.mutedTopics ?? [] };
  }
}

function hashCode(code: string): string {
  return sha256Hex(`chat-link:${code}`);
}
