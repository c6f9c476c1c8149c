/**
 * A fake Telegram Bot API on loopback. It answers the methods the hub's bot uses the way the real API does
 * (same envelope, same validation errors, MarkdownV2 checked, 429 with retry_after), records everything the bot
 * sent, serves files the way getFile + /file/bot<token>/<path> do, and plays the Telegram side of a conversation:
 * it builds updates (commands with entities, button presses, documents) and delivers them to the hub's webhook
 * with the secret-token header.
 *
 * Judged by telegraf's own client: `new Telegram(token, { apiRoot: fake.url })`.
 */
import type { Context } from 'hono';
import { deliverWithRetries, escapeHtml } from '../shared/deliver.js';
import { createSimulatorKit, type SimulatorKit } from '../shared/kit.js';
import { parseMarkdownV2 } from './markdown-v2.js';

export interface FakeTelegramOptions {
  token: string;
  botUsername?: string;
  port?: number;
  /** Where updates go (what setWebhook would set); setWebhook through the API overrides it. */
  webhookUrl?: string;
  secretToken?: string;
  /** Telegram's per-chat flood limit (about one message per second); off unless set. */
  perChatPerSecond?: number;
}

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

export interface SentMessage {
  message_id: number;
  chat_id: string;
  /** MarkdownV2/HTML source as sent. */
  text?: string;
  /** What a phone would display, markup removed. */
  plain?: string;
  caption?: string;
  reply_markup?: { inline_keyboard?: { text: string; callback_data?: string; url?: string }[][] };
  photo?: { file_id: string; bytes: Buffer };
  document?: { file_id: string; file_name: string; mime_type: string; bytes: Buffer };
  edits: number;
}

export interface TgUser {
  id: number;
  first_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  title?: string;
}

interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  bytes: Buffer;
  file_name?: string;
  mime_type?: string;
}

type Fault = { errorCode: number; description: string; retryAfter?: number };

export interface FakeTelegram {
  url: string;
  calls: RecordedCall[];
  messages: SentMessage[];
  commands: Map<string, { command: string; description: string }[]>;
  /** Resolves with the first call of `method` (optionally matching) made after now or already recorded. */
  waitFor(method: string, match?: (c: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** The next `times` calls to `method` fail like the real API would (e.g. 429 with retry_after). */
  failNext(method: string, fault: Partial<Fault> & { errorCode: number }, times?: number): void;
  /** This user never pressed Start in a private chat with the bot: sending to them answers 403, as Telegram does. */
  neverStarted(userId: number): void;
  addFile(bytes: Buffer, meta: { fileName?: string; mimeType?: string; folder?: 'documents' | 'photos' }): StoredFile;
  update: {
    text(from: TgUser, text: string, chat?: TgChat): Record<string, unknown>;
    press(from: TgUser, message: SentMessage, data: string): Record<string, unknown>;
    document(from: TgUser, file: { bytes: Buffer; fileName: string; mimeType: string; caption?: string }, chat?: TgChat): Record<string, unknown>;
  };
  /** POSTs an update to the webhook like Telegram does; returns the HTTP status of the last attempt. */
  deliver(update: Record<string, unknown>, options?: { secretToken?: string; retryDelaysMs?: number[] }): Promise<number | null>;
  answeredQueries: Map<string, { text?: string; show_alert?: boolean }>;
  /** The simulator kit: API faults (`kit.injectFaults`), retried/duplicated delivery, the /_sandbox page. */
  kit: SimulatorKit;
  /** What setWebhook would do, for the registry once the hub listens. */
  setWebhook(url: string, secretToken: string): void;
  reset(): void;
  close(): Promise<void>;
}

/** Methods that write into a chat, refused for a private chat the user never started. */
const SEND_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'sendChatAction']);

const JSON_FIELDS = ['reply_markup', 'entities', 'caption_entities', 'link_preview_options', 'commands', 'scope', 'reply_parameters', 'allowed_updates'];

export async function startFakeTelegram(options: FakeTelegramOptions): Promise<FakeTelegram> {
  const botUsername = options.botUsername ?? 'swhub_sandbox_bot';
  const botId = Number(options.token.split(':')[0]) || 7_000_000_001;
  const calls: RecordedCall[] = [];
  const messages: SentMessage[] = [];
  const files = new Map<string, StoredFile>();
  const commands = new Map<string, { command: string; description: string }[]>();
  const faults = new Map<string, Fault[]>();
  const notStarted = new Set<string>();
  const waiters: { method: string; match?: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];
  const pendingQueries = new Map<string, { from: TgUser }>();
  const answeredQueries = new Map<string, { text?: string; show_alert?: boolean }>();
  const floodWindows = new Map<string, { second: number; count: number }>();
  const queuedUpdates: Record<string, unknown>[] = [];
  /** Long polls waiting for the next update. */
  const pollers = new Set<() => void>();
  let webhook = { url: options.webhookUrl ?? '', secret: options.secretToken ?? '' };
  let nextMessageId = 1;
  let nextFile = 1;
  let nextUpdateId = 500_000_000;
  let nextQuery = 1;
  let nextChatMessageId = 10_000;

  const ok = (c: Context, result: unknown) => c.json({ ok: true, result });
  const bad = (c: Context, errorCode: number, description: string, retryAfter?: number) =>
    c.json({ ok: false, error_code: errorCode, description, ...(retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {}) }, errorCode as 400);

  const addFile: FakeTelegram['addFile'] = (bytes, meta) => {
    const n = nextFile++;
    const ext = meta.fileName?.split('.').pop() ?? 'bin';
    const stored: StoredFile = {
      file_id: `BQACAgUAAxkBAAI${n.toString().padStart(6, '0')}`,
      file_unique_id: `AgAD${n.toString().padStart(4, '0')}`,
      file_path: `${meta.folder ?? 'documents'}/file_${n}.${ext}`,
      bytes,
      file_name: meta.fileName,
      mime_type: meta.mimeType,
    };
    files.set(stored.file_id, stored);
    return stored;
  };

  async function readParams(c: Context): Promise<Record<string, unknown>> {
    const type = c.req.header('content-type') ?? '';
    let params: Record<string, unknown> = {};
    if (c.req.method === 'GET') params = Object.fromEntries(new URL(c.req.url).searchParams);
    else if (type.includes('application/json')) params = ((await c.req.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
    else if (type.includes('multipart/form-data') || type.includes('application/x-www-form-urlencoded')) params = (await c.req.parseBody({ all: true })) as Record<string, unknown>;
    for (const field of JSON_FIELDS) {
      if (typeof params[field] === 'string') {
        try {
          params[field] = JSON.parse(params[field] as string);
        } catch {
          throw new TelegramBadRequest(`Bad Request: can't parse ${field} JSON object`);
        }
      }
    }
    return params;
  }

  function flooded(chatId: string): boolean {
    if (!options.perChatPerSecond) return false;
    const second = Math.floor(Date.now() / 1000);
    const window = floodWindows.get(chatId);
    const current = window && window.second === second ? window : { second, count: 0 };
    current.count++;
    floodWindows.set(chatId, current);
    return current.count > options.perChatPerSecond;
  }

  function checkKeyboard(markup: unknown): string | null {
    const keyboard = (markup as SentMessage['reply_markup'])?.inline_keyboard;
    if (markup === undefined) return null;
    if (!Array.isArray(keyboard)) return 'Bad Request: inline keyboard expected';
    for (const row of keyboard) {
      if (!Array.isArray(row)) return 'Bad Request: inline keyboard expected';
      for (const button of row) {
        if (!button.text) return 'Bad Request: text buttons are unallowed in the inline keyboard';
        if (button.callback_data !== undefined && (Buffer.byteLength(String(button.callback_data)) > 64 || String(button.callback_data).length === 0)) return 'Bad Request: BUTTON_DATA_INVALID';
        if (button.callback_data === undefined && button.url === undefined) return 'Bad Request: BUTTON_TYPE_INVALID';
      }
    }
    return null;
  }

  /** Validates text + parse_mode; returns the plain text or throws the real API's error. */
  function formatted(text: unknown, parseMode: unknown, limit: number, what: 'message' | 'caption'): string {
    const value = text === undefined ? '' : String(text);
    let plain = value;
    if (parseMode === 'MarkdownV2') {
      const parsed = parseMarkdownV2(value);
      if (!parsed.ok) throw new TelegramBadRequest(parsed.description);
      plain = parsed.plain;
    } else if (parseMode !== undefined && parseMode !== 'HTML' && parseMode !== 'Markdown') {
      throw new TelegramBadRequest(`Bad Request: unsupported parse_mode`);
    }
    if (what === 'message' && plain.trim().length === 0) throw new TelegramBadRequest('Bad Request: message text is empty');
    if (plain.length > limit) throw new TelegramBadRequest(what === 'message' ? 'Bad Request: message is too long' : 'Bad Request: message caption is too long');
    return plain;
  }

  async function upload(value: unknown, folder: 'documents' | 'photos', field: string): Promise<StoredFile> {
    if (value instanceof File) {
      return addFile(Buffer.from(await value.arrayBuffer()), { fileName: value.name, mimeType: value.type || 'application/octet-stream', folder });
    }
    if (typeof value === 'string' && files.has(value)) return files.get(value)!;
    throw new TelegramBadRequest(`Bad Request: wrong remote file identifier specified: ${field}`);
  }

  function messageResult(m: SentMessage) {
    const base: Record<string, unknown> = {
      message_id: m.message_id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(m.chat_id), type: Number(m.chat_id) < 0 ? 'supergroup' : 'private' },
      from: { id: botId, is_bot: true, first_name: 'SmartWealth', username: botUsername },
    };
    if (m.plain !== undefined) base.text = m.plain;
    if (m.caption !== undefined) base.caption = m.caption;
    if (m.reply_markup) base.reply_markup = m.reply_markup;
    if (m.photo) base.photo = [{ file_id: m.photo.file_id, file_unique_id: `p${m.message_id}`, width: 320, height: 320, file_size: m.photo.bytes.length }];
    if (m.document) base.document = { file_id: m.document.file_id, file_unique_id: `d${m.message_id}`, file_name: m.document.file_name, mime_type: m.document.mime_type, file_size: m.document.bytes.length };
    return base;
  }

  const methods: Record<string, (p: Record<string, unknown>, c: Context) => Promise<unknown>> = {
    async getMe() {
      return { id: botId, is_bot: true, first_name: 'SmartWealth', username: botUsername, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
    },
    async sendMessage(p) {
      requireChat(p);
      const plain = formatted(p.text, p.parse_mode, 4096, 'message');
      keyboardOrThrow(p.reply_markup);
      const m: SentMessage = { message_id: nextMessageId++, chat_id: String(p.chat_id), text: String(p.text), plain, reply_markup: p.reply_markup as SentMessage['reply_markup'], edits: 0 };
      messages.push(m);
      return messageResult(m);
    },
    async editMessageText(p) {
      const m = findMessage(p);
      const plain = formatted(p.text, p.parse_mode, 4096, 'message');
      keyboardOrThrow(p.reply_markup);
      if (m.text === String(p.text) && JSON.stringify(m.reply_markup ?? null) === JSON.stringify(p.reply_markup ?? null)) {
        throw new TelegramBadRequest('Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
      }
      Object.assign(m, { text: String(p.text), plain, reply_markup: p.reply_markup, edits: m.edits + 1 });
      return messageResult(m);
    },
    async editMessageReplyMarkup(p) {
      const m = findMessage(p);
      keyboardOrThrow(p.reply_markup);
      Object.assign(m, { reply_markup: p.reply_markup, edits: m.edits + 1 });
      return messageResult(m);
    },
    async deleteMessage(p) {
      const m = findMessage(p);
      messages.splice(messages.indexOf(m), 1);
      return true;
    },
    async sendPhoto(p) {
      requireChat(p);
      const caption = p.caption === undefined ? undefined : formatted(p.caption, p.parse_mode, 1024, 'caption');
      keyboardOrThrow(p.reply_markup);
      const file = await upload(p.photo, 'photos', 'photo');
      if (!isImage(file.bytes)) throw new TelegramBadRequest('Bad Request: IMAGE_PROCESS_FAILED');
      const m: SentMessage = { message_id: nextMessageId++, chat_id: String(p.chat_id), caption, reply_markup: p.reply_markup as SentMessage['reply_markup'], photo: { file_id: file.file_id, bytes: file.bytes }, edits: 0 };
      messages.push(m);
      return messageResult(m);
    },
    async sendDocument(p) {
      requireChat(p);
      const caption = p.caption === undefined ? undefined : formatted(p.caption, p.parse_mode, 1024, 'caption');
      keyboardOrThrow(p.reply_markup);
      const file = await upload(p.document, 'documents', 'document');
      if (file.bytes.length === 0) throw new TelegramBadRequest('Bad Request: file must be non-empty');
      const m: SentMessage = {
        message_id: nextMessageId++,
        chat_id: String(p.chat_id),
        caption,
        reply_markup: p.reply_markup as SentMessage['reply_markup'],
        document: { file_id: file.file_id, file_name: file.file_name ?? 'file', mime_type: file.mime_type ?? 'application/octet-stream', bytes: file.bytes },
        edits: 0,
      };
      messages.push(m);
      return messageResult(m);
    },
    async sendChatAction(p) {
      requireChat(p);
      return true;
    },
    async answerCallbackQuery(p) {
      const id = String(p.callback_query_id ?? '');
      if (!pendingQueries.has(id) || answeredQueries.has(id)) throw new TelegramBadRequest('Bad Request: query is too old and response timeout expired or query ID is invalid');
      answeredQueries.set(id, { text: p.text as string | undefined, show_alert: p.show_alert as boolean | undefined });
      return true;
    },
    async setMyCommands(p) {
      const list = p.commands as { command: string; description: string }[];
      if (!Array.isArray(list) || list.length > 100) throw new TelegramBadRequest('Bad Request: commands must be an array of at most 100 BotCommand');
      for (const cmd of list) {
        if (!/^[a-z0-9_]{1,32}$/.test(cmd.command ?? '')) throw new TelegramBadRequest('Bad Request: BOT_COMMAND_INVALID');
        if (!cmd.description || cmd.description.length > 256) throw new TelegramBadRequest('Bad Request: BOT_COMMAND_DESCRIPTION_INVALID');
      }
      commands.set(commandsKey(p), list.map((x) => ({ command: x.command, description: x.description })));
      return true;
    },
    async getMyCommands(p) {
      return commands.get(commandsKey(p)) ?? [];
    },
    async deleteMyCommands(p) {
      commands.delete(commandsKey(p));
      return true;
    },
    async getFile(p) {
      const file = files.get(String(p.file_id ?? ''));
      if (!file) throw new TelegramBadRequest('Bad Request: invalid file_id');
      if (file.bytes.length > 20 * 1024 * 1024) throw new TelegramBadRequest('Bad Request: file is too big');
      return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.bytes.length, file_path: file.file_path };
    },
    async setWebhook(p) {
      const secret = p.secret_token === undefined ? '' : String(p.secret_token);
      if (secret && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw new TelegramBadRequest('Bad Request: secret token contains unallowed characters');
      if (p.url && !/^https?:\/\//.test(String(p.url))) throw new TelegramBadRequest('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
      webhook = { url: String(p.url ?? ''), secret };
      for (const wake of [...pollers]) wake();
      return true;
    },
    async deleteWebhook() {
      webhook = { url: '', secret: '' };
      return true;
    },
    async getWebhookInfo() {
      return { url: webhook.url, has_custom_certificate: false, pending_update_count: queuedUpdates.length };
    },
    async getUpdates(p) {
      if (webhook.url) throw new TelegramBadRequest("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 409);
      const offset = Number(p.offset ?? 0);
      while (queuedUpdates.length && Number(queuedUpdates[0].update_id) < offset) queuedUpdates.shift();
      // Long polling: with a timeout, wait (up to it) for an update instead of answering an empty list at once.
      const timeoutS = Math.min(Number(p.timeout ?? 0), 50);
      if (!queuedUpdates.length && timeoutS > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, timeoutS * 1000);
          function done() {
            clearTimeout(timer);
            pollers.delete(done);
            resolve();
          }
          pollers.add(done);
        });
        // A webhook set meanwhile ends the long poll with the same conflict Telegram gives.
        if (webhook.url) throw new TelegramBadRequest("Conflict: terminated by setWebhook request", 409);
      }
      return queuedUpdates.slice(0, Number(p.limit ?? 100));
    },
  };

  function requireChat(p: Record<string, unknown>) {
    if (p.chat_id === undefined || p.chat_id === '') throw new TelegramBadRequest('Bad Request: chat_id is empty');
    if (flooded(String(p.chat_id))) throw new TelegramBadRequest('Too Many Requests: retry after 1', 429, 1);
  }
  function keyboardOrThrow(markup: unknown) {
    const problem = checkKeyboard(markup);
    if (problem) throw new TelegramBadRequest(problem);
  }
  function findMessage(p: Record<string, unknown>): SentMessage {
    const m = messages.find((x) => x.chat_id === String(p.chat_id) && x.message_id === Number(p.message_id));
    if (!m) throw new TelegramBadRequest('Bad Request: message to edit not found');
    return m;
  }

  const kit = createSimulatorKit({
    name: 'Telegram Bot API',
    errorBody: (status) => ({ ok: false, error_code: status, description: status === 500 ? 'Internal Server Error' : 'Service Unavailable' }),
  });
  const app = kit.api;
  app.get('/file/:bot/*', (c) => {
    if (c.req.param('bot') !== `bot${options.token}`) return c.text('Unauthorized', 401);
    const path = c.req.path.slice(`/file/bot${options.token}/`.length);
    const file = [...files.values()].find((f) => f.file_path === decodeURIComponent(path));
    if (!file) return c.json({ ok: false, error_code: 404, description: 'Not Found' }, 404);
    return c.body(new Uint8Array(file.bytes), 200, { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes.length) });
  });
  app.on(['GET', 'POST'], '/:bot/:method', async (c) => {
    if (c.req.param('bot') !== `bot${options.token}`) return bad(c, 401, 'Unauthorized');
    const method = c.req.param('method');
    const handler = methods[method];
    if (!handler) return bad(c, 404, 'Not Found');
    let params: Record<string, unknown> = {};
    try {
      params = await readParams(c);
      const call = { method, params, at: Date.now() };
      calls.push(call);
      for (const w of [...waiters]) {
        if (w.method === method && (!w.match || w.match(call))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(call);
        }
      }
      if (SEND_METHODS.has(method) && notStarted.has(String(params.chat_id))) return bad(c, 403, "Forbidden: bot can't initiate conversation with a user");
      const queue = faults.get(method);
      const fault = queue?.shift();
      if (fault) return bad(c, fault.errorCode, fault.description, fault.retryAfter);
      return ok(c, await handler(params, c));
    } catch (err) {
      if (err instanceof TelegramBadRequest) return bad(c, err.errorCode, err.message, err.retryAfter);
      throw err;
    }
  });

  controls(kit, () => fake, webhookOf);
  const server = await kit.listen({ port: options.port });
  function webhookOf() {
    return webhook;
  }

  const privateChat = (from: TgUser): TgChat => ({ id: from.id, type: 'private' });
  const userObject = (from: TgUser) => ({ is_bot: false, first_name: from.first_name ?? 'Test', ...from });

  const fake: FakeTelegram = {
    url: server.url,
    calls,
    messages,
    commands,
    answeredQueries,
    kit,
    waitFor(method, match, timeoutMs = 5000) {
      const seen = calls.find((c) => c.method === method && (!match || match(c)));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${method} call within ${timeoutMs} ms; seen: ${calls.map((c) => c.method).join(', ') || 'none'}`)), timeoutMs);
        waiters.push({ method, match, resolve: (c) => (clearTimeout(timer), resolve(c)) });
      });
    },
    failNext(method, fault, times = 1) {
      const description = fault.description ?? (fault.errorCode === 429 ? `Too Many Requests: retry after ${fault.retryAfter ?? 1}` : 'Internal Server Error');
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push({ errorCode: fault.errorCode, description, retryAfter: fault.errorCode === 429 ? (fault.retryAfter ?? 1) : fault.retryAfter });
      faults.set(method, queue);
    },
    neverStarted(userId) {
      notStarted.add(String(userId));
    },
    addFile,
    update: {
      text(from, text, chat = privateChat(from)) {
        const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
        return {
          update_id: nextUpdateId++,
          message: {
            message_id: nextChatMessageId++,
            from: userObject(from),
            chat: { ...chat, ...(chat.type === 'private' ? { first_name: from.first_name ?? 'Test' } : {}) },
            date: Math.floor(Date.now() / 1000),
            text,
            ...(command ? { entities: [{ offset: 0, length: command[0].length, type: 'bot_command' }] } : {}),
          },
        };
      },
      press(from, message, data) {
        const id = `${botId}${(nextQuery++).toString().padStart(6, '0')}`;
        pendingQueries.set(id, { from });
        return {
          update_id: nextUpdateId++,
          callback_query: { id, from: userObject(from), message: messageResult(message), chat_instance: `-${botId}${message.chat_id}`, data },
        };
      },
      document(from, file, chat = privateChat(from)) {
        const stored = addFile(file.bytes, { fileName: file.fileName, mimeType: file.mimeType });
        return {
          update_id: nextUpdateId++,
          message: {
            message_id: nextChatMessageId++,
            from: userObject(from),
            chat,
            date: Math.floor(Date.now() / 1000),
            document: { file_id: stored.file_id, file_unique_id: stored.file_unique_id, file_name: file.fileName, mime_type: file.mimeType, file_size: file.bytes.length },
            ...(file.caption ? { caption: file.caption } : {}),
          },
        };
      },
    },
    async deliver(update, deliverOptions = {}) {
      if (!webhook.url) {
        queuedUpdates.push(update);
        for (const wake of [...pollers]) wake();
        return null;
      }
      const secret = deliverOptions.secretToken ?? webhook.secret;
      let last: number | null = null;
      await deliverWithRetries({
        url: webhook.url,
        body: JSON.stringify(update),
        headers: secret ? { 'x-telegram-bot-api-secret-token': secret } : {},
        retryDelaysMs: deliverOptions.retryDelaysMs ?? [],
        record: (r) => (last = r.httpStatus),
        isStopped: () => false,
      });
      return last;
    },
    setWebhook(url, secretToken) {
      webhook = { url, secret: secretToken };
      for (const wake of [...pollers]) wake();
    },
    reset() {
      calls.length = 0;
      messages.length = 0;
      answeredQueries.clear();
      faults.clear();
      notStarted.clear();
    },
    close: async () => {
      for (const wake of [...pollers]) wake();
      await server.stop();
    },
  };
  return fake;
}

class TelegramBadRequest extends Error {
  constructor(
    description: string,
    readonly errorCode = 400,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

function commandsKey(p: Record<string, unknown>): string {
  const scope = (p.scope as { type?: string } | undefined)?.type ?? 'default';
  return `${scope}:${(p.language_code as string | undefined) ?? ''}`;
}

function isImage(bytes: Buffer): boolean {
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  return png || jpeg;
}

/**
 * /_sandbox: a person can chat with the bot from a browser (npm start, no Telegram account): type as a test user,
 * see what the bot sent, press its buttons. Updates go out through the kit (retried; duplicate/out-of-order modes).
 */
function controls(kit: SimulatorKit, fake: () => FakeTelegram, webhook: () => { url: string; secret: string }) {
  const send = async (update: Record<string, unknown>) => {
    const hook = webhook();
    if (!hook.url) return fake().deliver(update);
    await kit.deliver({ url: hook.url, body: JSON.stringify(update), headers: hook.secret ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}, label: `update ${String(update.update_id)}` });
    return null;
  };
  kit.control.post('/message', async (c) => {
    const body = await formOrJson(c);
    const user: TgUser = { id: Number(body.userId ?? 424242), first_name: String(body.firstName ?? 'Sandbox'), language_code: String(body.language ?? 'id') };
    if (!body.text) return c.json({ error: 'text is required' }, 400);
    const update = fake().update.text(user, String(body.text));
    await send(update);
    return wantsHtml(c) ? c.redirect('/_sandbox') : c.json({ update_id: update.update_id });
  });
  kit.control.post('/press', async (c) => {
    const body = await formOrJson(c);
    const message = fake().messages.find((m) => m.message_id === Number(body.messageId));
    if (!message) return c.json({ error: 'no such message' }, 404);
    const update = fake().update.press({ id: Number(body.userId ?? message.chat_id), first_name: 'Sandbox' }, message, String(body.data));
    await send(update);
    return wantsHtml(c) ? c.redirect('/_sandbox') : c.json({ update_id: update.update_id });
  });
  kit.control.get('/messages', (c) => c.json(fake().messages.map(({ photo, document, ...m }) => ({ ...m, photo: photo ? { file_id: photo.file_id } : undefined, document: document ? { file_name: document.file_name } : undefined }))));
  kit.page(() => {
    const rows = fake()
      .messages.slice(-30)
      .map((m) => {
        const buttons = (m.reply_markup?.inline_keyboard ?? [])
          .flat()
          .filter((b) => b.callback_data)
          .map((b) => `<form method="post" action="/_sandbox/press" style="display:inline"><input type="hidden" name="messageId" value="${m.message_id}"><input type="hidden" name="userId" value="${escapeHtml(m.chat_id)}"><input type="hidden" name="data" value="${escapeHtml(b.callback_data!)}"><button>${escapeHtml(b.text)}</button></form>`)
          .join(' ');
        const what = m.photo ? '[photo]' : m.document ? `[file ${escapeHtml(m.document.file_name)}]` : '';
        return `<tr><td>${escapeHtml(m.chat_id)}</td><td><pre style="white-space:pre-wrap;margin:0">${escapeHtml(m.plain ?? m.caption ?? '')} ${what}</pre>${buttons}</td></tr>`;
      })
      .join('');
    return (
      `<p>Webhook: ${escapeHtml(webhook().url || '(none: updates wait for getUpdates)')}</p>` +
      '<form method="post" action="/_sandbox/message"><label>user id <input name="userId" value="424242" size="8"></label> ' +
      '<input name="text" placeholder="/help" size="40" autofocus> <button>Send as user</button></form>' +
      `<h2>What the bot sent</h2><table><tr><th>chat</th><th>message</th></tr>${rows}</table>`
    );
  });
}

async function formOrJson(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) return ((await c.req.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
  return (await c.req.parseBody()) as Record<string, unknown>;
}

function wantsHtml(c: Context): boolean {
  return !(c.req.header('content-type') ?? '').includes('application/json');
}
