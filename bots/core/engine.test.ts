import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../src/lib/errors.js';
import { amountArg, choiceArg, tokenize } from './args.js';
import { defineCommand, type ChatOrigin, type LinkedUser } from './command.js';
import { MemoryConfirmationStore } from './confirmations.js';
import { CommandEngine, parseCommandText, type Incoming } from './engine.js';
import { formatDateTime } from './locale.js';
import { MemoryRateLimiter } from './rate-limit.js';
import { CommandRegistry } from './registry.js';
import { reply, replyToPlainText, type Reply } from './reply.js';

interface Services {
  charges: { amountMinor: number; method: string; key: string }[];
}

const chargeCommand = defineCommand<{ amount: number; method: string; note?: string }, Services>({
  name: 'charge',
  aliases: ['bayar'],
  description: { id: 'Bayar', en: 'Pay' },
  params: [
    { name: 'amount', label: { id: 'jumlah', en: 'amount' } },
    { name: 'method', label: { id: 'metode', en: 'method' } },
    { name: 'note', label: { id: 'keterangan', en: 'description' }, optional: true, rest: true },
  ],
  args: z.object({ amount: amountArg(), method: choiceArg(['qris', 'gopay'] as const), note: z.string().optional() }),
  example: '/charge 150rb qris makan siang',
  async run(ctx) {
    const buttons = await ctx.buttons([
      { label: { id: 'Konfirmasi', en: 'Confirm' }, action: 'confirm', payload: { amountMinor: ctx.args.amount, method: ctx.args.method }, style: 'primary' },
      { label: { id: 'Batal', en: 'Cancel' }, action: 'cancel' },
    ]);
    return reply.of([{ type: 'text', text: `${ctx.args.amount} ${ctx.args.method} ${ctx.args.note ?? ''}`.trim() }, buttons]);
  },
  actions: {
    async confirm(ctx) {
      ctx.services.charges.push({ amountMinor: ctx.payload.amountMinor as number, method: ctx.payload.method as string, key: ctx.confirmationId });
      return reply.of([{ type: 'text', text: ctx.say({ id: 'Dibayar', en: 'Paid' }) }], 'private', { replaceOriginal: true });
    },
    async cancel(ctx) {
      return reply.of([{ type: 'text', text: ctx.say({ id: 'Dibatalkan', en: 'Cancelled' }) }], 'private', { replaceOriginal: true });
    },
  },
});

const failing = defineCommand<Record<string, never>, Services>({
  name: 'boom',
  description: { id: 'x', en: 'x' },
  args: z.object({}),
  async run() {
    throw new Error('secret stack detail at /srv/app.js:12');
  },
});

const missing = defineCommand<Record<string, never>, Services>({
  name: 'lookup',
  description: { id: 'x', en: 'x' },
  args: z.object({}),
  async run() {
    throw new AppError('PROVIDER_UNAVAILABLE', 'midtrans timed out');
  },
});

const open = defineCommand<Record<string, never>, Services>({
  name: 'start',
  access: 'public',
  description: { id: 'Mulai', en: 'Start' },
  args: z.object({}),
  async run(ctx) {
    return reply.text(ctx.commands().map((c) => c.name).join(','));
  },
});

function setup(options: { linked?: Record<string, LinkedUser>; perMinute?: number } = {}) {
  const services: Services = { charges: [] };
  const errors: unknown[] = [];
  const engine = new CommandEngine<Services>({
    registry: new CommandRegistry<Services>().add(chargeCommand, failing, missing, open),
    identities: { resolve: async (o) => options.linked?.[o.externalUserId] ?? null },
    confirmations: new MemoryConfirmationStore(),
    rateLimiter: new MemoryRateLimiter(),
    services,
    commandsPerMinute: options.perMinute,
    logger: { error: (obj) => errors.push(obj) },
  });
  return { engine, services, errors };
}

const alice: ChatOrigin = { channel: 'telegram', externalUserId: '111', chatId: '111', isGroup: false };
const bob: ChatOrigin = { channel: 'telegram', externalUserId: '222', chatId: '-100', isGroup: true };
const linked = {
  '111': { userId: 'u1', locale: { language: 'id', zone: 'WIB' } },
  '222': { userId: 'u2', locale: { language: 'en', zone: 'WITA' } },
} satisfies Record<string, LinkedUser>;

const text = (origin: ChatOrigin, t: string): Incoming => ({ kind: 'text', origin, text: t });
const plain = (r: Reply[]) => r.map(replyToPlainText).join('\n');
const buttonTokens = (r: Reply[]) => r.flatMap((x) => x.blocks).flatMap((b) => (b.type === 'buttons' ? b.buttons.map((x) => x.token) : []));

describe('command engine', () => {
  it('parses Indonesian amounts typed with spaces and runs the command by name or alias', async () => {
    const { engine } = setup({ linked });
    expect(plain((await engine.handle(text(alice, '/charge Rp 150.000 QRIS makan siang'))).replies)).toContain('15000000 qris makan siang');
    expect(plain((await engine.handle(text(alice, '/bayar 1,5 jt gopay'))).replies)).toContain('150000000 gopay');
    expect(plain((await engine.handle(text(alice, '/charge@swhub_bot 150rb qris'))).replies)).toContain('15000000 qris');
  });

  it('answers bad arguments with the reason, the usage and an example, in the user language', async () => {
    const { engine } = setup({ linked });
    const id = plain((await engine.handle(text(alice, '/charge 1.500rb bitcoin'))).replies);
    expect(id).toContain('jumlah: jumlah ambigu; tulis 1,5jt atau 1500rb');
    expect(id).toContain('metode: pilihan tidak dikenal: qris, gopay');
    expect(id).toContain('Cara pakai: /charge <jumlah> <metode> [keterangan…]');
    expect(id).toContain('Contoh: /charge 150rb qris makan siang');
    const en = plain((await engine.handle(text(bob, '/charge'))).replies);
    expect(en).toContain('amount: required');
    expect(en).toContain('Usage: /charge <amount> <method> [description…]');
  });

  it('gives unlinked users the linking instructions only, and lets them use public commands', async () => {
    const { engine, services } = setup({ linked: {} });
    const out = plain((await engine.handle(text(alice, '/charge 150rb qris'))).replies);
    expect(out).toContain('/link KODE');
    expect(services.charges).toHaveLength(0);
    expect(plain((await engine.handle(text(alice, '/start'))).replies)).toBe('start');
    const english = await engine.handle(text({ ...alice, languageHint: 'en-US' }, '/charge 1 qris'));
    expect(plain(english.replies)).toContain('/link CODE');
  });

  it('a confirmation pressed twice has one effect, and Cancel after Confirm does nothing', async () => {
    const { engine, services } = setup({ linked });
    const [confirm, cancel] = buttonTokens((await engine.handle(text(alice, '/charge 150rb qris'))).replies);
    expect(Buffer.byteLength(confirm)).toBeLessThanOrEqual(64);
    const [first, second, third] = await Promise.all([
      engine.handle({ kind: 'button', origin: alice, token: confirm }),
      engine.handle({ kind: 'button', origin: alice, token: confirm }),
      engine.handle({ kind: 'button', origin: alice, token: cancel }),
    ]);
    expect(services.charges).toHaveLength(1);
    expect(services.charges[0]).toMatchObject({ amountMinor: 15_000_000, method: 'qris' });
    expect(first.replies[0].replaceOriginal).toBe(true);
    expect(second.toast).toBe('Tombol ini sudah dipakai.');
    expect(third.replies).toEqual([]);
  });

  it('only the user the buttons were shown to can press them', async () => {
    const { engine, services } = setup({ linked });
    const [confirm] = buttonTokens((await engine.handle(text(alice, '/charge 150rb qris'))).replies);
    const stranger = await engine.handle({ kind: 'button', origin: bob, token: confirm });
    expect(stranger.toast).toBe('This button is not for you.');
    expect(services.charges).toHaveLength(0);
    await engine.handle({ kind: 'button', origin: alice, token: confirm });
    expect(services.charges).toHaveLength(1);
  });

  it('a forged or unknown button token is an expired button, not a crash', async () => {
    const { engine } = setup({ linked });
    for (const token of ['sw:AAAAAAAAAAAAAAAA:0', 'rm -rf', 'sw:../../x:1']) {
      const out = await engine.handle({ kind: 'button', origin: alice, token });
      expect(out.toast).toBe('Tombol ini sudah kedaluwarsa. Ulangi perintahnya.');
    }
  });

  it('never shows a stack trace: unexpected errors get a reference that is in the log', async () => {
    const { engine, errors } = setup({ linked });
    const out = plain((await engine.handle(text(alice, '/boom'))).replies);
    expect(out).not.toContain('/srv/app.js');
    const ref = /ref ([0-9a-f]{8})/.exec(out)?.[1];
    expect(ref).toBeDefined();
    expect(errors).toEqual([expect.objectContaining({ ref, command: 'boom' })]);
    expect(plain((await engine.handle(text(bob, '/lookup'))).replies)).toBe('The payment provider cannot be reached right now. Try again in a few minutes.');
  });

  it('unknown commands and plain text are answered with where to look', async () => {
    const { engine } = setup({ linked });
    expect(plain((await engine.handle(text(alice, '/saldoo'))).replies)).toBe('Perintah /saldoo tidak dikenal. Ketik /help untuk daftar perintah.');
    expect(plain((await engine.handle(text(bob, 'hello'))).replies)).toContain('Type /help');
  });

  it('rate-limits per chat user, not per chat', async () => {
    const { engine } = setup({ linked, perMinute: 2 });
    await engine.handle(text(alice, '/start'));
    await engine.handle(text(alice, '/start'));
    const limited = plain((await engine.handle(text(alice, '/start'))).replies);
    expect(limited).toMatch(/^Terlalu banyak perintah\. Coba lagi dalam \d+ detik\.$/);
    const again = await engine.handle(text(alice, '/start'));
    expect(again.replies).toEqual([]);
    expect(again.toast).toMatch(/^Terlalu banyak perintah/);
    expect(plain((await engine.handle(text(bob, '/start'))).replies)).toBe('charge,boom,lookup,start');
  });

  it('refuses two modules contributing the same command name or alias', () => {
    expect(() => new CommandRegistry().add(chargeCommand, { ...open, name: 'bayar' })).toThrow(/contributed twice/);
    expect(() => new CommandRegistry().add({ ...open, name: 'Pay-Now' })).toThrow(/a-z 0-9/);
  });
});

describe('helpers', () => {
  it('tokenizes quoted descriptions and glues amount pieces', () => {
    expect(tokenize('Rp 150.000 qris "makan siang" ok')).toEqual(['Rp150.000', 'qris', 'makan siang', 'ok']);
    expect(tokenize('1,5 juta va_bca')).toEqual(['1,5juta', 'va_bca']);
    expect(tokenize('rb qris')).toEqual(['rb', 'qris']);
  });

  it('parses commands with or without the bot name', () => {
    expect(parseCommandText('/Pay@SwBot 10rb qris')).toEqual({ name: 'pay', rest: '10rb qris' });
    expect(parseCommandText('/help')).toEqual({ name: 'help', rest: '' });
    expect(parseCommandText('pay 10rb')).toBeNull();
  });

  it('shows times in the user zone with its Indonesian name', () => {
    const at = new Date('2025-03-12T07:05:00Z');
    expect(formatDateTime(at, { language: 'id', zone: 'WIB' })).toBe('12 Mar 2025 14.05 WIB');
    expect(formatDateTime(at, { language: 'en', zone: 'WITA' })).toBe('12 Mar 2025 15:05 WITA');
    expect(formatDateTime(at, { language: 'id', zone: 'WIT' })).toBe('12 Mar 2025 16.05 WIT');
  });
});
