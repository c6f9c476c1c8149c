/**
 * The command core: one entry for every platform. It finds who is talking, applies the rate limit, parses the
 * command and its arguments, runs it against the same services the REST API uses, and turns any failure into a
 * friendly reply that says what to type instead. It never throws to the adapter and never answers with silence.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError, describeIssues as fieldIssuesLine } from '../../src/lib/errors.js';
import { bindParams, localizeReason, tokenize } from './args.js';
import type { ActionContext, ButtonSpec, ChatCommand, ChatOrigin, CommandContext, FileContext, IncomingFile, LinkedUser, LiveMessage, Presenter } from './command.js';
import { FileDownloadError, FileTooLargeError } from './files.js';
import { buttonToken, newGroupId, parseButtonToken, type ConfirmationStore } from './confirmations.js';
import { DEFAULT_LOCALE, parseLanguage, pick, say, type Locale, type Localized } from './locale.js';
import { MESSAGES } from './messages.js';
import type { ChatRateLimiter } from './rate-limit.js';
import type { CommandRegistry } from './registry.js';
import { reply, type Reply, type ReplyBlock } from './reply.js';

export type Incoming = (
  | { kind: 'text'; origin: ChatOrigin; text: string }
  | { kind: 'button'; origin: ChatOrigin; token: string }
  | { kind: 'file'; origin: ChatOrigin; file: IncomingFile }
) & {
  /** How the adapter edits one message in place (ctx.live); without it the last state is answered at the end. */
  presenter?: Presenter;
};

export interface EngineResult {
  replies: Reply[];
  locale: Locale;
  /** Short text for the platform's button acknowledgement (Telegram answerCallbackQuery). */
  toast?: string;
  /** The command that ran, for metrics and logs. */
  command?: string;
}

/** Finds the hub user a chat identity is linked to; the chat module implements it over chatIdentities. */
export interface IdentityResolver {
  resolve(origin: ChatOrigin): Promise<LinkedUser | null>;
}

export interface EngineLogger {
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface EngineOptions<Services> {
  registry: CommandRegistry<Services>;
  identities: IdentityResolver;
  confirmations: ConfirmationStore;
  rateLimiter: ChatRateLimiter;
  services: Services;
  logger?: EngineLogger;
  /** Commands per chat user per minute. */
  commandsPerMinute?: number;
  buttonTtlMs?: number;
  now?: () => Date;
}

export class CommandEngine<Services = any> {
  private readonly perMinute: number;
  private readonly buttonTtlMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: EngineOptions<Services>) {
    this.perMinute = options.commandsPerMinute ?? 30;
    this.buttonTtlMs = options.buttonTtlMs ?? 15 * 60_000;
    this.now = options.now ?? (() => new Date());
  }

  async handle(incoming: Incoming): Promise<EngineResult> {
    let locale = localeFromHint(incoming.origin.languageHint);
    let commandName: string | undefined;
    try {
      const user = await this.options.identities.resolve(incoming.origin);
      if (user) locale = user.locale;

      const limit = await this.options.rateLimiter.consume(`chat:${incoming.origin.channel}:${incoming.origin.externalUserId}`, this.perMinute, this.now().getTime());
      if (!limit.allowed) {
        const text = say(locale, MESSAGES.rateLimited, { seconds: limit.resetSeconds });
        // Only the first refused message of a window is answered: answering each one would make the bot flood the
        // chat back, and spend the platform's per-chat budget that the real answers and notifications need.
        if (limit.count !== undefined && limit.count > this.perMinute + 1) return { replies: [], locale, toast: text };
        return { replies: [reply.text(text)], locale, toast: text };
      }

      if (incoming.kind === 'button') return await this.press(incoming.origin, incoming.token, user, locale, incoming.presenter);
      if (incoming.kind === 'file') return await this.receiveFile(incoming.origin, incoming.file, user, locale, incoming.presenter);

      const parsed = parseCommandText(incoming.text);
      if (!parsed) return { replies: [reply.text(say(locale, MESSAGES.notACommand))], locale };
      const command = this.options.registry.find(parsed.name);
      commandName = command?.name;
      if (!command) return { replies: [reply.text(say(locale, MESSAGES.unknownCommand, { command: parsed.name }))], locale };
      if (command.access !== 'public' && !user) return { replies: [reply.text(say(locale, MESSAGES.notLinked))], locale, command: command.name };

      const { values, extra } = bindParams(tokenize(parsed.rest), command.params);
      if (extra.length) {
        return { replies: [this.usageError(command, locale, [say(locale, MESSAGES.tooManyArguments) + `: ${extra.join(' ')}`])], locale, command: command.name };
      }
      const args = command.args.safeParse(values);
      if (!args.success) return { replies: [this.usageError(command, locale, describeIssues(args.error, command, locale))], locale, command: command.name };

      const live = new LiveFallback(incoming.presenter);
      const ctx = this.context(command, incoming.origin, user, locale, live) as CommandContext<unknown, Services>;
      const out = await command.run({ ...ctx, args: args.data, text: parsed.rest });
      return { replies: [...toList(out), ...live.pending()], locale, command: command.name };
    } catch (err) {
      return { replies: [this.friendlyError(err, locale, commandName)], locale, command: commandName, toast: undefined };
    }
  }

  /** The usage line of a command in the user's language: `/pay <jumlah> <metode> [keterangan]`. */
  usage(command: ChatCommand, locale: Locale): string {
    const params = (command.params ?? []).map((p) => {
      const label = pick(p.label, locale.language) + (p.rest ? '…' : '');
      return p.optional ? `[${label}]` : `<${label}>`;
    });
    return ['/' + command.name, ...params].join(' ');
  }

  /**
   * A file sent in the chat: offered to the first command that takes it. Linked users only (a file is always
   * private data); too large is refused before any download; a failed download says so instead of a stack trace.
   */
  private async receiveFile(origin: ChatOrigin, file: IncomingFile, user: LinkedUser | null, locale: Locale, presenter?: Presenter): Promise<EngineResult> {
    if (!user) return { replies: [reply.text(say(locale, MESSAGES.notLinked))], locale };
    const command = this.options.registry.list().find((c) => c.file?.accepts({ name: file.name, mimeType: file.mimeType }));
    if (!command?.file) return { replies: [reply.text(say(locale, MESSAGES.fileNotSupported, { name: file.name }))], locale };
    const handler = command.file;
    const tooLarge = () => ({ replies: [reply.text(say(locale, MESSAGES.fileTooLarge, { name: file.name, max: Math.floor(handler.maxBytes / (1024 * 1024)) }))], locale, command: command.name });
    if (file.size !== undefined && file.size > handler.maxBytes) return tooLarge();
    const live = new LiveFallback(presenter);
    const base = this.context(command, origin, user, locale, live);
    const limited: IncomingFile = {
      ...file,
      download: async (maxBytes) => {
        try {
          return await file.download(Math.min(maxBytes, handler.maxBytes));
        } catch (err) {
          if (err instanceof FileTooLargeError) throw err;
          throw new FileDownloadError(err instanceof Error ? err.message : String(err));
        }
      },
    };
    const ctx: FileContext<Services> = { ...base, file: limited };
    try {
      return { replies: [...toList(await handler.run(ctx)), ...live.pending()], locale, command: command.name };
    } catch (err) {
      if (err instanceof FileTooLargeError) return tooLarge();
      if (err instanceof FileDownloadError) {
        this.options.logger?.error({ err, command: command.name }, 'chat file download failed');
        return { replies: [reply.text(say(locale, MESSAGES.fileDownloadFailed, { name: file.name }))], locale, command: command.name };
      }
      throw err;
    }
  }

  private async press(origin: ChatOrigin, token: string, user: LinkedUser | null, locale: Locale, presenter?: Presenter): Promise<EngineResult> {
    const parsed = parseButtonToken(token);
    const expired = say(locale, MESSAGES.buttonExpired);
    if (!parsed) return { replies: [reply.text(expired)], locale, toast: expired };
    const result = await this.options.confirmations.consume(parsed.groupId, parsed.index, ownerKey(origin), this.now());
    if (result.status !== 'ok') {
      const text = say(locale, result.status === 'used' ? MESSAGES.buttonUsed : result.status === 'not_owner' ? MESSAGES.buttonNotYours : MESSAGES.buttonExpired);
      // A second press answers only with the toast: the first press already replaced the message.
      return { replies: result.status === 'used' ? [] : [reply.text(text)], locale, toast: text };
    }
    const command = this.options.registry.find(result.option.command);
    const action = command?.actions?.[result.option.action];
    if (!command || !action) return { replies: [reply.text(expired)], locale, toast: expired };
    if (command.access !== 'public' && !user) return { replies: [reply.text(say(locale, MESSAGES.notLinked))], locale };
    const live = new LiveFallback(presenter);
    const base = this.context(command, origin, user, locale, live);
    const ctx: ActionContext<Services> = { ...base, payload: result.option.payload, confirmationId: result.groupId };
    try {
      return { replies: [...toList(await action(ctx)), ...live.pending()], locale, command: command.name, toast: '✓' };
    } catch (err) {
      return { replies: [this.friendlyError(err, locale, command.name)], locale, command: command.name, toast: '!' };
    }
  }

  private context(command: ChatCommand<any, Services>, origin: ChatOrigin, user: LinkedUser | null, locale: Locale, live: LiveFallback): Omit<CommandContext<unknown, Services>, 'args' | 'text'> {
    return {
      live: (first: Reply) => live.live(first),
      origin,
      user,
      locale,
      services: this.options.services,
      say: (text: Localized, params?: Record<string, string | number>) => say(locale, text, params),
      buttons: (specs: ButtonSpec[], ttlMs?: number) => this.issueButtons(command.name, origin, locale, specs, ttlMs),
      commands: () => this.options.registry.visible().filter((c) => user || c.access === 'public'),
      usageOf: (c: ChatCommand) => this.usage(c, locale),
    };
  }

  private async issueButtons(command: string, origin: ChatOrigin, locale: Locale, specs: ButtonSpec[], ttlMs?: number): Promise<ReplyBlock> {
    const groupId = newGroupId();
    await this.options.confirmations.save({
      groupId,
      ownerKey: ownerKey(origin),
      options: specs.map((s) => ({ command, action: s.action, payload: s.payload ?? {} })),
      expiresAt: new Date(this.now().getTime() + (ttlMs ?? this.buttonTtlMs)),
    });
    return { type: 'buttons', buttons: specs.map((s, i) => ({ label: pick(s.label, locale.language), token: buttonToken(groupId, i), style: s.style })) };
  }

  private usageError(command: ChatCommand, locale: Locale, problems: string[]): Reply {
    const lines = [...problems, say(locale, MESSAGES.usage, { usage: this.usage(command, locale) })];
    if (command.example) lines.push(say(locale, MESSAGES.example, { example: command.example }));
    return reply.text(lines.join('\n'));
  }

  /** Maps every failure to words a user can act on; unexpected ones get a reference id and go to the log. */
  friendlyError(err: unknown, locale: Locale, command?: string): Reply {
    if (err instanceof AppError) {
      switch (err.code) {
        case 'NOT_FOUND': {
          const what = err.message.replace(/ not found$/, '');
          const named = locale.language === 'id' ? (NOUNS_ID[what] ?? what) : what;
          return reply.text(`${capitalize(named)} ${locale.language === 'id' ? 'tidak ditemukan. Periksa ID-nya' : 'not found. Check the ID'}${command ? ` (/help ${command})` : ''}.`);
        }
        case 'VALIDATION_FAILED':
        case 'BAD_REQUEST':
        case 'UNPROCESSABLE': {
          const issues = err.details?.issues ? fieldIssuesLine(err.details.issues) : err.message;
          const hint = command ? `\n${say(locale, MESSAGES.usage, { usage: this.usage(this.options.registry.find(command)!, locale) })}` : '';
          return reply.text(say(locale, MESSAGES.invalid, { reason: issues }) + hint);
        }
        case 'CONFLICT':
        case 'IDEMPOTENCY_CONFLICT':
        case 'PROVIDER_REJECTED':
          return reply.text(say(locale, MESSAGES.conflict, { reason: err.message }));
        case 'RATE_LIMITED':
          return reply.text(say(locale, MESSAGES.rateLimited, { seconds: err.retryAfterSeconds ?? 60 }));
        case 'PROVIDER_UNAVAILABLE':
        case 'SERVICE_UNAVAILABLE':
          return reply.text(say(locale, MESSAGES.providerDown));
        default:
          break;
      }
    }
    const ref = randomBytes(4).toString('hex');
    this.options.logger?.error({ err, ref, command }, 'chat command failed');
    return reply.text(say(locale, MESSAGES.internal, { ref }));
  }
}

export function ownerKey(origin: ChatOrigin): string {
  return `${origin.channel}:${origin.externalUserId}`;
}

/** `/pay 150rb qris` → {name: 'pay', rest: '150rb qris'}; `/pay@bot …` keeps only the command word. */
export function parseCommandText(text: string): { name: string; rest: string } | null {
  const m = /^\s*\/([A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(text);
  if (!m) return null;
  return { name: m[1].toLowerCase(), rest: (m[2] ?? '').trim() };
}

function localeFromHint(hint?: string): Locale {
  const language = hint ? parseLanguage(hint.slice(0, 2)) : null;
  return { ...DEFAULT_LOCALE, language: language ?? DEFAULT_LOCALE.language };
}

function describeIssues(error: z.ZodError, command: ChatCommand, locale: Locale): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    const param = command.params?.find((p) => p.name === name);
    const field = param ? pick(param.label, locale.language) : name;
    const reason = issue.code === 'invalid_type' && issue.input === undefined ? localizeReason('required', locale.language) : localizeReason(issue.message, locale.language);
    return `${field}: ${reason}`;
  });
}

/** Services name what they did not find in English ("payment not found"); the common ones read better translated. */
const NOUNS_ID: Record<string, string> = {
  payment: 'pembayaran',
  'recurring payment': 'pembayaran rutin',
  'chat account': 'akun chat',
  account: 'rekening',
  'bank account': 'rekening bank',
  batch: 'batch',
};

/** ctx.live over the adapter's presenter, or, without one, the last state answered when the command returns. */
class LiveFallback {
  private last?: Reply;

  constructor(private readonly presenter?: Presenter) {}

  async live(first: Reply): Promise<LiveMessage> {
    if (this.presenter) return this.presenter.live(first);
    this.last = first;
    return { update: async (r) => void (this.last = r) };
  }

  pending(): Reply[] {
    return this.last ? [this.last] : [];
  }
}

function toList(out: Reply | Reply[]): Reply[] {
  return Array.isArray(out) ? out : [out];
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
