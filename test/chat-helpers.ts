/**
 * Helpers for chat conversations through the real webhook routes: Telegram updates and Slack requests signed as
 * the platforms sign them, delivered to the fakes the hub starts without tokens, and waiting until the inbox has
 * applied them. Shared by every test file that talks to the bots (one hub per file).
 */
import { expect } from 'vitest';
import type { FakeSlack } from '../sandbox/slack/index.js';
import type { FakeTelegram, SentMessage, TgUser } from '../sandbox/telegram/index.js';
import { eventually, type ApiClient, type TestHub } from './harness.js';

export function chatHelpers(t: TestHub) {
  const tg = t.hub.sandboxes.telegram as FakeTelegram;
  const slack = t.hub.sandboxes.slack as FakeSlack;

  const settleInbox = () => eventually(() => t.hub.models.WebhookEvent.countDocuments({ provider: { $in: ['telegram', 'slack'] }, status: { $nin: ['applied', 'ignored', 'dead'] } }), (n) => n === 0, 10_000);

  /** Sends an update as Telegram would and waits until the hub has applied it. */
  async function send(update: Record<string, unknown>, options?: { secretToken?: string }): Promise<number | null> {
    const status = await tg.deliver(update, options);
    await settleInbox();
    return status;
  }

  const messagesTo = (chatId: number | string) => tg.messages.filter((m) => m.chat_id === String(chatId));
  const lastTo = (chatId: number | string) => messagesTo(chatId).at(-1)!;
  const textsTo = (chatId: number | string) => messagesTo(chatId).map((m) => m.plain ?? m.caption ?? '');
  const buttonsOf = (m: SentMessage) => (m.reply_markup?.inline_keyboard ?? []).flat();

  async function linkTelegram(user: TgUser): Promise<{ client: ApiClient; id: string }> {
    const owner = await t.createUser(`tg-${user.id}`);
    const code = await owner.client.post<{ code: string }>('/api/chat/link-code');
    expect(code.status).toBe(201);
    await send(tg.update.text(user, `/link ${code.body.code}`));
    expect(lastTo(user.id).plain).toContain('Akun terhubung');
    return owner;
  }

  /** Links a Slack user (slash command `/sw link CODE`) to a new hub user. */
  async function linkSlack(user: { id: string; name?: string }, channelId: string): Promise<{ client: ApiClient; id: string }> {
    const owner = await t.createUser(`slack-${user.id}`);
    const code = (await owner.client.post<{ code: string }>('/api/chat/link-code')).body.code;
    await slack.sendSlashCommand({ user, channelId, text: `link ${code}` });
    await settleInbox();
    return owner;
  }

  return { tg, slack, settleInbox, send, messagesTo, lastTo, textsTo, buttonsOf, linkTelegram, linkSlack };
}
