/**
 * Single-use button groups. Pressing Confirm or Cancel consumes the whole group atomically, so a double tap, a
 * platform retry or pressing Cancel after Confirm has exactly one effect. Only the chat user the buttons were
 * shown to may press them (a group chat member cannot confirm someone else's payment).
 *
 * The token in the button is `sw:<groupId>:<index>`: short (Telegram callback_data ≤ 64 bytes) and meaningless
 * without the stored group, which holds the command, action and payload.
 */
import { randomBytes } from 'node:crypto';

export interface ConfirmationOption {
  command: string;
  action: string;
  payload: Record<string, unknown>;
}

export interface PendingConfirmation {
  groupId: string;
  ownerKey: string;
  options: ConfirmationOption[];
  expiresAt: Date;
}

export type ConsumeResult =
  | { status: 'ok'; option: ConfirmationOption; groupId: string }
  | { status: 'used' | 'expired' | 'missing' | 'not_owner' };

/** Persistence for button groups; the chat module provides the MongoDB one (shared by every hub process). */
export interface ConfirmationStore {
  save(pending: PendingConfirmation): Promise<void>;
  /** Atomically marks the group used and returns the pressed option, or says why it cannot be used. */
  consume(groupId: string, index: number, ownerKey: string, now: Date): Promise<ConsumeResult>;
}

export function newGroupId(): string {
  return randomBytes(12).toString('base64url');
}

export function buttonToken(groupId: string, index: number): string {
  return `sw:${groupId}:${index}`;
}

export function parseButtonToken(token: string): { groupId: string; index: number } | null {
  const m = /^sw:([A-Za-z0-9_-]{8,32}):(\d{1,2})$/.exec(token);
  return m ? { groupId: m[1], index: Number(m[2]) } : null;
}

/** For tests and the single-process terminal demo. Same semantics as the database store. */
export class MemoryConfirmationStore implements ConfirmationStore {
  private readonly groups = new Map<string, PendingConfirmation & { usedAt?: Date }>();

  async save(pending: PendingConfirmation): Promise<void> {
    this.groups.set(pending.groupId, { ...pending });
  }

  async consume(groupId: string, index: number, ownerKey: string, now: Date): Promise<ConsumeResult> {
    const group = this.groups.get(groupId);
    if (!group || !group.options[index]) return { status: 'missing' };
    if (group.ownerKey !== ownerKey) return { status: 'not_owner' };
    if (group.usedAt) return { status: 'used' };
    if (group.expiresAt <= now) return { status: 'expired' };
    group.usedAt = now;
    return { status: 'ok', option: group.options[index], groupId };
  }
}
