import { Hono } from 'hono';
import QRCode from 'qrcode';
import { Telegram, TelegramError } from 'telegraf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listen } from '../../sandbox/shared/listen.js';
import { parseMarkdownV2, startFakeTelegram, type FakeTelegram } from '../../sandbox/telegram/index.js';
import { defineCommand } from '../core/command.js';
import type { Reply } from '../core/reply.js';
import { escapeMarkdownV2, md } from './markdown.js';
import { menuCalls } from './menu.js';
import { renderTelegram } from './render.js';
import { isValidTelegramSecret } from './secret.js';
import { TelegramRateLimited, TelegramSender, createTelegramClient } from './sender.js';
import { parseTelegramUpdate } from './updates.js';

const TOKEN = '7000000001:AAH-sandbox_token';
let fake: FakeTelegram;
let telegram: Telegram;
let sender: TelegramSender;

beforeAll(async () => {
  fake = await startFakeTelegram({ token: TOKEN, botUsername: 'swhub_bot' });
  telegram = createTelegramClient(TOKEN, fake.url);
  sender = new TelegramSender(telegram);
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const tricky = 'Rp1.234.567,89 (biaya 0.7%) - _tagihan_ *listrik* [PLN] ~x~ `kode` > #1 + a=b | {x} ! \\ ok';

describe('MarkdownV2 escaping', () => {
  it('any text survives escaping: Telegram shows exactly what was meant', () => {
    const every = '_*[]()~`>#+-=|{}.!\\ abc 123 ünïcödé 🙂';
    for (const text of [tricky, every, '', 'no specials']) {
      const parsed = parseMarkdownV2(escapeMarkdownV2(text));
      expect(parsed).toEqual({ ok: true, plain: text });
    }
  });

  it('the fake refuses unescaped reserved characters the way Telegram does', () => {
    expect(parseMarkdownV2('Rp150.000')).toEqual({ ok: false, description: "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'" });
    expect(parseMarkdownV2('*bold')).toMatchObject({ ok: false, description: expect.stringContaining("Can't find end of Bold entity") });
    expect(parseMarkdownV2(md.code('a`b\\c') + ' ' + md.link('x (y)', 'https://e.x/a_(b)'))).toEqual({ ok: true, plain: 'a`b\\c x (y)' });
  });
});

describe('rendering through telegraf to the fake Bot API', () => {
  it('sends text, copyable fields, a table and Confirm/Cancel as one MarkdownV2 message', async () => {
    const r: Reply = {
      visibility: 'private',
      blocks: [
        { type: 'heading', text: 'Ringkasan pembayaran' },
        { type: 'text', text: tricky },
        { type: 'fields', fields: [{ label: 'VA BCA', value: '8277 0812-3456', copy: true }, { label: 'Jumlah', value: 'Rp150.000,00' }] },
        { type: 'table', columns: ['Tanggal', 'Jumlah'], rows: [['12 Mar', 'Rp1.500,00'], ['13 Mar', 'Rp25.000,00']], align: ['left', 'right'] },
        { type: 'buttons', buttons: [{ label: 'Konfirmasi', token: 'sw:AAAAAAAAAAAAAAAA:0', style: 'primary' }, { label: 'Batal', token: 'sw:AAAAAAAAAAAAAAAA:1' }] },
      ],
    };
    const [id] = await sender.send(renderTelegram(r, { chatId: '42', userId: '42', isGroup: false }));
    const sent = fake.messages.find((m) => m.message_id === id)!;
    expect(sent.chat_id).toBe('42');
    expect(sent.plain).toContain(tricky);
    expect(sent.plain).toContain('VA BCA: 8277 0812-3456');
    expect(sent.plain).toContain('12 Mar    Rp1.500,00\n13 Mar   Rp25.000,00');
    expect(sent.reply_markup?.inline_keyboard).toEqual([[{ text: '✅ Konfirmasi', callback_data: 'sw:AAAAAAAAAAAAAAAA:0' }, { text: 'Batal', callback_data: 'sw:AAAAAAAAAAAAAAAA:1' }]]);
  });

  it('sends a QR code as a photo and a file as a document, with escaped captions', async () => {
    const png = await QRCode.toBuffer('00020101021226610014COM.GO-JEK.WWW', { type: 'png' });
    const r: Reply = {
      visibility: 'private',
      blocks: [
        { type: 'image', data: png, filename: 'qris.png', mimeType: 'image/png', caption: 'Scan QRIS: Rp150.000 (berlaku 15 menit)' },
        { type: 'file', data: Buffer.from('date,amount\n2025-03-12,-150000.00\n'), filename: 'mutasi-maret.csv', mimeType: 'text/csv', caption: 'Mutasi.csv' },
      ],
    };
    await sender.send(renderTelegram(r, { chatId: '42', userId: '42', isGroup: false }));
    const [photo, doc] = fake.messages;
    expect(photo.photo?.bytes.equals(png)).toBe(true);
    expect(photo.caption).toBe('Scan QRIS: Rp150.000 (berlaku 15 menit)');
    expect(doc.document).toMatchObject({ file_name: 'mutasi-maret.csv' });
    expect(doc.document?.bytes.toString()).toContain('-150000.00');
  });

  it('replaces the confirmation message on a button press, removing its keyboard', async () => {
    const first = await telegram.sendMessage('42', 'Konfirmasi?', { reply_markup: { inline_keyboard: [[{ text: 'Ya', callback_data: 'sw:AAAAAAAAAAAAAAAA:0' }]] } });
    await sender.send(renderTelegram({ visibility: 'private', replaceOriginal: true, blocks: [{ type: 'text', text: 'Dikonfirmasi.' }] }, { chatId: '42', userId: '42', isGroup: false, originalMessageId: first.message_id }));
    const edited = fake.messages.find((m) => m.message_id === first.message_id)!;
    expect(edited).toMatchObject({ plain: 'Dikonfirmasi.', edits: 1 });
    expect(edited.reply_markup).toBeUndefined();
    expect(fake.messages).toHaveLength(1);
  });

  it('moves private replies asked in a group to the user private chat, with a note in the group', async () => {
    const calls = renderTelegram({ visibility: 'private', blocks: [{ type: 'text', text: 'Saldo: Rp1.000' }] }, { chatId: '-1001', userId: '42', isGroup: true, movedNotice: 'Saya kirim lewat pesan langsung.' });
    await sender.send(calls);
    expect(fake.messages.map((m) => [m.chat_id, m.plain])).toEqual([
      ['42', 'Saldo: Rp1.000'],
      ['-1001', 'Saya kirim lewat pesan langsung.'],
    ]);
  });

  it('splits a reply longer than one Telegram message instead of being refused', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => [`2025-03-${String((i % 28) + 1).padStart(2, '0')}`, `Rp${i}.000,00`, `Transfer ke rekening #${i}`]);
    await sender.send(renderTelegram({ visibility: 'private', blocks: [{ type: 'text', text: 'Riwayat.' }, { type: 'table', columns: ['Tgl', 'Jumlah', 'Ket'], rows }] }, { chatId: '42', userId: '42', isGroup: false }));
    expect(fake.messages.length).toBeGreaterThanOrEqual(2);
    for (const m of fake.messages) expect(m.plain!.length).toBeLessThanOrEqual(4096);
    const shown = fake.messages.map((m) => m.plain).join('\n');
    for (const row of rows) expect(shown).toContain(row[2]);
  });

  it('surfaces a 429 with Telegram retry_after, then succeeds', async () => {
    fake.failNext('sendMessage', { errorCode: 429, retryAfter: 7 });
    const calls = renderTelegram({ visibility: 'public', blocks: [{ type: 'text', text: 'Halo' }] }, { chatId: '42', userId: '42', isGroup: false });
    await expect(sender.send(calls)).rejects.toMatchObject({ name: 'TelegramRateLimited', retryAfterSeconds: 7 });
    await expect(sender.send(calls)).resolves.toHaveLength(1);
    expect(TelegramRateLimited).toBeDefined();
  });

  it('publishes the command menu in Indonesian by default and English for English clients', async () => {
    const cmd = defineCommand({ name: 'pay', description: { id: 'Bayar dengan QRIS, VA atau e-wallet', en: 'Pay by QRIS, VA or e-wallet' }, args: z.object({}), run: async () => ({ visibility: 'public', blocks: [] }) });
    for (const call of menuCalls([cmd])) await telegram.setMyCommands(call.commands, call.language_code ? { language_code: call.language_code } : {});
    expect(await telegram.getMyCommands()).toEqual([{ command: 'pay', description: 'Bayar dengan QRIS, VA atau e-wallet' }]);
    expect(await telegram.getMyCommands({ language_code: 'en' })).toEqual([{ command: 'pay', description: 'Pay by QRIS, VA or e-wallet' }]);
  });
});

describe('the fake Bot API as telegraf sees it', () => {
  it('answers like Telegram: bad markup, unknown method, wrong token, stale callback query', async () => {
    const err = await telegram.sendMessage('42', 'Rp150.000', { parse_mode: 'MarkdownV2' }).catch((e) => e);
    expect(err).toBeInstanceOf(TelegramError);
    expect(err.code).toBe(400);
    expect(err.description).toContain("Character '.' is reserved");
    await expect(telegram.sendMessage('42', 'x', { reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: 'y'.repeat(65) }]] } })).rejects.toMatchObject({ description: 'Bad Request: BUTTON_DATA_INVALID' });
    await expect(new Telegram('1:wrong', { apiRoot: fake.url }).getMe()).rejects.toMatchObject({ code: 401 });
    await expect(telegram.answerCbQuery('999', 'x')).rejects.toMatchObject({ code: 400 });
    expect((await telegram.getMe()).username).toBe('swhub_bot');
  });

  it('serves a user document through getFile and the file download URL', async () => {
    const csv = Buffer.from('Tanggal,Keterangan,Jumlah\n12/03,TRSF E-BANKING,150000.00\n');
    const update = fake.update.document({ id: 42 }, { bytes: csv, fileName: 'mutasi.csv', mimeType: 'text/csv' });
    const inbound = parseTelegramUpdate(update, 'swhub_bot');
    expect(inbound.kind).toBe('document');
    const link = await telegram.getFileLink(inbound.kind === 'document' ? inbound.fileId : '');
    expect(link.protocol).toBe('http:');
    const downloaded = Buffer.from(await (await fetch(link)).arrayBuffer());
    expect(downloaded.equals(csv)).toBe(true);
  });

  it('acknowledges a button press once, as Telegram does', async () => {
    const sent = await telegram.sendMessage('42', 'Konfirmasi?', { reply_markup: { inline_keyboard: [[{ text: 'Ya', callback_data: 'sw:AAAAAAAAAAAAAAAA:0' }]] } });
    const update = fake.update.press({ id: 42 }, fake.messages.find((m) => m.message_id === sent.message_id)!, 'sw:AAAAAAAAAAAAAAAA:0');
    const inbound = parseTelegramUpdate(update, 'swhub_bot');
    if (inbound.kind !== 'button') throw new Error('expected a button press');
    expect(inbound).toMatchObject({ token: 'sw:AAAAAAAAAAAAAAAA:0', messageId: sent.message_id, origin: { chatId: '42', externalUserId: '42' } });
    await sender.answerButton(inbound.callbackQueryId, 'Dikonfirmasi');
    expect(fake.answeredQueries.get(inbound.callbackQueryId)).toEqual({ text: 'Dikonfirmasi' });
    await expect(sender.answerButton(inbound.callbackQueryId)).rejects.toMatchObject({ code: 400 });
  });

  it('delivers updates to the webhook with the secret header set by setWebhook; getUpdates then conflicts', async () => {
    const received: { secret?: string; body: unknown }[] = [];
    const hub = new Hono().post('/webhooks/telegram', async (c) => {
      received.push({ secret: c.req.header('x-telegram-bot-api-secret-token'), body: await c.req.json() });
      return c.body(null, 200);
    });
    const server = await listen(hub, {});
    try {
      await telegram.setWebhook(`${server.url}/webhooks/telegram`, { secret_token: 'tg_secret-1' });
      const update = fake.update.text({ id: 42, language_code: 'en' }, '/payments@swhub_bot 5');
      expect(await fake.deliver(update)).toBe(200);
      expect(received).toEqual([{ secret: 'tg_secret-1', body: update }]);
      await expect(telegram.getUpdates(0, 10, 0, undefined)).rejects.toMatchObject({ code: 409 });
    } finally {
      await telegram.deleteWebhook();
      await server.close();
    }
  });

  it('queues updates for long polling when no webhook is set', async () => {
    const update = fake.update.text({ id: 42 }, '/help');
    expect(await fake.deliver(update)).toBeNull();
    const updates = await telegram.getUpdates(0, 10, 0, undefined);
    expect(updates.map((u) => u.update_id)).toContain(update.update_id);
  });
});

describe('parsing updates', () => {
  const from = { id: 42, first_name: 'Sari', language_code: 'id' };
  it('strips this bot name from commands and ignores commands for other bots and group chatter', async () => {
    expect(parseTelegramUpdate(fake.update.text(from, '/pay@SwHub_Bot 150rb qris'), 'swhub_bot')).toMatchObject({ kind: 'text', text: '/pay 150rb qris', origin: { isGroup: false, languageHint: 'id' } });
    expect(parseTelegramUpdate(fake.update.text(from, '/pay@other_bot 1'), 'swhub_bot')).toMatchObject({ kind: 'ignored', reason: 'command for another bot' });
    const group = { id: -100123, type: 'supergroup' as const };
    expect(parseTelegramUpdate(fake.update.text(from, 'halo semua'), 'swhub_bot')).toMatchObject({ kind: 'text', text: 'halo semua' });
    expect(parseTelegramUpdate(fake.update.text(from, 'halo semua', group), 'swhub_bot')).toMatchObject({ kind: 'ignored' });
    expect(parseTelegramUpdate(fake.update.text(from, '/saldo', group), 'swhub_bot')).toMatchObject({ kind: 'text', origin: { isGroup: true, chatId: '-100123', externalUserId: '42' } });
  });

  it('rejects malformed updates so the intake can answer 400', () => {
    expect(() => parseTelegramUpdate({ message: { text: '/x' } }, 'swhub_bot')).toThrow();
    expect(() => parseTelegramUpdate({ update_id: 'x' }, 'swhub_bot')).toThrow();
    expect(parseTelegramUpdate({ update_id: 5, my_chat_member: {} }, 'swhub_bot')).toMatchObject({ kind: 'ignored' });
  });

  it('checks the webhook secret in constant time and never matches a missing header', () => {
    expect(isValidTelegramSecret('tg_secret-1', 'tg_secret-1')).toBe(true);
    expect(isValidTelegramSecret('tg_secret-2', 'tg_secret-1')).toBe(false);
    expect(isValidTelegramSecret(undefined, 'tg_secret-1')).toBe(false);
    expect(isValidTelegramSecret('', '')).toBe(false);
  });
});
