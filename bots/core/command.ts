/**
 * What a chat command is. Capability modules contribute these (one file per command); the registry collects them
 * and the engine runs them for Telegram, Slack and the terminal alike.
 */
import type { z } from 'zod';
import type { Locale, Localized } from './locale.js';
import type { Reply, ReplyBlock } from './reply.js';

export type Channel = 'telegram' | 'slack' | 'terminal';

/** Who sent the message and where: enough to find the linked hub user and to answer privately. */
export interface ChatOrigin {
  channel: Channel;
  /** The platform's user id (Telegram user id, Slack `T…:U…`, terminal: the API key's user). */
  externalUserId: string;
  /** Where the message came from (Telegram chat id, Slack channel id). */
  chatId: string;
  isGroup: boolean;
  displayName?: string;
  /** The platform's language hint (Telegram `language_code`) for users who have no settings yet. */
  languageHint?: string;
}

export interface LinkedUser {
  userId: string;
  locale: Locale;
  /** The hub role, for services that take an actor (chat never grants more than the user has). */
  role?: 'user' | 'admin';
}

/** One positional parameter; `rest` takes every remaining word (descriptions). */
export interface CommandParam {
  name: string;
  label: Localized;
  optional?: boolean;
  rest?: boolean;
}

export interface ButtonSpec {
  label: Localized;
  /** The name of one of the command's `actions`. */
  action: string;
  payload?: Record<string, unknown>;
  style?: 'primary' | 'danger';
}

export interface CommandContext<Args, Services> {
  args: Args;
  /** Everything after the command word, unparsed. */
  text: string;
  origin: ChatOrigin;
  /** Null only for `access: 'public'` commands run by an unlinked user. */
  user: LinkedUser | null;
  locale: Locale;
  services: Services;
  say(text: Localized, params?: Record<string, string | number>): string;
  /** Buttons whose presses come back to this command's `actions`, single-use and owned by this chat user. */
  buttons(specs: ButtonSpec[], ttlMs?: number): Promise<ReplyBlock>;
  /** The commands this user can see (for /help and menus). */
  commands(): readonly ChatCommand<unknown, Services>[];
  /** A command's usage line in the user's language (`/pay <jumlah> <metode> [keterangan…]`). */
  usageOf(command: ChatCommand<any, any>): string;
  /**
   * Shows `first` now and returns a handle that edits that one message in place (progress of a long job). In an
   * action, a `first` with `replaceOriginal` replaces the message whose button was pressed. Where the platform
   * cannot edit (the terminal), updates are dropped and the last one is answered when the command returns.
   */
  live(first: Reply): Promise<LiveMessage>;
}

/**
 * One message kept up to date; `update` never throws (a failed edit is logged, the next one tries again). Mark
 * the last state `final`: where edits are rationed (Slack's response_url takes 5 posts) interim states may be
 * skipped, the final one never.
 */
export interface LiveMessage {
  update(reply: Reply, options?: { final?: boolean }): Promise<void>;
}

/** What an adapter offers for live messages; without one the engine falls back to answering the last state. */
export interface Presenter {
  live(first: Reply): Promise<LiveMessage>;
}

/** A file the user sent in the chat, not downloaded yet. */
export interface IncomingFile {
  name: string;
  mimeType?: string;
  /** Bytes as the platform announced them, when known before downloading. */
  size?: number;
  caption?: string;
  /** Downloads the file; more than `maxBytes` throws FileTooLargeError (bots/core/files.ts) without reading on. */
  download(maxBytes: number): Promise<Buffer>;
}

/**
 * A command that also takes files (a statement sent in the chat). The engine offers a file to the first command
 * whose `accepts` says yes, refuses anything over `maxBytes` with a friendly message before downloading, and runs
 * `run` with the same context a command gets (buttons come back to the command's `actions`).
 */
export interface FileHandler<Services = any> {
  maxBytes: number;
  accepts(file: Pick<IncomingFile, 'name' | 'mimeType'>): boolean;
  run(ctx: FileContext<Services>): Promise<Reply | Reply[]>;
}

export interface FileContext<Services> extends Omit<CommandContext<Record<string, unknown>, Services>, 'args' | 'text'> {
  file: IncomingFile;
}

/** What a notification renderer gets: the recipient's hub user and language/zone, and the services. */
export interface NotificationContext<Services> {
  userId: string;
  locale: Locale;
  channel: Exclude<Channel, 'terminal'>;
  services: Services;
  notification: { id: string; kind: string; title: string; body: string; data?: Record<string, unknown>; createdAt: Date };
}

export interface ActionContext<Services> extends Omit<CommandContext<Record<string, unknown>, Services>, 'args' | 'text'> {
  payload: Record<string, unknown>;
  /** Stable per button press group: use as an idempotency key so a retried press cannot double-charge. */
  confirmationId: string;
}

export interface ChatCommand<Args = any, Services = any> {
  /** Lowercase, 1–32 of a–z 0–9 _ (Telegram's rule for menu commands). */
  name: string;
  aliases?: string[];
  description: Localized;
  params?: CommandParam[];
  /** Validates the named params (a z.object keyed by param name); its output is `ctx.args`. */
  args: z.ZodType<Args>;
  example?: string;
  /** `public` commands answer unlinked users too (/start, /help, /link); everything else needs a linked user. */
  access?: 'public' | 'linked';
  /** Hidden from /help and menus (still runnable). */
  hidden?: boolean;
  run(ctx: CommandContext<Args, Services>): Promise<Reply | Reply[]>;
  actions?: Record<string, (ctx: ActionContext<Services>) => Promise<Reply | Reply[]>>;
  /** Files this command handles when sent in the chat (see FileHandler). */
  file?: FileHandler<Services>;
  /**
   * How notification-outbox entries of the given kinds read in chat (e.g. `export.ready` sent as the file). The
   * notification job asks the registry for a renderer before falling back to the outbox's own title and body.
   */
  notifications?: Record<string, (ctx: NotificationContext<Services>) => Promise<Reply>>;
}

export function defineCommand<Args, Services = any>(command: ChatCommand<Args, Services>): ChatCommand<Args, Services> {
  return command;
}
