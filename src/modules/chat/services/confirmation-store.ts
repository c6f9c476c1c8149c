/**
 * Button groups in MongoDB (the command core's ConfirmationStore, shared by every hub process). Consuming is one
 * guarded update, so of two presses (a double tap, a platform retry, Cancel after Confirm) exactly one wins.
 */
import type { Models } from '../../../db/models/index.js';

export interface StoredConfirmation {
  groupId: string;
  ownerKey: string;
  options: { command: string; action: string; payload: Record<string, unknown> }[];
  expiresAt: Date;
}

export type ConsumeOutcome =
  | { status: 'ok'; option: StoredConfirmation['options'][number]; groupId: string }
  | { status: 'used' | 'expired' | 'missing' | 'not_owner' };

export class ChatConfirmationStore {
  constructor(private readonly models: Pick<Models, 'ChatConfirmation'>) {}

  async save(pending: StoredConfirmation): Promise<void> {
    await this.models.ChatConfirmation.create(pending);
  }

  async consume(groupId: string, index: number, ownerKey: string, now: Date): Promise<ConsumeOutcome> {
    const won = await this.models.ChatConfirmation.findOneAndUpdate(
      { groupId, ownerKey, usedAt: { $exists: false }, expiresAt: { $gt: now }, [`options.${index}`]: { $exists: true } },
      { $set: { usedAt: now, pressedIndex: index } },
      { returnDocument: 'after' },
    ).lean();
    if (won) {
      const option = won.options[index];
      return option ? { status: 'ok', option: { command: option.command, action: option.action, payload: option.payload ?? {} }, groupId } : { status: 'missing' };
    }
    // Lost or refused: say why, from the stored group.
    const group = await this.models.ChatConfirmation.findOne({ groupId }).lean();
    if (!group || !group.options[index]) return { status: 'missing' };
    if (group.ownerKey !== ownerKey) return { status: 'not_owner' };
    if (group.usedAt) return { status: 'used' };
    return { status: 'expired' };
  }

  async purgeExpired(now: Date): Promise<number> {
    const result = await this.models.ChatConfirmation.deleteMany({ expiresAt: { $lt: new Date(now.getTime() - 24 * 3600_000) } });
    return result.deletedCount ?? 0;
  }
}
