/**
 * The chat runtime: one command engine over every module's commands, and the glue from each platform's inbound
 * shape to the engine and from the engine's replies to the platform's API. Built once per services bag.
 *
 * Private replies asked in a group go by direct message on Telegram (with a note in the group, or a hint to start
 * a private chat first when Telegram refuses the DM) and as ephemeral messages on Slack.
 */
import { TelegramError } from 'telegraf';
import type { ChatCommand, ChatOrigin, IncomingFile } from '../../../../bots/core/command.js';
import { FileDownloadError, FileTooLargeError, readLimited } from '../../../../bots/core/files.js';
import { CommandEngine, type EngineResult, type Incoming } from '../../../../bots/core/engine.js';
import { say, type Locale } from '../../../../bots/core/locale.js';
import { MESSAGES } from '../../../../bots/core/messages.js';
import { CommandRegistry } from '../../../../bots/core/registry.js';
import { reply as replyOf, type Reply } from '../../../../bots/core/reply.js';
import { renderSlack } from '../../../../bots/slack/blocks.js';
import type { SlackInbound } from '../../../../bots/slack/requests.js';
import type { TelegramInbound } from '../../../../bots/telegram/updates.js';
import { SlackRateLimited, SlackResponder } from '../../../../bots/slack/responder.js';
import { renderTelegram } from '../../../../bots/telegram/render.js';
import { TelegramRateLimited, TelegramSender } from '../../../../bots/telegram/sender.js';
import { parseTelegramUpdate } from '../../../../bots/telegram/updates.js';
import type { Logger } from '../../../lib/logger.js';
import type { Services } from '../../../services/registry.js';
import { slackPresenter, telegramPresenter } from './live.js';

const runtimes = new WeakMap<Services, ChatRuntime>();

/** The runtime for this hub (adapters call this; the services bag is the hub's identity). */
export function chatRuntime(services: Services, logger?: Logger): ChatRuntime {
  let runtime = runtimes.get(services);
  if (!runtime) {
    runtime = new ChatRuntime(services, logger);
    runtimes.set(services, runtime);
  }
  return runtime;
}

/** Longest wait for a platform's retry_after inside one webhook event; a reply that would wait longer is dropped. */
const INLINE_RETRY_LIMIT_S = 5;
/** Pause before the one retry of a reply that failed for a transient reason (5xx, network). */
const AFTER_EFFECT_RETRY_MS = 500;

/** Worth one more try: a platform 5xx or a network failure (not a 4xx, which would fail the same way again). */
function isTransient(err: unknown): boolean {
  if (err instanceof TelegramError) return err.code >= 500;
  if (err instanceof TelegramRateLimited || err instanceof SlackRateLimited) return false;
  const code = (err as { code?: unknown } | null)?.code;
  // @slack/web-api: platform errors are answers (4xx-like); HTTP and request errors are the transport failing.
  if (code === 'slack_webapi_platform_error') return false;
  return true;
}

export class ChatRuntime {
  readonly engine: CommandEngine<Services>;
  readonly registry: CommandRegistry<Services>;
  private readonly telegramSender?: TelegramSender;
  private readonly slackResponder?: SlackResponder;

  private readonly logger: Logger;

  constructor(
    private readonly services: Services,
    logger?: Logger,
  ) {
    this.logger = logger ?? services.chatLogger;
    this.registry = new CommandRegistry<Services>().add(...(services.chatCommands as ChatCommand<unknown, Services>[]));
    this.engine = new CommandEngine<Services>({
      registry: this.registry,
      identities: {
        resolve: async (origin) => {
          const linked = await services.chatIdentities.resolve({ channel: origin.channel, externalUserId: origin.externalUserId });
          return linked ? { userId: linked.userId, role: linked.role, locale: { language: linked.language, zone: linked.zone } } : null;
        },
      },
      confirmations: services.chatConfirmations,
      rateLimiter: services.rateLimiter,
      services,
      logger: { error: (obj, msg) => this.logger.error(obj, msg) },
    });
    const { telegram, slack } = services.chatPlatforms;
    if (telegram) this.telegramSender = new TelegramSender(telegram.client);
    if (slack) this.slackResponder = new SlackResponder(slack.client);
  }

  /** Applies one Telegram update: run the command or button, send the replies, acknowledge the button. */
  async handleTelegram(update: unknown): Promise<string> {
    const platform = this.services.chatPlatforms.telegram;
    if (!platform || !this.telegramSender) return 'telegram is not configured';
    const inbound = parseTelegramUpdate(update, await platform.botUsername());
    if (inbound.kind === 'ignored') return `ignored: ${inbound.reason}`;
    const language = inbound.origin.languageHint?.startsWith('en') ? 'en' : 'id';
    const presenter = telegramPresenter({ sender: this.telegramSender, retry: (send) => this.withRetry(send), logger: this.logger }, inbound.origin, say({ language }, MESSAGES.sentPrivately), inbound.kind === 'button' ? inbound.messageId : undefined);
    const incoming: Incoming =
      inbound.kind === 'button'
        ? { kind: 'button', origin: inbound.origin, token: inbound.token, presenter }
        : inbound.kind === 'document'
          ? { kind: 'file', origin: inbound.origin, file: this.telegramFile(inbound), presenter }
          : { kind: 'text', origin: inbound.origin, text: inbound.text, presenter };
    const result = await this.engine.handle(incoming);
    if (inbound.kind === 'button') await this.withRetry(() => this.telegramSender!.answerButton(inbound.callbackQueryId, result.toast)).catch((err) => this.logger.warn({ err }, 'answerCallbackQuery failed'));
    const outcome = result.command ?? inbound.kind;
    const progress = { sent: 0 };
    return this.afterEffect(outcome, () => this.sendTelegram(result.replies, inbound.origin, result.locale, inbound.kind === 'button' ? inbound.messageId : undefined, progress));
  }

  /**
   * Sends the replies of a command that has already run. A failure here must not reach the inbox: it would apply
   * the update again and run the command twice (a second /catat entry, a consumed /link code answered as "wrong").
   * A transient failure gets one more try; after that the reply is logged as lost and the event counts as applied.
   */
  private async afterEffect(outcome: string, send: () => Promise<void>): Promise<string> {
    try {
      await send();
      return outcome;
    } catch (first) {
      if (!isTransient(first)) {
        this.logger.warn({ err: first, command: outcome }, 'chat reply not delivered; the command is not run again');
        return `${outcome} (reply not delivered)`;
      }
      await new Promise((resolve) => setTimeout(resolve, AFTER_EFFECT_RETRY_MS));
      try {
        await send();
        return outcome;
      } catch (err) {
        this.logger.warn({ err, command: outcome }, 'chat reply not delivered; the command is not run again');
        return `${outcome} (reply not delivered)`;
      }
    }
  }

  /** Applies one Slack command, button press or message event. */
  async handleSlack(inbound: SlackInbound): Promise<string> {
    if (!this.slackResponder) return 'slack is not configured';
    if (inbound.kind === 'ignored' || inbound.kind === 'url_verification') return inbound.kind;
    const platform = this.services.chatPlatforms.slack!;
    const presenter = slackPresenter({ responder: this.slackResponder, platform, retry: (send) => this.withRetry(send), logger: this.logger }, inbound.origin, inbound.kind === 'button' ? inbound : undefined);
    let incoming: Incoming;
    if (inbound.kind === 'file') {
      const file = await this.slackFile(inbound.fileId);
      if (file === 'own') return 'ignored: our own upload';
      if (!file) {
        await this.sendSlack([replyOf.text(say({ language: 'id' }, MESSAGES.fileDownloadFailed, { name: inbound.fileId }))], inbound.origin);
        return 'file: not found';
      }
      incoming = { kind: 'file', origin: inbound.origin, file, presenter };
    } else incoming = inbound.kind === 'button' ? { kind: 'button', origin: inbound.origin, token: inbound.token, presenter } : { kind: 'text', origin: inbound.origin, text: inbound.text, presenter };
    const result = await this.engine.handle(incoming);
    const responseUrl = inbound.kind === 'command' || inbound.kind === 'button' ? inbound.responseUrl : undefined;
    // Slack has no button toast: a refused press ("not yours", "expired") comes back as an ephemeral reply, and a
    // second press of a used button (no reply) shows nothing, as the first press already replaced the message.
    const progress = { sent: 0 };
    return this.afterEffect(result.command ?? inbound.kind, () => this.sendSlack(result.replies, inbound.origin, responseUrl, progress));
  }

  /** A Telegram document as a file the core can offer to a command: getFile, then the file URL, size-limited. */
  private telegramFile(inbound: Extract<TelegramInbound, { kind: 'document' }>): IncomingFile {
    const client = this.services.chatPlatforms.telegram!.client;
    return {
      name: inbound.fileName,
      mimeType: inbound.mimeType,
      size: inbound.fileSize,
      caption: inbound.caption,
      download: async (maxBytes) => {
        let url: URL;
        try {
          url = await client.getFileLink(inbound.fileId);
        } catch (err) {
          // The Bot API hands out files up to 20 MB only; it says so instead of a link.
          if (err instanceof TelegramError && /file is too big/i.test(err.description)) throw new FileTooLargeError(maxBytes);
          throw err;
        }
        return readLimited(await fetch(url, { signal: AbortSignal.timeout(60_000) }), maxBytes);
      },
    };
  }

  private slackBotUserId?: Promise<string | undefined>;

  /** files.info for the name, type and size; the download is url_private with the bot token. */
  private async slackFile(fileId: string): Promise<IncomingFile | 'own' | null> {
    const client = this.services.chatPlatforms.slack!.client;
    let info: Awaited<ReturnType<typeof client.files.info>>;
    try {
      info = await client.files.info({ file: fileId });
    } catch (err) {
      this.logger.warn({ err, fileId }, 'slack files.info failed');
      return null;
    }
    const file = info.file;
    if (!file) return null;
    // Our own uploads (exports we sent) come back as file_shared events too.
    this.slackBotUserId ??= client.auth.test().then((r) => r.user_id, () => (this.slackBotUserId = undefined));
    if (file.user && file.user === (await this.slackBotUserId)) return 'own';
    const url = file.url_private_download ?? file.url_private;
    return {
      name: file.name ?? fileId,
      mimeType: file.mimetype,
      size: file.size,
      download: async (maxBytes) => {
        if (!url) throw new FileDownloadError('slack file has no private url');
        const res = await fetch(url, { headers: { authorization: `Bearer ${client.token}` }, signal: AbortSignal.timeout(60_000) });
        // Without a valid token Slack answers its sign-in page with a 200, not an error.
        if ((res.headers.get('content-type') ?? '').includes('text/html')) {
          await res.body?.cancel();
          throw new FileDownloadError('slack answered a sign-in page instead of the file');
        }
        return readLimited(res, maxBytes);
      },
    };
  }

  /** The terminal client: the same engine, answered as the reply model itself. */
  async handleTerminal(origin: ChatOrigin, input: { text?: string; button?: string }): Promise<EngineResult> {
    return this.engine.handle(input.button ? { kind: 'button', origin, token: input.button } : { kind: 'text', origin, text: input.text ?? '' });
  }

  /** Sends one notification to one linked chat (the notification job calls this). Throws on a rate limit. */
  async deliver(target: { channel: 'telegram' | 'slack'; externalUserId: string; directChatId?: string; identityId: string }, reply: Reply): Promise<void> {
    if (target.channel === 'telegram') {
      if (!this.telegramSender) throw new Error('telegram is not configured');
      const chatId = target.directChatId ?? target.externalUserId;
      await this.telegramSender.send(renderTelegram(reply, { chatId, userId: target.externalUserId, isGroup: false }));
      return;
    }
    if (!this.slackResponder || !this.services.chatPlatforms.slack) throw new Error('slack is not configured');
    const userId = target.externalUserId.split(':')[1] ?? target.externalUserId;
    let channel = target.directChatId;
    if (!channel) {
      const opened = await this.services.chatPlatforms.slack.client.conversations.open({ users: userId });
      channel = opened.channel!.id!;
      await this.services.chatIdentities.rememberDirectChat(target.identityId, channel);
    }
    const { message, uploads } = renderSlack({ ...reply, visibility: 'public' });
    await this.slackResponder.send(message, uploads, { channelId: channel, userId });
  }

  /**
   * Sends `replies` in order from `progress.sent`, counting each one sent: a retry after a failure part-way resumes
   * at the reply that failed instead of sending the ones before it twice.
   */
  private async sendTelegram(replies: Reply[], origin: ChatOrigin, locale: Locale, originalMessageId: number | undefined, progress: { sent: number }): Promise<void> {
    const bot = await this.services.chatPlatforms.telegram!.botUsername();
    for (const r of replies.slice(progress.sent)) {
      const calls = renderTelegram(r, { chatId: origin.chatId, userId: origin.externalUserId, isGroup: origin.isGroup, originalMessageId, movedNotice: say(locale, MESSAGES.sentPrivately) });
      try {
        await this.withRetry(() => this.telegramSender!.send(calls));
      } catch (err) {
        // Telegram refuses a DM to someone who never opened a private chat with the bot: tell them in the group.
        if (err instanceof TelegramError && err.code === 403 && origin.isGroup) {
          await this.withRetry(() => this.telegramSender!.send(renderTelegram(replyOf.text(say(locale, MESSAGES.startPrivateChat, { bot })), { chatId: origin.chatId, userId: origin.externalUserId, isGroup: true })));
          progress.sent++;
          continue;
        }
        throw err;
      }
      progress.sent++;
    }
  }

  /** As sendTelegram: from `progress.sent`, counting each reply sent. */
  private async sendSlack(replies: Reply[], origin: ChatOrigin, responseUrl?: string, progress = { sent: 0 }): Promise<void> {
    const userId = origin.externalUserId.split(':')[1] ?? origin.externalUserId;
    for (const r of replies.slice(progress.sent)) {
      const { message, uploads } = renderSlack(r);
      await this.withRetry(() => this.slackResponder!.send(message, uploads, { channelId: origin.chatId, userId, responseUrl }));
      progress.sent++;
    }
  }

  /** One inline retry after a short platform rate limit; after a longer one the reply is given up (see afterEffect). */
  private async withRetry<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof TelegramRateLimited || err instanceof SlackRateLimited) || err.retryAfterSeconds > INLINE_RETRY_LIMIT_S) throw err;
      await new Promise((resolve) => setTimeout(resolve, err.retryAfterSeconds * 1000));
      return send();
    }
  }
}
