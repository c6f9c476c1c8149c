/**
 * Chat edge cases found in review, through the real webhook routes against the fake Bot API and fake Slack: a reply
 * that fails to send must not run the command a second time, private figures stay out of group chats, Slack's
 * HTML-escaped text is read as the user typed it, and amounts written the Indonesian way ("Rp 50.000,-") are read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../sandbox/slack/index.js';
import type { FakeTelegram, TgUser } from '../sandbox/telegram/index.js';
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

const ledger = (userId: string) => t.hub.models.BankTransaction.find({ userId, source: 'manual' }).lean();

describe('a reply that fails to send', () => {
  it('does not run the command again: one ledger entry for one /catat, and its answer still arrives', async () => {
    const user: TgUser = { id: 9101, first_name: 'Rudi' };
    const owner = await h.linkTelegram(user);
    // Telegram answers the reply with a 5xx once; the inbox must not apply the update a second time.
    tg.failNext('sendMessage', { errorCode: 500 });
    await h.send(tg.update.text(user, '/catat 25rb kopi'));
    expect(await ledger(owner.id)).toHaveLength(1);
    expect(h.textsTo(user.id).filter((x) => x.includes('Pengeluaran dicatat: Rp25.000,00'))).toHaveLength(1);
  });

  it('a /link whose reply cannot be sent is not retried into "the code is wrong"', async () => {
    const user: TgUser = { id: 9102, first_name: 'Nina' };
    const owner = await t.createUser('tg-9102');
    const code = (await owner.client.post<{ code: string }>('/api/chat/link-code')).body.code;
    tg.failNext('sendMessage', { errorCode: 502, description: 'Bad Gateway' }, 3);
    await h.send(tg.update.text(user, `/link ${code}`));
    expect(await t.hub.models.ChatIdentity.countDocuments({ channel: 'telegram', externalUserId: '9102' })).toBe(1);
    expect(h.textsTo(user.id).some((x) => /salah|kedaluwarsa|sudah dipakai/i.test(x))).toBe(false);
    const failures = await t.hub.models.AuditEntry.countDocuments({ action: 'chat.link', outcome: 'failure', 'metadata.externalUserId': '9102' });
    expect(failures).toBe(0);
  });

  it('a later reply that fails once is sent on the retry, without sending the ones before it again', async () => {
    const user: TgUser = { id: 9103, first_name: 'Sari' };
    await h.linkTelegram(user);
    await h.send(tg.update.text(user, '/pay 75rb qris pulsa'));
    const summary = h.lastTo(user.id);
    // The confirmation answers twice: it edits the summary ("payment created"), then sends the QR code. The QR's
    // sendPhoto fails once with a 5xx. Sending the edit again would be refused by Telegram (message is not
    // modified), and the QR would then never come.
    tg.failNext('sendPhoto', { errorCode: 500 });
    await h.send(tg.update.press(user, summary, h.buttonsOf(summary)[0].callback_data!));
    await h.settleInbox();
    expect(summary.edits).toBe(1);
    expect(summary.plain).toContain('Rp75.000,00');
    expect(h.messagesTo(user.id).filter((m) => m.photo)).toHaveLength(1);
  });
});

describe('private figures in a group chat', () => {
  it('/refund over the refundable amount answers in the DM, not in the group', async () => {
    const user: TgUser = { id: 9201, first_name: 'Made' };
    const owner = await h.linkTelegram(user);
    const created = await owner.client.post<{ id: string; orderId: string }>('/api/payment/process', { amountMinor: 12_345_600, method: 'gopay', description: 'arisan' }, { 'idempotency-key': 'made-arisan-1' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await t.hub.sandboxes.midtrans!.settle(created.body.orderId);
    await eventually(async () => (await t.hub.models.Payment.findById(created.body.id).lean())?.status, (s) => s === 'success', 15_000);

    const group = { id: -1009201, type: 'supergroup' as const, title: 'Arisan' };
    await h.send(tg.update.text(user, `/refund ${created.body.id.slice(-8)} 999jt`, group));
    expect(h.textsTo(group.id).join('\n')).not.toContain('Rp123.456');
    expect(h.textsTo(user.id).join('\n')).toContain('Rp123.456,00');
  });
});

describe('Slack text arrives HTML-escaped', () => {
  it('"&amp;" in a slash command is stored and shown as "&"', async () => {
    const user = { id: 'U0AMP', name: 'amp' };
    const owner = await h.linkSlack(user, 'D0AMP');
    // What Slack sends when someone types `/sw catat 25rb kopi & roti <2>`: &, < and > escaped as entities.
    await slack.sendSlashCommand({ user, channelId: 'D0AMP', text: 'catat 25rb kopi &amp; roti &lt;2&gt;' });
    await h.settleInbox();
    const rows = await ledger(owner.id);
    expect(rows.map((r) => r.description)).toEqual(['kopi & roti <2>']);
    const answer = JSON.stringify(slack.responses.at(-1)!.body);
    expect(answer).toContain('kopi &amp; roti &lt;2&gt;');
    expect(answer).not.toContain('&amp;amp;');
  });
});

describe('amounts the Indonesian way', () => {
  it('"Rp 50.000,-" is Rp50.000', async () => {
    const user: TgUser = { id: 9301, first_name: 'Ketut' };
    const owner = await h.linkTelegram(user);
    await h.send(tg.update.text(user, '/catat Rp 50.000,- parkir'));
    expect(h.lastTo(user.id).plain).toContain('Pengeluaran dicatat: Rp50.000,00 — parkir');
    expect((await ledger(owner.id)).map((r) => r.amountMinor)).toEqual([-5_000_000]);
  });
});

describe('rate limit', () => {
  it('a flood of commands gets one "too many commands" answer per window, not one per message', async () => {
    const user: TgUser = { id: 9401, first_name: 'Banjir' };
    // Stay inside one fixed minute window (the limiter counts per calendar minute).
    const second = new Date().getSeconds();
    if (second > 45) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
    await Promise.all(Array.from({ length: 40 }, () => tg.deliver(tg.update.text(user, '/help'))));
    await h.settleInbox();
    const refusals = h.textsTo(user.id).filter((x) => x.startsWith('Terlalu banyak perintah'));
    expect(refusals).toHaveLength(1);
    expect(h.messagesTo(user.id)).toHaveLength(31);
  });
});

describe('private answers asked in a Telegram group', () => {
  it('when Telegram refuses the DM, the group is told to open a private chat and is not told it was sent', async () => {
    const user: TgUser = { id: 9501, first_name: 'Putu' };
    const group = { id: -1009501, type: 'group' as const, title: 'Kantor' };
    // Linked from the group itself: the user never opened a private chat with the bot.
    const owner = await t.createUser('tg-9501');
    const code = (await owner.client.post<{ code: string }>('/api/chat/link-code')).body.code;
    await h.send(tg.update.text(user, `/link ${code}`, group));
    expect(h.lastTo(group.id).plain).toContain('Akun terhubung');
    tg.neverStarted(user.id);

    await h.send(tg.update.text(user, '/payments', group));
    const said = h.textsTo(group.id).slice(1);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('Buka chat pribadi');
    expect(said.join('\n')).not.toContain('saya kirim lewat pesan langsung');
  });
});

describe('linking', () => {
  it('a chat linked to one user is not silently moved to another by their code', async () => {
    const user: TgUser = { id: 9601, first_name: 'Sinta' };
    const first = await h.linkTelegram(user);
    const other = await t.createUser('someone-else');
    const code = (await other.client.post<{ code: string }>('/api/chat/link-code')).body.code;
    await h.send(tg.update.text(user, `/link ${code}`));
    expect(h.lastTo(user.id).plain).toContain('/unlink');
    const identity = await t.hub.models.ChatIdentity.findOne({ channel: 'telegram', externalUserId: '9601' }).lean();
    expect(String(identity!.userId)).toBe(first.id);
    // The code was not spent: its owner can still link their own chat with it.
    await h.send(tg.update.text({ id: 9602, first_name: 'Other' }, `/link ${code}`));
    expect(h.lastTo(9602).plain).toContain('Akun terhubung');

    // The same user's fresh code on an already linked chat is fine (nothing changes owner).
    const again = (await first.client.post<{ code: string }>('/api/chat/link-code')).body.code;
    await h.send(tg.update.text(user, `/link ${again}`));
    expect(h.lastTo(user.id).plain).toContain('Akun terhubung');
  });
});
