/**
 * The data capability in chat, through the real webhook routes against the fake Bot API and fake Slack (judged by
 * telegraf and @slack/web-api): /catat and /export, a statement sent as a file → preview → Import → progress
 * edited into one message → summary, a second send that is all duplicates, broken and oversized files answered
 * with a reason, and scheduled exports delivered to the chat as the file (or a link when too large).
 */
import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlack, PostedMessage } from '../sandbox/slack/index.js';
import type { FakeTelegram, SentMessage, TgUser } from '../sandbox/telegram/index.js';
import { eventually, startTestHub, type ApiClient, type TestHub } from './harness.js';

let t: TestHub;
let tg: FakeTelegram;
let slack: FakeSlack;

beforeAll(async () => {
  t = await startTestHub();
  tg = t.hub.sandboxes.telegram as FakeTelegram;
  slack = t.hub.sandboxes.slack as FakeSlack;
});
afterAll(() => t?.stop());

const fixture = (name: string) => readFile(path.join(import.meta.dirname, 'fixtures/statements', name));

const settleInbox = () => eventually(() => t.hub.models.WebhookEvent.countDocuments({ provider: { $in: ['telegram', 'slack'] }, status: { $nin: ['applied', 'ignored', 'dead'] } }), (n) => n === 0, 10_000);

async function send(update: Record<string, unknown>): Promise<void> {
  expect(await tg.deliver(update)).toBe(200);
  await settleInbox();
}

const messagesTo = (chatId: number | string) => tg.messages.filter((m) => m.chat_id === String(chatId));
const lastTo = (chatId: number | string) => messagesTo(chatId).at(-1)!;
const buttonsOf = (m: SentMessage) => (m.reply_markup?.inline_keyboard ?? []).flat();

async function linkTelegram(user: TgUser): Promise<{ client: ApiClient; id: string }> {
  const owner = await t.createUser(`tg-${user.id}`);
  const code = await owner.client.post<{ code: string }>('/api/chat/link-code');
  await send(tg.update.text(user, `/link ${code.body.code}`));
  expect(lastTo(user.id).plain).toMatch(/Akun terhubung|Account linked/);
  return owner;
}

const ledger = (userId: string, filter: Record<string, unknown> = {}) => t.hub.models.BankTransaction.find({ userId, ...filter }).lean();

describe('Telegram, in Indonesian', () => {
  const andi: TgUser = { id: 8101, first_name: 'Andi', language_code: 'id' };
  let owner: { client: ApiClient; id: string };

  beforeAll(async () => {
    owner = await linkTelegram(andi);
  });

  it('/catat records cash spending and income (+) in the ledger, with an undo button', async () => {
    await send(tg.update.text(andi, '/catat 25rb kopi'));
    const spent = lastTo(andi.id);
    expect(spent.plain).toContain('Pengeluaran dicatat: Rp25.000,00 — kopi');
    await send(tg.update.text(andi, '/catat +5jt gaji'));
    expect(lastTo(andi.id).plain).toContain('Pemasukan dicatat: Rp5.000.000,00 — gaji');
    const rows = await ledger(owner.id, { source: 'manual' });
    expect(rows.map((r) => r.amountMinor).sort((a, b) => a - b)).toEqual([-2_500_000, 500_000_000]);

    await send(tg.update.text(andi, '/catat 1.500rb parkir'));
    expect(lastTo(andi.id).plain).toContain('jumlah ambigu');
    await send(tg.update.text(andi, '/catat 10rb'));
    expect(lastTo(andi.id).plain).toContain('Cara pakai: /catat <jumlah> <keterangan…>');

    // Undo removes exactly the entry the button was shown for.
    await send(tg.update.press(andi, spent, buttonsOf(spent)[0].callback_data!));
    expect(spent.plain).toContain('Catatan dihapus');
    expect((await ledger(owner.id, { source: 'manual' })).map((r) => r.description)).toEqual(['gaji']);
    await send(tg.update.text(andi, '/catat 25rb kopi'));
  });

  it('/export csv sends this month as a document; a bad period says what works', async () => {
    await send(tg.update.text(andi, '/export csv'));
    const doc = lastTo(andi.id);
    expect(doc.document?.file_name).toMatch(/^smartwealth-\d{4}-\d{2}-01-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = doc.document!.bytes.toString('utf8');
    expect(csv).toContain('kopi');
    expect(csv).toContain('gaji');
    expect(doc.caption).toContain('2 transaksi');
    expect(doc.caption).toContain('masuk Rp5.000.000,00, keluar Rp25.000,00');

    await send(tg.update.text(andi, '/export pdf bulan lalu'));
    expect(lastTo(andi.id).plain).toContain('Tidak ada transaksi');
    await send(tg.update.text(andi, '/export xlsx kemarin lusa'));
    expect(lastTo(andi.id).plain).toContain('pakai bulan ini, bulan lalu');
    await send(tg.update.text(andi, '/export docx'));
    expect(lastTo(andi.id).plain).toContain('pilihan tidak dikenal: csv, xlsx, pdf, json');
  });

  it('a KlikBCA CSV sent as a document: preview, Import, progress in one message, summary; a second send is all duplicates', async () => {
    const bytes = await fixture('bca-klikbca-id.csv');
    await send(tg.update.document(andi, { bytes, fileName: 'mutasi-des.csv', mimeType: 'text/csv' }));
    const preview = lastTo(andi.id);
    expect(preview.plain).toContain('mutasi-des.csv');
    expect(preview.plain).toContain('KlikBCA');
    expect(preview.plain).toContain('0123456789'.replace(/\d(?=\d{4})/g, '*').slice(-4));
    expect(preview.plain).toContain('2024-12-15 – 2025-01-14');
    expect(preview.plain).toContain('10 terbaca, 0 ditolak');
    expect(preview.plain).toContain('Rp13.012.345,67 (3)');
    expect(preview.plain).toContain('Rp4.012.345,67 (7)');
    expect(preview.plain).toContain('1 transaksi PEND');
    expect(preview.plain).toContain('2024-12-16');
    expect(buttonsOf(preview).map((b) => b.text.replace(/^\W+/u, ''))).toEqual(['Impor', 'Batal']);
    expect(await t.hub.models.BankTransaction.countDocuments({ userId: owner.id, source: 'import' })).toBe(0);

    await send(tg.update.press(andi, preview, buttonsOf(preview)[0].callback_data!));
    await eventually(async () => preview.plain ?? '', (x) => x.includes('selesai'), 20_000);
    expect(preview.plain).toContain('Diimpor: 10');
    expect(preview.plain).toContain('Duplikat dilewati: 0');
    expect(preview.edits).toBeGreaterThanOrEqual(2); // progress, then the summary, in the same message
    const imported = await ledger(owner.id, { source: 'import' });
    expect(imported).toHaveLength(10);
    expect(imported.find((r) => r.description.includes('GAJI DES'))?.amountMinor).toBe(1_250_000_000);
    const audit = await t.hub.models.AuditEntry.findOne({ action: 'data.import.start', actorUserId: owner.id }).lean();
    expect(audit?.channel).toBe('telegram');

    await send(tg.update.document(andi, { bytes, fileName: 'mutasi-des.csv', mimeType: 'text/csv' }));
    const again = lastTo(andi.id);
    expect(again.plain).toContain('10 akan dilewati');
    await send(tg.update.press(andi, again, buttonsOf(again)[0].callback_data!));
    await eventually(async () => again.plain ?? '', (x) => x.includes('selesai'), 20_000);
    expect(again.plain).toContain('Diimpor: 0');
    expect(again.plain).toContain('Duplikat dilewati: 10');
    expect(await t.hub.models.BankTransaction.countDocuments({ userId: owner.id, source: 'import' })).toBe(10);
    expect(await t.hub.models.BankAccount.countDocuments({ userId: owner.id, kind: 'import' })).toBe(1);
  });

  it('Cancel keeps nothing; a broken statement lists its bad rows; not a statement, wrong type and too large get reasons', async () => {
    await send(tg.update.document(andi, { bytes: await fixture('bca-klikbca-broken.csv'), fileName: 'rusak.csv', mimeType: 'text/csv' }));
    const broken = lastTo(andi.id);
    expect(broken.plain).toContain('ditolak');
    expect(broken.plain).toMatch(/baris \d+ \(date\)/);
    await send(tg.update.press(andi, broken, buttonsOf(broken)[1].callback_data!));
    expect(broken.plain).toContain('Impor dibatalkan');
    const staged = (await import('node:fs/promises')).readdir(path.join(t.dataDir, 'imports'));
    expect((await staged).filter((f) => f.startsWith(`.staged-${owner.id}`))).toEqual([]);

    await send(tg.update.document(andi, { bytes: await fixture('not-a-statement.txt'), fileName: 'catatan.txt', mimeType: 'text/plain' }));
    expect(lastTo(andi.id).plain).toContain('tidak bisa dibaca sebagai mutasi rekening');

    await send(tg.update.document(andi, { bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0]), fileName: 'struk.jpg', mimeType: 'image/jpeg' }));
    expect(lastTo(andi.id).plain).toContain('tidak bisa membaca berkas "struk.jpg"');

    const downloadsBefore = tg.calls.filter((c) => c.method === 'getFile').length;
    await send(tg.update.document(andi, { bytes: Buffer.alloc(21 * 1024 * 1024, 0x41), fileName: 'besar.csv', mimeType: 'text/csv' }));
    expect(lastTo(andi.id).plain).toContain('terlalu besar (maksimal 20 MB)');
    expect(tg.calls.filter((c) => c.method === 'getFile').length).toBe(downloadsBefore);

    // An unlinked user's file is not downloaded at all.
    const stranger: TgUser = { id: 8199, first_name: 'Tamu' };
    await send(tg.update.document(stranger, { bytes: await fixture('bca-klikbca-id.csv'), fileName: 'x.csv', mimeType: 'text/csv' }));
    expect(lastTo(stranger.id).plain).toContain('/link KODE');
    expect(tg.calls.filter((c) => c.method === 'getFile').length).toBe(downloadsBefore);
  });

  it('a scheduled export is delivered to the chat as the file, or as a link when too large', async () => {
    const created = await owner.client.post<{ id: string }>('/api/data/export/schedule', { frequency: 'monthly', format: 'csv', hour: 6 });
    expect(created.status).toBe(201);
    // Plan the run for the 1st of next month: it exports this month (/catat rows are dated today).
    const now = new Date();
    const planned = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - 7 * 3_600_000 + 6 * 3_600_000);
    await t.hub.models.ExportSchedule.updateOne({ _id: created.body.id }, { nextRunAt: planned });
    await t.hub.services.dataExportSchedules.run(created.body.id, planned);
    const delivered = await eventually(async () => messagesTo(andi.id).find((m) => m.caption?.includes('Ekspor terjadwal siap')), Boolean, 15_000);
    expect(delivered!.document?.file_name).toMatch(/\.csv$/);
    expect(delivered!.document!.bytes.toString('utf8')).toContain('kopi');

    // A file over the chat limit (sparse on disk) is announced with its download link instead.
    const id = new Types.ObjectId();
    const dir = path.join(t.dataDir, 'exports', owner.id);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${id}.csv`), '');
    await truncate(path.join(dir, `${id}.csv`), 25 * 1024 * 1024);
    await t.hub.models.ExportFile.create({ _id: id, userId: owner.id, scheduleId: new Types.ObjectId(), plannedFor: new Date(), format: 'csv', fileName: 'besar.csv', path: path.join(owner.id, `${id}.csv`), size: 25 * 1024 * 1024, rows: 300_000, period: { from: '2026-01-01', to: '2026-12-31' } });
    await t.hub.services.notifications.notify({ userId: owner.id, kind: 'export.ready', title: 'Your export is ready', body: 'besar.csv', data: { fileId: String(id) }, dedupeKey: `export.ready:${id}` });
    const link = await eventually(async () => messagesTo(andi.id).find((m) => m.plain?.includes('terlalu besar untuk chat')), Boolean, 15_000);
    expect(link!.plain).toContain(`/api/data/export/files/${id}`);
    expect(link!.plain).toContain('300000 transaksi');
  });
});

describe('Telegram, in English', () => {
  it('previews and imports a KlikBCA English statement with English replies', async () => {
    const jose: TgUser = { id: 8102, first_name: 'Jose', language_code: 'en' };
    const owner = await linkTelegram(jose);
    await send(tg.update.text(jose, '/settings bahasa en'));
    await send(tg.update.text(jose, '/catat 45rb lunch'));
    expect(lastTo(jose.id).plain).toContain('Spending recorded: Rp45.000,00 — lunch');
    await send(tg.update.document(jose, { bytes: await fixture('bca-klikbca-en.csv'), fileName: 'statement-sep.csv', mimeType: 'text/csv' }));
    const preview = lastTo(jose.id);
    expect(preview.plain).toContain('2024-09-01 – 2024-09-30');
    expect(preview.plain).toMatch(/\d+ read, 0 rejected/);
    expect(buttonsOf(preview).map((b) => b.text.replace(/^\W+/u, ''))).toEqual(['Import', 'Cancel']);
    await send(tg.update.press(jose, preview, buttonsOf(preview)[0].callback_data!));
    await eventually(async () => preview.plain ?? '', (x) => x.includes('done'), 20_000);
    expect(preview.plain).toContain('Duplicates skipped: 0');
    expect(await t.hub.models.BankTransaction.countDocuments({ userId: owner.id, source: 'import' })).toBeGreaterThan(0);
    await send(tg.update.text(jose, '/export csv last month'));
    expect(lastTo(jose.id).plain).toContain('No transactions in');
    await send(tg.update.document(jose, { bytes: await fixture('not-a-statement.txt'), fileName: 'notes.txt', mimeType: 'text/plain' }));
    expect(lastTo(jose.id).plain).toContain('could not be read as a bank statement');
  });
});

describe('Slack', () => {
  const user = { id: 'U0RINA', name: 'rina' };
  const dm = 'D0RINA';
  let owner: { client: ApiClient; id: string };

  beforeAll(async () => {
    owner = await t.createUser('slack-rina');
    const code = (await owner.client.post<{ code: string }>('/api/chat/link-code')).body.code;
    await slack.sendSlashCommand({ user, channelId: dm, text: `link ${code}` });
    await settleInbox();
  });

  const dmMessages = () => slack.messages.filter((m) => m.channel === dm);
  const textOf = (m: PostedMessage) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

  async function sendFile(bytes: Buffer, name: string, mimetype: string): Promise<PostedMessage> {
    const before = dmMessages().length;
    const file = slack.addFile(bytes, { name, mimetype, user: user.id, channel: dm });
    const ack = await slack.sendEvent({ type: 'file_shared', file_id: file.id, user_id: user.id, channel_id: dm, file: { id: file.id }, event_ts: '1700000000.000200' });
    expect(ack.status).toBe(200);
    // The DM copy of the same upload (message/file_share) must not be read as a command.
    await slack.sendEvent({ type: 'message', subtype: 'file_share', channel_type: 'im', user: user.id, channel: dm, text: '', files: [{ id: file.id }], ts: '1700000000.000300' });
    await settleInbox();
    return eventually(async () => dmMessages()[before], Boolean, 10_000) as Promise<PostedMessage>;
  }

  it('/sw catat and /sw export csv: the entry, then the file uploaded to the DM', async () => {
    await slack.sendSlashCommand({ user, channelId: dm, text: 'catat 30rb makan siang' });
    await settleInbox();
    expect(JSON.stringify(slack.responses.at(-1)!.body)).toContain('Pengeluaran dicatat: Rp30.000,00 — makan siang');
    await slack.sendSlashCommand({ user, channelId: dm, text: 'export csv bulan ini' });
    await settleInbox();
    const uploaded = await eventually(async () => [...slack.files.values()].find((f) => f.user === 'U0SWBOT' && f.name.endsWith('.csv')), Boolean, 10_000);
    expect(uploaded!.bytes.toString('utf8')).toContain('makan siang');
    expect(uploaded!.channels).toEqual([dm]);
  });

  it('a statement shared in the DM: preview, Import edits that message to the summary; a second share is all duplicates', async () => {
    const bytes = await fixture('mandiri-mcm.csv');
    const preview = await sendFile(bytes, 'mcm.csv', 'text/csv');
    expect(textOf(preview)).toContain('mcm.csv');
    expect(textOf(preview)).toMatch(/\d+ terbaca/);
    const commandsRun = slack.messages.filter((m) => textOf(m).includes('/pay')).length;
    expect(commandsRun).toBe(0);
    await slack.pressButton({ user, message: preview, actionIndex: 0, channelId: dm });
    await settleInbox();
    await eventually(async () => textOf(preview), (x) => x.includes('selesai'), 20_000);
    expect(preview.edits).toBeGreaterThanOrEqual(2);
    const first = await ledger(owner.id, { source: 'import' });
    expect(first.length).toBeGreaterThan(0);
    expect(textOf(preview)).toContain('Diimpor');

    const again = await sendFile(bytes, 'mcm.csv', 'text/csv');
    expect(textOf(again)).toContain(`${first.length} akan dilewati`);
    await slack.pressButton({ user, message: again, actionIndex: 0, channelId: dm });
    await settleInbox();
    await eventually(async () => textOf(again), (x) => x.includes('selesai'), 20_000);
    expect(textOf(again)).toMatch(new RegExp(`Duplikat dilewati\\*\\\\n${first.length}`));
    expect(await t.hub.models.BankTransaction.countDocuments({ userId: owner.id, source: 'import' })).toBe(first.length);
  });

  it('a file that is not a statement gets a reason, downloaded with the bot token', async () => {
    const reply = await sendFile(await fixture('not-a-statement.txt'), 'catatan.txt', 'text/plain');
    expect(textOf(reply)).toContain('tidak bisa dibaca sebagai mutasi rekening');
  });
});
