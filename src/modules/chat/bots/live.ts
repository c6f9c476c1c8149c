/**
 * Live messages (ctx.live in the command core): one message edited in place as a long job advances, e.g. an import
 * whose progress replaces the preview it was started from.
 *
 * Telegram edits any bot message with editMessageText. Slack edits a normal message with chat.update; an ephemeral
 * message (a private reply in a channel) can only be replaced through the interaction's response_url, which Slack
 * honours 5 times, so there interim states are rationed and the final one always goes out.
 */
import { TelegramError } from 'telegraf';
import type { ChatOrigin, LiveMessage, Presenter } from '../../../../bots/core/command.js';
import type { Reply } from '../../../../bots/core/reply.js';
import { renderSlack } from '../../../../bots/slack/blocks.js';
import type { SlackResponder } from '../../../../bots/slack/responder.js';
import { renderTelegram } from '../../../../bots/telegram/render.js';
import type { TelegramSender } from '../../../../bots/telegram/sender.js';
import type { Logger } from '../../../lib/logger.js';
import type { SlackPlatform } from '../providers/platforms.js';

type Retry = <T>(send: () => Promise<T>) => Promise<T>;

/** Interim edits closer together than this are skipped (both platforms throttle edits of one message). */
const MIN_EDIT_INTERVAL_MS = 1000;

export function telegramPresenter(deps: { sender: TelegramSender; retry: Retry; logger: Logger }, origin: ChatOrigin, movedNotice: string, originalMessageId?: number): Presenter {
  return {
    async live(first) {
      const toPrivate = first.visibility === 'private' && origin.isGroup;
      const chatId = toPrivate ? origin.externalUserId : origin.chatId;
      const calls = renderTelegram(first, { chatId: origin.chatId, userId: origin.externalUserId, isGroup: origin.isGroup, originalMessageId, movedNotice });
      const ids = await deps.retry(() => deps.sender.send(calls));
      const index = calls.findIndex((c) => c.chat_id === chatId && (c.method === 'sendMessage' || c.method === 'editMessageText'));
      const messageId = index >= 0 ? ids[index] : undefined;
      return throttled(async (r) => {
        if (messageId === undefined) return;
        try {
          await deps.retry(() => deps.sender.send(renderTelegram({ ...r, replaceOriginal: true }, { chatId, userId: origin.externalUserId, isGroup: false, originalMessageId: messageId })));
        } catch (err) {
          if (err instanceof TelegramError && /message is not modified/.test(err.description)) return;
          throw err;
        }
      }, deps.logger);
    },
  };
}

export function slackPresenter(
  deps: { responder: SlackResponder; platform: SlackPlatform; retry: Retry; logger: Logger },
  origin: ChatOrigin,
  pressed?: { responseUrl?: string; messageTs?: string; ephemeral?: boolean },
): Presenter {
  const userId = origin.externalUserId.split(':')[1] ?? origin.externalUserId;
  const update = (channel: string, ts: string) => async (r: Reply) => {
    const { message } = renderSlack(r);
    await deps.retry(() => deps.platform.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks as never }));
  };
  return {
    async live(first) {
      // The pressed message is a normal one (a DM, or public in a channel): edit it in place, as often as needed.
      if (pressed?.messageTs && !pressed.ephemeral && first.replaceOriginal) {
        const edit = update(origin.chatId, pressed.messageTs);
        await edit(first);
        return throttled(edit, deps.logger);
      }
      // An ephemeral message: only its response_url can replace it, at most 5 times in all.
      if (pressed?.responseUrl) {
        const url = pressed.responseUrl;
        const post = async (r: Reply) => {
          const { message } = renderSlack({ ...r, replaceOriginal: true });
          await deps.retry(() => deps.responder.send(message, [], { channelId: origin.chatId, userId, responseUrl: url }));
        };
        await post(first);
        let budget = 3; // 1 used + 3 interim + 1 final
        return throttled(async (r, final) => {
          if (!final && budget <= 0) return;
          if (!final) budget--;
          await post(r);
        }, deps.logger, 3000);
      }
      // No message to edit yet: post one where chat.update can reach it (a DM, or public in a channel).
      const { message } = renderSlack(first);
      const ephemeral = message.response_type === 'ephemeral' && !origin.chatId.startsWith('D');
      if (ephemeral) {
        await deps.retry(() => deps.responder.send(message, [], { channelId: origin.chatId, userId }));
        // Ephemeral messages cannot be edited: only the final state is posted, as a new ephemeral message.
        return throttled(async (r, final) => {
          if (!final) return;
          const next = renderSlack(r).message;
          await deps.retry(() => deps.responder.send(next, [], { channelId: origin.chatId, userId }));
        }, deps.logger);
      }
      const posted = await deps.retry(() => deps.platform.client.chat.postMessage({ channel: origin.chatId, text: message.text, blocks: message.blocks as never }));
      return throttled(update(posted.channel ?? origin.chatId, posted.ts!), deps.logger);
    },
  };
}

/** Skips interim states that come faster than the platform should be asked; never throws to the caller. */
function throttled(edit: (r: Reply, final: boolean) => Promise<void>, logger: Logger, intervalMs = MIN_EDIT_INTERVAL_MS): LiveMessage {
  let lastAt = 0;
  let chain: Promise<void> = Promise.resolve();
  return {
    update(r, options) {
      const final = options?.final ?? false;
      const now = Date.now();
      if (!final && now - lastAt < intervalMs) return chain;
      lastAt = now;
      // Edits go out in order: a slow interim edit must not land after the final one.
      chain = chain.then(() => edit(r, final)).catch((err) => logger.warn({ err }, 'live chat message edit failed'));
      return chain;
    },
  };
}

