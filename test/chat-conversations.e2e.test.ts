/**
 * Full conversations through the real webhook routes, signed as Telegram and Slack sign them, against the fake Bot
 * API and fake Slack the hub starts when no tokens are configured, with payments settled by the Midtrans simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlack, PostedMessage } from '../sandbox/slack/index.js';
import type { FakeTelegram, SentMessage, TgUser } from '../sandbox/telegram/index.js';
import { chatHelpers } from './chat-helpers.js';
import { eventually, startTestHub, type TestHub } from './harness.js';

let t: TestHub;
let tg: FakeTelegram;
let slack: FakeSlack;
let h: ReturnType<typeof chatHelpers>;

beforeAll(async () => {
  t = await startTestHub();
  h = chatHelpers(t);
  ({ tg, slack } = h);
});
afterAll(() => t?.stop());

const settleInbox = () => h.settleInbox();
const send = (update: Record<string, unknown>, options?: { secretToken?: string }) => h.send(update, options);
const messagesTo = (chatId: number | string) => h.messagesTo(chatId);
const lastTo = (chatId: number | string) => h.lastTo(chatId);
const textsTo = (chatId: number | string) => h.textsTo(chatId);
const buttonsOf = (m: SentMessage) => h.buttonsOf(m);
const linkTelegram = (user: TgUser) => h.linkTelegram(user);

describe('Telegram', () => {
  const sari: TgUser = { id: 7001, first_name: 'Sari', language_code: 'id' };

  it('refuses a wrong or missing secret with 401 and stores nothing', async () => {
    const before = await t.hub.models.WebhookEvent.countDocuments({ provider: 'telegram' });
    expect(await tg.deliver(tg.update.text(sari, '/help'), { secretToken: 'wrong-secret' })).toBe(401);
    const res = await fetch(`${t.url}/webhooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tg.update.text(sari, '/help')) });
    expect(res.status).toBe(401);
    expect(await t.hub.models.WebhookEvent.countDocuments({ provider: 'telegram' })).toBe(before);
    expect(messagesTo(sari.id)).toHaveLength(0);
  });

  it('gives an unlinked user the linking instructions only', async () => {
    const stranger: TgUser = { id: 7999, first_name: 'Budi' };
    expect(await send(tg.update.text(stranger, '/pay 150rb qris'))).toBe(200);
    expect(lastTo(stranger.id).plain).toContain('/link KODE');
    expect(await t.hub.models.Payment.countDocuments({})).toBe(0);
    await send(tg.update.text({ ...stranger, language_code: 'en' }, '/payments'));
    expect(lastTo(stranger.id).plain).toContain('/link CODE');
  });

  it('links with a one-time code that works once and only for ten minutes', async () => {
    const owner = await linkTelegram(sari);
    const code = (await owner.client.post<{ code: string }>('/api/chat/link-code')).body.code;
    const other: TgUser = { id: 7002, first_name: 'Eko' };
    await send(tg.update.text(other, `/link ${code}`));
    await send(tg.update.text({ id: 7003, first_name: 'Rina' }, `/link ${code}`));
    expect(lastTo(7003).plain).toContain('kode');
    expect(lastTo(7003).plain).not.toContain('Akun terhubung');
    const audit = await t.hub.models.AuditEntry.find({ action: 'chat.link' }).lean();
    expect(audit.some((a) => a.channel === 'telegram' && a.outcome === 'failure')).toBe(true);
  });

  it('pays by QRIS with Confirm pressed twice: one payment, the QR photo, then a settlement message', async () => {
    const user: TgUser = { id: 7010, first_name: 'Dewi' };
    const owner = await linkTelegram(user);
    await send(tg.update.text(user, '/help'));
    expect(lastTo(user.id).plain).toContain('/pay <jumlah> <metode> [keterangan…]');

    await send(tg.update.text(user, '/pay Rp 150.000 qris makan siang'));
    const summary = lastTo(user.id);
    expect(summary.plain).toContain('Rp150.000,00');
    const [confirm] = buttonsOf(summary);
    expect(confirm.text).toContain('Konfirmasi');

    const first = tg.update.press(user, summary, confirm.callback_data!);
    const second = tg.update.press(user, summary, confirm.callback_data!);
    await Promise.all([tg.deliver(first), tg.deliver(second)]);
    await settleInbox();

    const history = await owner.client.get<{ payments: { id: string; status: string; orderId: string }[] }>('/api/payment/history');
    expect(history.body.payments).toHaveLength(1);
    const payment = history.body.payments[0];
    expect(summary.edits).toBe(1);
    expect(summary.plain).toContain('Pembayaran Rp150.000,00 via QRIS');
    const photo = messagesTo(user.id).find((m) => m.photo)!;
    expect(photo.photo!.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(photo.caption).toContain('Pindai QRIS');
    const answers = [...tg.answeredQueries.values()].map((a) => a.text);
    expect(answers).toEqual(expect.arrayContaining(['✓', 'Tombol ini sudah dipakai.']));

    const audit = await t.hub.models.AuditEntry.findOne({ action: 'payment.create', targetId: payment.id }).lean();
    expect(audit?.channel).toBe('telegram');

    const doc = await t.hub.models.Payment.findById(payment.id).lean();
    await t.hub.sandboxes.midtrans!.settle(doc!.orderId);
    const settled = await eventually(async () => textsTo(user.id).find((x) => x.includes('sudah lunas')), Boolean, 15_000);
    expect(settled).toContain('Pembayaran Rp150.000,00 (makan siang) sudah lunas');

    // Refund, confirmed with a button.
    await send(tg.update.text(user, `/refund ${payment.id.slice(-8)} 50rb`));
    const ask = lastTo(user.id);
    expect(ask.plain).toContain('Rp50.000,00');
    await send(tg.update.press(user, ask, buttonsOf(ask)[0].callback_data!));
    expect(ask.plain).toContain('Pengembalian Rp50.000,00 diminta');
    const refunded = await t.hub.models.Payment.findById(payment.id).lean();
    expect(refunded!.refunds?.length).toBe(1);
  });

  it('publishes the command menu in both languages at start', async () => {
    await eventually(async () => tg.commands.size, (n) => n >= 2);
    expect(tg.commands.get('default:')?.map((c) => c.command)).toEqual(expect.arrayContaining(['pay', 'payments', 'refund', 'recurring', 'link', 'settings']));
    expect(tg.commands.get('default:en')?.find((c) => c.command === 'pay')?.description).toBe('Make a payment (QRIS, VA, e-wallet, store)');
  });

  it('delivers a settlement to every linked chat once, waiting out a 429 retry_after', async () => {
    const user: TgUser = { id: 7050, first_name: 'Wati' };
    const owner = await linkTelegram(user);
    const code = (await owner.client.post<{ code: string }>('/api/chat/link-code')).body.code;
    await slack.sendSlashCommand({ user: { id: 'U0WATI' }, channelId: 'D0WATI', text: `link ${code}` });
    await settleInbox();
    const created = await owner.client.post<{ id: string; orderId: string }>('/api/payment/process', { amountMinor: 3_000_000, method: 'gopay', description: 'pulsa' }, { 'idempotency-key': 'wati-pulsa-1' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    tg.failNext('sendMessage', { errorCode: 429, retryAfter: 1 });
    await t.hub.sandboxes.midtrans!.settle(created.body.orderId);
    const paid = (m: { plain?: string; text?: string }) => (m.plain ?? m.text ?? '').includes('Rp30.000,00 (pulsa) sudah lunas');
    await eventually(async () => messagesTo(user.id).filter(paid).length + slack.messages.filter((m) => m.channel.startsWith('D') && paid(m)).length, (n) => n >= 2, 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(messagesTo(user.id).filter(paid)).toHaveLength(1);
    expect(slack.messages.filter(paid)).toHaveLength(1);
    const rows = await t.hub.models.ChatDelivery.find({}).lean();
    const telegramRow = rows.find((r) => r.status === 'sent' && r.attempts === 2);
    expect(telegramRow).toBeDefined();
    const notification = await t.hub.models.Notification.findOne({ dedupeKey: `payment:${created.body.id}:success` }).lean();
    expect(notification?.deliveredAt).toBeDefined();
  });

  it('a retried update (same update_id) runs once', async () => {
    const user: TgUser = { id: 7020, first_name: 'Tono' };
    await linkTelegram(user);
    const update = tg.update.text(user, '/pay 25rb gopay');
    await send(update);
    await send(update);
    expect(messagesTo(user.id).filter((m) => m.plain?.includes('Rp25.000,00'))).toHaveLength(1);
    const stored = await t.hub.models.WebhookEvent.findOne({ provider: 'telegram', eventKey: `update:${update.update_id}` }).lean();
    expect(stored?.deliveries).toBe(2);
  });

  it('recurring add (confirmed), list and cancel; replies switch to English with /settings', async () => {
    const user: TgUser = { id: 7030, first_name: 'Ayu' };
    await linkTelegram(user);
    await send(tg.update.text(user, '/settings bahasa en'));
    expect(lastTo(user.id).plain).toContain('Language: English');
    await send(tg.update.text(user, '/recurring add 50rb va_bca monthly 25 08:30 Rent'));
    const ask = lastTo(user.id);
    expect(ask.plain).toContain('Confirm recurring payment');
    await send(tg.update.press(user, ask, buttonsOf(ask)[0].callback_data!));
    expect(ask.plain).toContain('Recurring payment created');
    const id = /ID: ([0-9a-f]{24})/.exec(ask.plain!)![1];
    await send(tg.update.text(user, '/recurring list'));
    expect(lastTo(user.id).plain).toContain(id.slice(-8));
    await send(tg.update.text(user, `/recurring cancel ${id.slice(-8)}`));
    expect(lastTo(user.id).plain).toContain('stopped');
    await send(tg.update.text(user, '/pay 1.500rb qris'));
    expect(lastTo(user.id).plain).toContain('ambiguous amount; write 1,5jt or 1500rb');
    await send(tg.update.text(user, '/payment 0123456789abcdef01234567'));
    expect(lastTo(user.id).plain).toBe('Payment not found. Check the ID (/help payment).');
  });

  it('/settings buttons switch language and zone and mute a topic, each press once', async () => {
    const user: TgUser = { id: 7035, first_name: 'Wayan' };
    await linkTelegram(user);
    await send(tg.update.text(user, '/settings'));
    const card = lastTo(user.id);
    expect(card.plain).toContain('Zona waktu: WIB');
    expect(buttonsOf(card).map((b) => b.text)).toEqual(['🌐 English', '🕐 WITA', '🕐 WIT', '🔕 pembayaran matikan', '🔕 rutin matikan', '🔕 lainnya matikan']);

    const english = buttonsOf(card).find((b) => b.text === '🌐 English')!;
    await send(tg.update.press(user, card, english.callback_data!));
    // The card is replaced in place, now in English, with fresh buttons.
    expect(card.plain).toContain('Language: English');
    await send(tg.update.press(user, card, english.callback_data!)); // a stale press of a used button changes nothing
    await send(tg.update.press(user, card, buttonsOf(card).find((b) => b.text === '🕐 WITA')!.callback_data!));
    expect(card.plain).toContain('Time zone: WITA');
    await send(tg.update.press(user, card, buttonsOf(card).find((b) => b.text === '🔕 payments off')!.callback_data!));
    expect(card.plain).toContain('Notifications payments: off');
    expect(buttonsOf(card).map((b) => b.text)).toContain('🔔 payments on');

    const stored = await t.hub.models.ChatIdentity.findOne({ channel: 'telegram', externalUserId: String(user.id) }).lean();
    expect(stored).toMatchObject({ language: 'en', zone: 'WITA', mutedTopics: ['payments'] });
  });

  it('in a group, private answers go by direct message', async () => {
    const user: TgUser = { id: 7040, first_name: 'Joko' };
    await linkTelegram(user);
    const group = { id: -1001234, type: 'supergroup' as const, title: 'Keluarga' };
    await send(tg.update.text(user, '/payments', group));
    expect(lastTo(group.id).plain).toContain('pesan langsung');
    expect(lastTo(user.id).plain).toContain('Belum ada pembayaran');
  });
});

describe('Slack', () => {
  const user = { id: 'U0SARI', name: 'sari' };
  const respondedTo = async (url: string, n = 1) => slack.waitForResponse(url, n, 10_000);
  const lastResponse = () => slack.responses.at(-1)!;

  it('refuses forged signatures and stale timestamps with 401 and no effect', async () => {
    const before = await t.hub.models.WebhookEvent.countDocuments({ provider: 'slack' });
    expect((await slack.sendSlashCommand({ user, channelId: 'D0SARI', text: 'help' }, { signingSecret: 'forged' })).status).toBe(401);
    expect((await slack.sendSlashCommand({ user, channelId: 'D0SARI', text: 'help' }, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    expect((await slack.sendSlashCommand({ user, channelId: 'D0SARI', text: 'help' }, { omitSignature: true })).status).toBe(401);
    expect(await t.hub.models.WebhookEvent.countDocuments({ provider: 'slack' })).toBe(before);
  });

  it('answers the url_verification challenge after checking the signature', async () => {
    const raw = JSON.stringify({ token: 'x', challenge: 'chal-123', type: 'url_verification' });
    const ts = Math.floor(Date.now() / 1000);
    const { slackSignature } = await import('../bots/slack/signature.js');
    const answer = await fetch(`${t.url}/webhooks/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(t.hub.webhookSecrets.slackSigningSecret, ts, raw) }, body: raw });
    expect(await answer.json()).toEqual({ challenge: 'chal-123' });
  });

  it('links, pays by VA with Confirm (ephemeral, acked within 3 s), and a retried press has no second effect', async () => {
    const owner = await t.createUser('slack-sari');
    const code = (await owner.client.post<{ code: string }>('/api/chat/link-code')).body.code;
    const linkAck = await slack.sendSlashCommand({ user, channelId: 'C0GENERAL', text: `link ${code}` });
    expect(linkAck.status).toBe(200);
    expect(linkAck.ms).toBeLessThan(3000);
    await settleInbox();
    expect(lastResponse().body.text).toContain('Akun terhubung');

    const ack = await slack.sendSlashCommand({ user, channelId: 'C0GENERAL', text: 'pay 20rb va_bca tagihan air' });
    expect(ack.status).toBe(200);
    expect(ack.body).toBe('');
    await settleInbox();
    const summary = lastResponse();
    expect(summary.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(summary.body.blocks)).toContain('Rp20.000,00');

    const message = slack.messages.find((m) => m.viaResponseUrl === summary.url) as PostedMessage;
    const press = await slack.pressButton({ user, message, actionIndex: 0, channelId: 'C0GENERAL' });
    expect(press.status).toBe(200);
    await settleInbox();
    expect((await slack.resend()).status).toBe(200);
    await settleInbox();
    const posts = await respondedTo(summary.url, 3);
    expect(posts[1]).toMatchObject({ replace_original: true });
    expect(JSON.stringify(posts[2].blocks)).toMatch(/Nomor VA BCA/);
    const history = await owner.client.get<{ payments: unknown[] }>('/api/payment/history');
    expect(history.body.payments).toHaveLength(1);
    const audit = await t.hub.models.AuditEntry.findOne({ action: 'payment.create', actorUserId: owner.id }).lean();
    expect(audit?.channel).toBe('slack');
  });

  it('a direct message event is answered in the DM, and a retried event_id is applied once', async () => {
    const event = { type: 'message', channel_type: 'im', user: user.id, channel: 'D0SARI', text: 'help', ts: '1700000000.000100' };
    await slack.sendEvent(event, { eventId: 'Ev0DMHELP1' });
    await slack.sendEvent(event, { eventId: 'Ev0DMHELP1', retryNum: 1 });
    await settleInbox();
    const dm = slack.messages.filter((m) => m.channel === 'D0SARI' && !m.ephemeralFor);
    expect(dm).toHaveLength(1);
    expect(dm[0].text).toContain('/pay');
  });
});

describe('sandbox control pages (npm start demo without tokens)', () => {
  it('a person can chat with the Telegram and Slack bots from the browser', async () => {
    const tgRes = await fetch(`${tg.url}/_sandbox/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 7100, text: '/start' }) });
    expect(tgRes.status).toBe(200);
    await eventually(async () => textsTo(7100).join(), (x) => x.includes('Selamat datang'));
    expect(await (await fetch(`${tg.url}/_sandbox`)).text()).toContain('Selamat datang');

    const slackRes = await fetch(`${slack.url}/_sandbox/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'U0WEB', text: '/sw help' }) });
    expect(((await slackRes.json()) as { status: number }).status).toBe(200);
    await settleInbox();
    await eventually(async () => (await (await fetch(`${slack.url}/_sandbox`)).text()).includes('/pay'), Boolean);
  });
});

describe('terminal client endpoint', () => {
  it('runs the same commands for the key user, with the reply model as JSON', async () => {
    const owner = await t.createUser('terminal-user');
    const res = await owner.client.post<{ replies: { blocks: { type: string; text?: string; buttons?: { token: string }[] }[] }[] }>('/api/chat/message', { text: '/pay 10rb qris kopi' });
    expect(res.status).toBe(200);
    const buttons = res.body.replies[0].blocks.find((b) => b.type === 'buttons')!.buttons!;
    const confirmed = await owner.client.post<{ replies: { blocks: { type: string; dataBase64?: string }[] }[] }>('/api/chat/message', { button: buttons[0].token });
    const image = confirmed.body.replies.flatMap((r) => r.blocks).find((b) => b.type === 'image');
    expect(Buffer.from(image!.dataBase64!, 'base64').subarray(1, 4).toString()).toBe('PNG');
    const bad = await owner.client.post('/api/chat/message', {});
    expect(bad.status).toBe(400);
    expect((await t.anonymous.post('/api/chat/message', { text: '/help' })).status).toBe(401);
  });
});
