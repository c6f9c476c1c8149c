/**
 * The market commands in real conversations: Telegram updates and Slack slash commands through the webhook routes
 * (signed, stored in the inbox, applied), answered by the market services over their simulators. Indonesian and
 * English replies, the seasonal chart as a photo / an uploaded file, friendly refusals naming what was typed, and
 * the per-user enabledServices switch on the chat and the REST routes alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TgUser } from '../sandbox/telegram/index.js';
import { chatHelpers } from './chat-helpers.js';
import { eventually, startTestHub, type TestHub } from './harness.js';

let t: TestHub;
let h: ReturnType<typeof chatHelpers>;

beforeAll(async () => {
  t = await startTestHub();
  h = chatHelpers(t);
});
afterAll(() => t?.stop());

describe('market commands on Telegram (Indonesian)', () => {
  const rina: TgUser = { id: 8101, first_name: 'Rina', language_code: 'id' };
  let owner: Awaited<ReturnType<typeof h.linkTelegram>>;
  const ask = async (text: string) => {
    await h.send(h.tg.update.text(rina, text));
    return h.lastTo(rina.id);
  };

  beforeAll(async () => {
    owner = await h.linkTelegram(rina);
  });

  it('converts an amount typed the Indonesian way at today\'s rate, and at a past date\'s (a Saturday gives Friday\'s)', async () => {
    const today = await ask('/convert 100 USD IDR');
    expect(today.plain).toMatch(/USD 100,00 = Rp\d{1,3}(\.\d{3})+,\d{2}/);
    const api = await owner.client.get<{ to: { amountMinor: number } }>('/api/external/currency/convert?amount=100&from=USD&to=IDR');
    const [, rupiah] = /= Rp([\d.]+),(\d{2})/.exec(today.plain!)!;
    expect(Number(rupiah.replace(/\./g, '')) * 100 + Number(/= Rp[\d.]+,(\d{2})/.exec(today.plain!)![1])).toBe(api.body.to.amountMinor);

    const past = await ask('/konversi 1,5jt IDR JPY 06/01/2024');
    expect(past.plain).toContain('Rp1.500.000,00 = JPY ');
    expect(past.plain).toMatch(/JPY \d{1,3}(\.\d{3})*\n/); // yen have no decimals
    expect(past.plain).toContain('Tanggal kurs: 2024-01-05');
    expect(past.plain).toContain('Tidak ada kurs pada 2024-01-06');
  });

  it('names an unknown currency and says what to type; a bad amount gets the usage line', async () => {
    const unknown = await ask('/convert 100 XYZ IDR');
    expect(unknown.plain).toContain('Mata uang "XYZ" tidak dikenal');
    expect(unknown.plain).toContain('/convert 100 USD IDR');
    const amount = await ask('/convert seratus USD IDR');
    expect(amount.plain).toContain('bukan jumlah uang');
    expect(amount.plain).toContain('/convert <jumlah> <dari> <ke> [tanggal]');
    const date = await ask('/convert 100 USD IDR 31/02/2024');
    expect(date.plain).toContain('tanggal: YYYY-MM-DD / DD/MM/YYYY');
    // A date after IDR (which the core would glue to a number) still counts as the date.
    expect((await ask('/convert 100 USD IDR 2024-01-05')).plain).toContain('Tanggal kurs: 2024-01-05');
  });

  it('/rates shows what one unit of the popular currencies costs in the home currency', async () => {
    const rates = await ask('/rates');
    expect(rates.plain).toContain('Kurs terhadap IDR');
    expect(rates.plain).toMatch(/1 USD\s+\d{1,3}(\.\d{3})+(,\d+)? IDR/);
    expect(rates.plain).toContain('Sumber:');
    const usd = await ask('/kurs usd');
    expect(usd.plain).toContain('Kurs terhadap USD');
    expect((await ask('/rates ABC')).plain).toContain('Mata uang "ABC" tidak dikenal');
  });

  it('/stock gives a quote, the watch list without a ticker, and names an unknown ticker', async () => {
    const bbca = await ask('/stock bbca');
    expect(bbca.plain).toContain('BBCA');
    expect(bbca.plain).toMatch(/Harga: Rp\d/);
    expect(bbca.plain).toContain('Perubahan hari ini');
    const watch = await ask('/saham');
    expect(watch.plain).toContain('Daftar pantauan');
    expect(watch.plain).toContain('TLKM');
    const unknown = await ask('/stock QQQQ');
    expect(unknown.plain).toContain('Saham "QQQQ" tidak ditemukan di BEI');
    expect(unknown.plain).toContain('/stock BBCA');
  });

  it('/portfolio values the holdings set through the API', async () => {
    expect((await ask('/portfolio')).plain).toContain('Portofolio masih kosong');
    const set = await owner.client.request('PUT', '/api/external/portfolio/BBCA', { lots: 10, averagePrice: '9000' });
    expect(set.status).toBe(200);
    const valued = await owner.client.get<{ totals: { valueMinor: number } }>('/api/external/portfolio');
    const reply = await ask('/portfolio');
    expect(reply.plain).toContain('Portofolio Anda');
    expect(reply.plain).toContain('BBCA');
    const total = /Total nilai: Rp([\d.]+),(\d{2})/.exec(reply.plain!)!;
    expect(Number(total[1].replace(/\./g, '')) * 100 + Number(total[2])).toBe(valued.body.totals.valueMinor);
  });

  it('/weather answers the weather now and sends the seasonal spending chart as a photo', async () => {
    const before = h.messagesTo(rina.id).length;
    await h.send(h.tg.update.text(rina, '/weather Bandung'));
    const [current, chart] = h.messagesTo(rina.id).slice(before);
    expect(current.plain).toContain('Cuaca di Bandung');
    expect(current.plain).toMatch(/Suhu: -?\d+(\.\d+)? °C/);
    expect(chart.photo!.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(chart.caption).toContain('Belanja per bulan vs curah hujan');
    const unknown = await ask('/cuaca Atlantisxyz');
    expect(unknown.plain).toContain('Kota "Atlantisxyz" tidak ditemukan');
  });

  it('/news lists stories as links, filtered by ticker or keyword', async () => {
    const bbca = await ask('/news BBCA');
    expect(bbca.plain).toContain('Berita: BBCA');
    expect(bbca.text).toMatch(/\]\(https?:\/\//); // each story is a link to its article
    const none = await ask('/berita zzzqqq');
    expect(none.plain).toContain('Tidak ada berita untuk "zzzqqq"');
  });

  it('a service switched off is refused in chat and by REST with how to switch it on; settings and status stay open', async () => {
    const off = await owner.client.request('PUT', '/api/external/settings', { enabledServices: ['currency', 'weather', 'news'] });
    expect(off.status).toBe(200);
    const refused = await ask('/stock BBCA');
    expect(refused.plain).toContain('Layanan saham dimatikan');
    expect(refused.plain).toContain('/market nyala saham');
    expect(refused.plain).toContain('"enabledServices" berisi "stocks"');
    expect((await ask('/portfolio')).plain).toContain('Layanan saham dimatikan');

    const rest = await owner.client.get<{ error: { code: string; message: string; details: { service: string; enable: string } } }>('/api/external/stocks?symbols=BBCA');
    expect(rest.status).toBe(403);
    expect(rest.body.error).toMatchObject({ code: 'FORBIDDEN', details: { service: 'stocks' } });
    expect(rest.body.error.details.enable).toContain('PUT /api/external/settings');
    expect((await owner.client.get('/api/external/portfolio')).status).toBe(403);
    expect((await owner.client.request('DELETE', '/api/external/portfolio/BBCA')).status).toBe(403);
    expect((await owner.client.get('/api/external/currency?base=USD&symbols=IDR')).status).toBe(200);
    expect((await owner.client.get('/api/external/status')).status).toBe(200);
    expect((await owner.client.get('/api/external/settings')).status).toBe(200);

    await owner.client.request('PUT', '/api/external/settings', { enabledServices: ['currency', 'stocks', 'weather', 'news'] });
    expect((await ask('/stock BBCA')).plain).toMatch(/Harga: Rp\d/);
  });

  it('/market shows and changes the market settings in chat, through the same checks as the REST route', async () => {
    // Its own user: this is more commands than the per-user chat rate limit lets one user send in a burst.
    const made: TgUser = { id: 8102, first_name: 'Made', language_code: 'id' };
    const owner = await h.linkTelegram(made);
    const ask = async (text: string) => {
      await h.send(h.tg.update.text(made, text));
      return h.lastTo(made.id);
    };
    const shown = await ask('/market');
    expect(shown.plain).toContain('Mata uang utama: IDR');
    expect(shown.plain).toContain('Saham pantauan: BBCA, TLKM');

    expect((await ask('/market mata-uang sgd')).plain).toContain('Mata uang utama: SGD');
    expect((await ask('/market kota Bandung')).plain).toContain('Kota: Bandung');
    expect((await ask('/market pantau tambah bbri')).plain).toContain('Saham pantauan: BBCA, TLKM, BBRI');
    expect((await ask('/market pantau hapus TLKM')).plain).toContain('Saham pantauan: BBCA, BBRI');
    // Unknown values name what was typed and change nothing.
    expect((await ask('/market mata-uang XYZ')).plain).toContain('Mata uang "XYZ" tidak dikenal');
    expect((await ask('/market pantau tambah ZZZZ')).plain).toContain('Saham "ZZZZ" tidak ditemukan');
    expect((await ask('/market warna biru')).plain).toContain('currency | city | watch | on | off');

    // Switching a service off in chat refuses it in chat and by REST; /market itself stays open to switch it back.
    expect((await ask('/market mati berita')).plain).toContain('berita: mati');
    expect((await ask('/news BBCA')).plain).toContain('Layanan berita dimatikan');
    expect((await owner.client.get('/api/external/news?q=BBCA')).status).toBe(403);
    expect((await ask('/market nyala berita')).plain).toContain('berita: nyala');

    const rest = await owner.client.get<{ homeCurrency: string; city: string; watchList: string[]; enabledServices: string[] }>('/api/external/settings');
    expect(rest.body).toMatchObject({ homeCurrency: 'SGD', city: 'Bandung', watchList: ['BBCA', 'BBRI'], enabledServices: ['currency', 'stocks', 'weather', 'news'] });
  });

  it('an unlinked user gets the linking instructions, not market data', async () => {
    await h.send(h.tg.update.text({ id: 8199, first_name: 'Tamu' }, '/convert 100 USD IDR'));
    expect(h.lastTo(8199).plain).toContain('/link KODE');
  });
});

describe('market commands on Slack (English)', () => {
  const user = { id: 'U0MARKET', name: 'maya' };
  const channelId = 'D0MARKET';
  const lastResponse = () => JSON.stringify(h.slack.responses.at(-1)!.body);
  const slash = async (text: string) => {
    const before = h.slack.responses.length;
    const ack = await h.slack.sendSlashCommand({ user, channelId, text });
    expect(ack.status).toBe(200);
    await h.settleInbox();
    await eventually(async () => h.slack.responses.length, (n) => n > before, 10_000);
    return lastResponse();
  };

  beforeAll(async () => {
    await h.linkSlack(user, channelId);
    await slash('settings bahasa en');
  });

  it('converts with English grouping, names an unknown currency in English', async () => {
    const text = await slash('convert 100 usd jpy');
    expect(text).toMatch(/USD 100\.00 = JPY \d{1,3}(,\d{3})*/);
    expect(text).toContain('Rate date');
    const unknown = await slash('convert 100 usd qqq');
    expect(unknown).toContain('Unknown currency \\"QQQ\\"');
    expect(unknown).toContain('/convert 100 USD IDR');
  });

  it('names an unknown ticker and sends the seasonal chart as an uploaded PNG', async () => {
    expect(await slash('stock ZZZZ')).toContain('No IDX stock called \\"ZZZZ\\"');
    const filesBefore = h.slack.files.size;
    await h.slack.sendSlashCommand({ user, channelId, text: 'weather Surabaya' });
    await h.settleInbox();
    const file = await eventually(async () => [...h.slack.files.values()].slice(filesBefore).find((f) => f.mimetype === 'image/png'), Boolean, 10_000);
    expect(file!.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(JSON.stringify(h.slack.responses.slice(-3).map((r) => r.body))).toContain('Weather in Surabaya');
  });
});
