import { isValidSlackRequest, webApi } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { Hono } from 'hono';
import QRCode from 'qrcode';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listen } from '../../sandbox/shared/listen.js';
import { startFakeSlack, type FakeSlack } from '../../sandbox/slack/index.js';
import type { Reply } from '../core/reply.js';
import { escapeMrkdwn, renderSlack } from './blocks.js';
import { parseEvent, parseInteraction, parseSlashCommand } from './requests.js';
import { SlackRateLimited, SlackResponder, createSlackClient } from './responder.js';
import { slackSignature, verifySlackSignature } from './signature.js';

const BOT_TOKEN = 'xoxb-sandbox-0000';
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
let fake: FakeSlack;
let hub: { url: string; close(): Promise<void> };
const received: { path: string; raw: string; headers: Record<string, string> }[] = [];

beforeAll(async () => {
  // A stand-in hub that only records what the fake Slack sends it; the real routes are tested end to end.
  const app = new Hono().post('/webhooks/slack/:kind', async (c) => {
    received.push({ path: c.req.path, raw: await c.req.text(), headers: Object.fromEntries(c.req.raw.headers) });
    return c.body(null, 200);
  });
  hub = await listen(app, {});
  fake = await startFakeSlack({ botToken: BOT_TOKEN, signingSecret: SECRET, hubUrl: hub.url });
});
afterAll(async () => {
  await fake.close();
  await hub.close();
});
beforeEach(() => {
  fake.reset();
  received.length = 0;
});

const last = () => received[received.length - 1];
const verify = (r: { raw: string; headers: Record<string, string> }, nowSeconds?: number) =>
  verifySlackSignature({ signingSecret: SECRET, rawBody: r.raw, timestamp: r.headers['x-slack-request-timestamp'], signature: r.headers['x-slack-signature'], nowSeconds });

describe('request signatures', () => {
  it('agrees with Bolt on what Slack signed, and refuses tampering', async () => {
    await fake.sendSlashCommand({ user: { id: 'U1' }, channelId: 'D1', text: 'pay 150rb qris' });
    const r = last();
    expect(verify(r)).toEqual({ ok: true });
    const headers = { 'x-slack-signature': r.headers['x-slack-signature'], 'x-slack-request-timestamp': Number(r.headers['x-slack-request-timestamp']) };
    expect(isValidSlackRequest({ signingSecret: SECRET, body: r.raw, headers })).toBe(true);
    const tampered = r.raw.replace('150rb', '950rb');
    expect(verify({ ...r, raw: tampered })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(isValidSlackRequest({ signingSecret: SECRET, body: tampered, headers })).toBe(false);
  });

  it('refuses timestamps more than five minutes away in either direction, and missing headers', () => {
    const now = 1_700_000_000;
    const body = 'token=x&text=help';
    const at = (ts: number) => verifySlackSignature({ signingSecret: SECRET, rawBody: body, timestamp: String(ts), signature: slackSignature(SECRET, ts, body), nowSeconds: now });
    expect(at(now - 299)).toEqual({ ok: true });
    expect(at(now - 301)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(at(now + 301)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifySlackSignature({ signingSecret: SECRET, rawBody: body, timestamp: String(now), signature: undefined, nowSeconds: now })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verifySlackSignature({ signingSecret: SECRET, rawBody: body, timestamp: String(now), signature: 'v0=abc', nowSeconds: now })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('the fake can forge and age requests for the 401 tests', async () => {
    await fake.sendSlashCommand({ user: { id: 'U1' }, channelId: 'D1', text: 'help' }, { signingSecret: 'wrong' });
    expect(verify(last())).toEqual({ ok: false, reason: 'bad_signature' });
    await fake.sendSlashCommand({ user: { id: 'U1' }, channelId: 'D1', text: 'help' }, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(verify(last())).toEqual({ ok: false, reason: 'stale_timestamp' });
  });
});

describe('parsing what Slack sends', () => {
  it('a slash command /sw <command> becomes the core command, keyed by its trigger', async () => {
    await fake.sendSlashCommand({ user: { id: 'U1', name: 'sari' }, channelId: 'C0GENERAL', text: 'pay Rp 150.000 qris makan', triggerId: '123.456.abc' });
    const inbound = parseSlashCommand(new URLSearchParams(last().raw));
    expect(inbound).toMatchObject({ kind: 'command', dedupeKey: 'trigger:123.456.abc', text: '/pay Rp 150.000 qris makan', origin: { channel: 'slack', externalUserId: 'T0SANDBOX:U1', chatId: 'C0GENERAL', isGroup: true } });
    await fake.sendSlashCommand({ user: { id: 'U1' }, channelId: 'D0DM', text: '' });
    expect(parseSlashCommand(new URLSearchParams(last().raw))).toMatchObject({ text: '/help', origin: { isGroup: false } });
    expect(() => parseSlashCommand(new URLSearchParams('command=%2Fsw&text=x'))).toThrow();
  });

  it('a button press carries the confirmation token, the response_url and the trigger', async () => {
    const { message } = renderSlack({ visibility: 'private', blocks: [{ type: 'buttons', buttons: [{ label: 'Konfirmasi', token: 'sw:AAAAAAAAAAAAAAAA:0', style: 'primary' }, { label: 'Batal', token: 'sw:AAAAAAAAAAAAAAAA:1' }] }] });
    const posted = await new WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl }).chat.postMessage({ channel: 'D0DM', text: message.text, blocks: message.blocks as never });
    const sent = fake.messages.find((m) => m.ts === posted.ts)!;
    await fake.pressButton({ user: { id: 'U1' }, message: sent, actionIndex: 1, triggerId: '9.9.z' });
    const inbound = parseInteraction(new URLSearchParams(last().raw));
    expect(inbound).toMatchObject({ kind: 'button', token: 'sw:AAAAAAAAAAAAAAAA:1', dedupeKey: 'trigger:9.9.z', messageTs: posted.ts, origin: { externalUserId: 'T0SANDBOX:U1', chatId: 'D0DM', isGroup: false } });
  });

  it('events: DMs and mentions become commands, bots and edits are ignored, url_verification echoes', async () => {
    await fake.sendEvent({ type: 'message', channel_type: 'im', user: 'U1', channel: 'D0DM', text: 'payments 5', ts: '1.1' }, { eventId: 'Ev1' });
    expect(parseEvent(JSON.parse(last().raw))).toMatchObject({ kind: 'message', dedupeKey: 'event:Ev1', text: '/payments 5' });
    await fake.sendEvent({ type: 'app_mention', user: 'U1', channel: 'C0GENERAL', text: '<@U0SWBOT> /help', ts: '1.2' });
    expect(parseEvent(JSON.parse(last().raw))).toMatchObject({ kind: 'message', text: '/help', origin: { isGroup: true } });
    await fake.sendEvent({ type: 'message', channel_type: 'im', bot_id: 'B0SWBOT', channel: 'D0DM', text: 'echo', ts: '1.3' });
    expect(parseEvent(JSON.parse(last().raw))).toMatchObject({ kind: 'ignored' });
    await fake.sendEvent({ type: 'file_shared', file_id: 'F1', user_id: 'U1', channel_id: 'D0DM', file: { id: 'F1' } });
    expect(parseEvent(JSON.parse(last().raw))).toMatchObject({ kind: 'file', fileId: 'F1' });
    expect(parseEvent({ type: 'url_verification', challenge: 'abc', token: 't' })).toEqual({ kind: 'url_verification', challenge: 'abc' });
  });
});

describe('Block Kit rendering, sent through the official client', () => {
  const summary: Reply = {
    visibility: 'private',
    blocks: [
      { type: 'heading', text: 'Ringkasan pembayaran' },
      { type: 'text', text: 'Bayar <!channel> & <https://evil.example|klik> untuk *makan*' },
      { type: 'fields', fields: [{ label: 'Jumlah', value: 'Rp150.000,00' }, { label: 'VA BCA', value: '82770812345', copy: true }] },
      { type: 'table', columns: ['Tanggal', 'Jumlah'], rows: [['12 Mar 14.05 WIB', 'Rp150.000,00']] },
      { type: 'buttons', buttons: [{ label: 'Konfirmasi', token: 'sw:AAAAAAAAAAAAAAAA:0', style: 'primary' }, { label: 'Batal', token: 'sw:AAAAAAAAAAAAAAAA:1', style: 'danger' }] },
    ],
  };

  it('private replies are ephemeral and user text cannot ping the channel or forge links', () => {
    const { message } = renderSlack(summary);
    expect(message.response_type).toBe('ephemeral');
    const json = JSON.stringify(message.blocks);
    expect(json).toContain(escapeMrkdwn('<!channel>'));
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil.example|klik>');
    expect(renderSlack({ ...summary, visibility: 'public' }).message.response_type).toBe('in_channel');
  });

  it('the fake accepts what we render and refuses what Slack would refuse', async () => {
    const client = createSlackClient(BOT_TOKEN, fake.apiUrl);
    const { message } = renderSlack(summary);
    await client.chat.postEphemeral({ channel: 'C0GENERAL', user: 'U1', text: message.text, blocks: message.blocks as never });
    expect(fake.messages[0]).toMatchObject({ ephemeralFor: 'U1', channel: 'C0GENERAL' });
    const bad = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] as never }).catch((e) => e);
    expect(bad.data).toMatchObject({ ok: false, error: 'invalid_blocks' });
    const long = renderSlack({ visibility: 'public', blocks: [{ type: 'text', text: '&'.repeat(5000) }] });
    await client.chat.postMessage({ channel: 'C0GENERAL', text: long.message.text, blocks: long.message.blocks as never });
  });

  it('answers a command through its response_url and uploads the QR image into the user DM', async () => {
    const png = await QRCode.toBuffer('00020101021226610014ID.CO.QRIS.WWW', { type: 'png' });
    const { message, uploads } = renderSlack({ ...summary, blocks: [...summary.blocks, { type: 'image', data: png, filename: 'qris.png', mimeType: 'image/png', caption: 'QRIS Rp150.000' }] });
    const responseUrl = fake.responseUrl();
    await new SlackResponder(createSlackClient(BOT_TOKEN, fake.apiUrl)).send(message, uploads, { channelId: 'C0GENERAL', userId: 'U1', responseUrl });
    const [posted] = await fake.waitForResponse(responseUrl);
    expect(posted).toMatchObject({ response_type: 'ephemeral' });
    const open = await fake.waitFor('conversations.open');
    expect(open.params.users).toBe('U1');
    const file = [...fake.files.values()].find((f) => f.name === 'qris.png')!;
    expect(file.bytes.equals(png)).toBe(true);
    expect(file.channels[0]).toMatch(/^D/);
  });

  it('a 429 from the Web API surfaces with its Retry-After seconds instead of a sleep inside the client', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 9 });
    const responder = new SlackResponder(createSlackClient(BOT_TOKEN, fake.apiUrl));
    const { message } = renderSlack({ visibility: 'public', blocks: [{ type: 'text', text: 'Pembayaran lunas' }] });
    const err = await responder.send(message, [], { channelId: 'D0DM', userId: 'U1' }).catch((e) => e);
    expect(err).toBeInstanceOf(SlackRateLimited);
    expect(err.retryAfterSeconds).toBe(9);
    await responder.send(message, [], { channelId: 'D0DM', userId: 'U1' });
    expect(fake.messages.map((m) => m.text)).toEqual(['Pembayaran lunas']);
  });
});

describe('the fake Web API as @slack/web-api sees it', () => {
  it('checks the bot token like Slack', async () => {
    expect(await new WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl }).auth.test()).toMatchObject({ ok: true, team_id: 'T0SANDBOX', user_id: 'U0SWBOT' });
    const err = await new WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } }).auth.test().catch((e) => e);
    expect(err.data).toMatchObject({ ok: false, error: 'invalid_auth' });
  });

  it('serves a shared file only with the bot token, as real Slack does', async () => {
    const csv = Buffer.from('Tanggal,Keterangan,Jumlah\n12/03,TRSF,150000.00\n');
    const shared = fake.addFile(csv, { name: 'mutasi.csv', mimetype: 'text/csv', user: 'U1', channel: 'D0DM' });
    const info = await new webApi.WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl }).files.info({ file: shared.id });
    const url = info.file!.url_private_download!;
    const withToken = await fetch(url, { headers: { authorization: `Bearer ${BOT_TOKEN}` } });
    expect(Buffer.from(await withToken.arrayBuffer()).equals(csv)).toBe(true);
    const without = await fetch(url);
    expect(without.headers.get('content-type')).toContain('text/html');
  });

  it('files.uploadV2 completes its three steps against the fake', async () => {
    const client = new WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl });
    const res = await client.filesUploadV2({ channel_id: 'D0DM', file: Buffer.from('a,b\n1,2\n'), filename: 'export.csv', title: 'Ekspor' });
    expect(res.ok).toBe(true);
    const stored = [...fake.files.values()].find((f) => f.name === 'export.csv')!;
    expect(stored).toMatchObject({ title: 'Ekspor', channels: ['D0DM'] });
    expect(stored.bytes.toString()).toBe('a,b\n1,2\n');
  });

  it('a response_url takes five posts at most', async () => {
    const url = fake.responseUrl();
    for (let i = 0; i < 5; i++) expect((await fetch(url, { method: 'POST', body: JSON.stringify({ text: `${i}` }) })).status).toBe(200);
    expect((await fetch(url, { method: 'POST', body: JSON.stringify({ text: 'sixth' }) })).status).toBe(404);
  });
});
