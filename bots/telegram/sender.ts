/**
 * Performs rendered calls with telegraf's Telegram client. A 429 surfaces as TelegramRateLimited with Telegram's
 * retry_after so the caller (webhook processor, notification job) can wait exactly that long.
 */
import { Telegram, TelegramError } from 'telegraf';
import type { TelegramCall } from './render.js';

export class TelegramRateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`telegram rate limited; retry after ${retryAfterSeconds}s`);
    this.name = 'TelegramRateLimited';
  }
}

export function createTelegramClient(token: string, apiRoot?: string): Telegram {
  return new Telegram(token, { apiRoot: apiRoot ?? 'https://api.telegram.org', webhookReply: false });
}

export class TelegramSender {
  constructor(private readonly telegram: Telegram) {}

  /** Runs the calls in order; returns the message ids Telegram assigned. */
  async send(calls: TelegramCall[]): Promise<number[]> {
    const ids: number[] = [];
    for (const call of calls) ids.push(await this.one(call));
    return ids;
  }

  async answerButton(callbackQueryId: string, text?: string): Promise<void> {
    await this.guard(() => this.telegram.answerCbQuery(callbackQueryId, text?.slice(0, 200)));
  }

  private async one(call: TelegramCall): Promise<number> {
    const t = this.telegram;
    return this.guard(async () => {
      switch (call.method) {
        case 'sendMessage': {
          const { chat_id, text, method: _m, ...extra } = call;
          return (await t.sendMessage(chat_id, text, extra)).message_id;
        }
        case 'editMessageText': {
          const { chat_id, message_id, text, method: _m, ...extra } = call;
          const edited = await t.editMessageText(chat_id, message_id, undefined, text, extra);
          return typeof edited === 'object' ? edited.message_id : message_id;
        }
        case 'sendPhoto': {
          const { chat_id, photo, method: _m, ...extra } = call;
          return (await t.sendPhoto(chat_id, photo, extra)).message_id;
        }
        case 'sendDocument': {
          const { chat_id, document, method: _m, ...extra } = call;
          return (await t.sendDocument(chat_id, document, extra)).message_id;
        }
      }
    });
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof TelegramError && err.code === 429) throw new TelegramRateLimited(err.parameters?.retry_after ?? 1);
      throw err;
    }
  }
}
