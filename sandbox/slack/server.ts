/**
 * A fake Slack on loopback: the Web API methods the hub's bot uses (same `{ok, error}` envelope, HTTP 429 with
 * Retry-After, Block Kit limits checked as `invalid_blocks`), response_url receivers, private file downloads
 * that need the bot token (an HTML login page otherwise, as real Slack does) and the three-step file upload.
 * It also plays the Slack side: it sends signed slash commands, block_actions interactions and events to the hub.
 *
 * Judged by the official client: `new WebClient(token, { slackApiUrl: fake.apiUrl })`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { escapeHtml } from '../shared/deliver.js';
import { createSimulatorKit, type SimulatorKit } from '../shared/kit.js';

/** Slack's own signing of what it sends (v0 HMAC-SHA256 over `v0:<ts>:<body>`), kept here so the fake is self-contained. */
function slackSignature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface FakeSlackOptions {
  botToken: string;
  signingSecret: string;
  port?: number;
  teamId?: string;
  /** The hub's base URL; requests go to `${hubUrl}/webhooks/slack/commands|interactions|events`. */
  hubUrl?: string;
}

export interface SlackCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

export interface PostedMessage {
  ts: string;
  channel: string;
  text?: string;
  blocks?: Record<string, unknown>[];
  ephemeralFor?: string;
  /** Set for messages posted through a response_url. */
  viaResponseUrl?: string;
  edits: number;
}

export interface SlackFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  bytes: Buffer;
  channels: string[];
  user: string;
}

export interface SlackUserRef {
  id: string;
  name?: string;
}

export interface FakeSlack {
  url: string;
  /** What the hub sets as slackApiUrl. */
  apiUrl: string;
  calls: SlackCall[];
  messages: PostedMessage[];
  files: Map<string, SlackFile>;
  responses: { url: string; body: Record<string, unknown>; at: number }[];
  waitFor(method: string, match?: (c: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  waitForResponse(url: string, count?: number, timeoutMs?: number): Promise<Record<string, unknown>[]>;
  failNext(method: string, fault: { status: 429; retryAfter: number } | { error: string }, times?: number): void;
  responseUrl(): string;
  addFile(bytes: Buffer, meta: { name: string; mimetype: string; user: string; channel?: string }): SlackFile;
  /** Signs and POSTs like Slack; `timestamp`/`signingSecret` overrides let tests forge or age a request. */
  sendSlashCommand(input: { user: SlackUserRef; channelId: string; text: string; channelName?: string; triggerId?: string }, sign?: SignOverride): Promise<HubAnswer>;
  pressButton(input: { user: SlackUserRef; message: PostedMessage; actionIndex?: number; triggerId?: string; channelId?: string }, sign?: SignOverride): Promise<HubAnswer>;
  sendEvent(event: Record<string, unknown>, options?: SignOverride & { eventId?: string; retryNum?: number }): Promise<HubAnswer>;
  /** The last request body sent to the hub (for replaying it byte for byte). */
  lastRequest(): { path: string; body: string; headers: Record<string, string> } | undefined;
  /** The simulator kit: API faults (`kit.injectFaults`) and the /_sandbox page. */
  kit: SimulatorKit;
  /** Where the hub listens (the registry sets it once the hub does). */
  setHubUrl(url: string): void;
  resend(): Promise<HubAnswer>;
  reset(): void;
  close(): Promise<void>;
}

export interface SignOverride {
  timestamp?: number;
  signingSecret?: string;
  omitSignature?: boolean;
}

export interface HubAnswer {
  status: number;
  body: string;
  ms: number;
}

type Fault = { status: 429; retryAfter: number } | { error: string };

export async function startFakeSlack(options: FakeSlackOptions): Promise<FakeSlack> {
  const teamId = options.teamId ?? 'T0SANDBOX';
  const botUserId = 'U0SWBOT';
  const calls: SlackCall[] = [];
  const messages: PostedMessage[] = [];
  const files = new Map<string, SlackFile>();
  const responses: FakeSlack['responses'] = [];
  const responseUses = new Map<string, number>();
  const faults = new Map<string, Fault[]>();
  const pendingUploads = new Map<string, { filename: string; length: number; bytes?: Buffer }>();
  const waiters: { check: () => boolean; resolve: () => void }[] = [];
  let lastRequest: { path: string; body: string; headers: Record<string, string> } | undefined;
  let tsCounter = 0;
  let fileCounter = 0;
  let triggerCounter = 0;
  let eventCounter = 0;
  let base = '';
  let hubUrl = options.hubUrl;

  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`;
  const notify = () => {
    for (const w of [...waiters]) if (w.check()) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
  };

  const addFile: FakeSlack['addFile'] = (bytes, meta) => {
    const id = `F0${String(++fileCounter).padStart(8, '0')}`;
    const file: SlackFile = { id, name: meta.name, title: meta.name, mimetype: meta.mimetype, bytes, channels: meta.channel ? [meta.channel] : [], user: meta.user };
    files.set(id, file);
    return file;
  };

  const fileObject = (f: SlackFile) => ({
    id: f.id,
    name: f.name,
    title: f.title,
    mimetype: f.mimetype,
    filetype: f.name.split('.').pop(),
    size: f.bytes.length,
    user: f.user,
    channels: f.channels,
    url_private: `${base}/files-pri/${teamId}-${f.id}/${encodeURIComponent(f.name)}`,
    url_private_download: `${base}/files-pri/${teamId}-${f.id}/download/${encodeURIComponent(f.name)}`,
    permalink: `${base}/files/${botUserId}/${f.id}/${encodeURIComponent(f.name)}`,
  });

  const methods: Record<string, (p: Record<string, unknown>) => Record<string, unknown>> = {
    'auth.test': () => ({ url: `${base}/`, team: 'SmartWealth Sandbox', user: 'swhub', team_id: teamId, user_id: botUserId, bot_id: 'B0SWBOT', is_enterprise_install: false }),
    'chat.postMessage': (p) => {
      const channel = requireString(p, 'channel', 'channel_not_found');
      const blocks = checkMessage(p);
      const m: PostedMessage = { ts: nextTs(), channel, text: p.text as string | undefined, blocks, edits: 0 };
      messages.push(m);
      return { channel, ts: m.ts, message: { type: 'message', text: m.text, blocks, bot_id: 'B0SWBOT', ts: m.ts } };
    },
    'chat.postEphemeral': (p) => {
      const channel = requireString(p, 'channel', 'channel_not_found');
      const user = requireString(p, 'user', 'user_not_in_channel');
      const blocks = checkMessage(p);
      const m: PostedMessage = { ts: nextTs(), channel, text: p.text as string | undefined, blocks, ephemeralFor: user, edits: 0 };
      messages.push(m);
      return { message_ts: m.ts };
    },
    'chat.update': (p) => {
      const m = messages.find((x) => x.channel === p.channel && x.ts === p.ts);
      if (!m) throw new SlackApiError('message_not_found');
      const blocks = checkMessage(p);
      Object.assign(m, { text: p.text, blocks, edits: m.edits + 1 });
      return { channel: m.channel, ts: m.ts, text: m.text };
    },
    'conversations.open': (p) => {
      const users = requireString(p, 'users', 'users_list_not_supplied');
      return { channel: { id: `D${users.replace(/^U/, '').slice(0, 10)}` } };
    },
    'files.info': (p) => {
      const f = files.get(String(p.file ?? ''));
      if (!f) throw new SlackApiError('file_not_found');
      return { file: fileObject(f) };
    },
    'files.getUploadURLExternal': (p) => {
      const filename = requireString(p, 'filename', 'invalid_arguments');
      const length = Number(p.length);
      if (!Number.isInteger(length) || length <= 0) throw new SlackApiError('invalid_arguments');
      const id = `F0${String(++fileCounter).padStart(8, '0')}`;
      pendingUploads.set(id, { filename, length });
      return { upload_url: `${base}/upload/v1/${id}`, file_id: id };
    },
    'files.completeUploadExternal': (p) => {
      const list = (typeof p.files === 'string' ? JSON.parse(p.files) : p.files) as { id: string; title?: string }[];
      if (!Array.isArray(list) || !list.length) throw new SlackApiError('invalid_arguments');
      const done = list.map((item) => {
        const pending = pendingUploads.get(item.id);
        if (!pending?.bytes) throw new SlackApiError('file_not_found');
        pendingUploads.delete(item.id);
        const channel = p.channel_id ? String(p.channel_id) : undefined;
        const f: SlackFile = { id: item.id, name: pending.filename, title: item.title ?? pending.filename, mimetype: mimeOf(pending.filename), bytes: pending.bytes, channels: channel ? [channel] : [], user: botUserId };
        files.set(f.id, f);
        return fileObject(f);
      });
      return { files: done };
    },
  };

  function checkMessage(p: Record<string, unknown>): Record<string, unknown>[] | undefined {
    const blocks = (typeof p.blocks === 'string' ? JSON.parse(p.blocks) : p.blocks) as Record<string, unknown>[] | undefined;
    if (!p.text && !blocks?.length) throw new SlackApiError('no_text');
    if (blocks) {
      const errors = blockErrors(blocks);
      if (errors.length) throw new SlackApiError('invalid_blocks', { errors });
    }
    return blocks;
  }

  const kit = createSimulatorKit({ name: 'Slack', errorBody: () => ({ ok: false, error: 'internal_error' }) });
  const app = kit.api;
  app.on(['GET', 'POST'], '/api/:method', async (c) => {
    const method = c.req.param('method');
    const params = await readParams(c);
    const auth = c.req.header('authorization');
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : (params.token as string | undefined);
    calls.push({ method, params, at: Date.now() });
    notify();
    const fault = faults.get(method)?.shift();
    if (fault && 'status' in fault) return c.json({ ok: false, error: 'ratelimited' }, 429, { 'retry-after': String(fault.retryAfter) });
    if (fault) return c.json({ ok: false, error: fault.error });
    if (!token) return c.json({ ok: false, error: 'not_authed' });
    if (token !== options.botToken) return c.json({ ok: false, error: 'invalid_auth' });
    const handler = methods[method];
    if (!handler) return c.json({ ok: false, error: 'unknown_method' });
    try {
      return c.json({ ok: true, ...handler(params) });
    } catch (err) {
      if (err instanceof SlackApiError) return c.json({ ok: false, error: err.message, ...err.extra });
      throw err;
    }
  });
  app.post('/upload/v1/:id', async (c) => {
    const pending = pendingUploads.get(c.req.param('id'));
    if (!pending) return c.text('not found', 404);
    const type = c.req.header('content-type') ?? '';
    let bytes: Buffer;
    if (type.includes('multipart/form-data')) {
      const form = await c.req.parseBody({ all: true });
      const file = Object.values(form).find((v): v is File => v instanceof File);
      bytes = file ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
    } else bytes = Buffer.from(await c.req.arrayBuffer());
    pending.bytes = bytes;
    return c.text(`OK - ${bytes.length}`);
  });
  app.get('/files-pri/:teamFile/*', (c) => {
    if (c.req.header('authorization') !== `Bearer ${options.botToken}`) return c.html('<!DOCTYPE html><html><body>Sign in to Slack</body></html>');
    const id = c.req.param('teamFile').split('-').pop()!;
    const f = files.get(id);
    if (!f) return c.text('not found', 404);
    return c.body(new Uint8Array(f.bytes), 200, { 'content-type': f.mimetype });
  });
  app.post('/response/:id', async (c) => {
    const url = `${base}/response/${c.req.param('id')}`;
    const uses = (responseUses.get(url) ?? 0) + 1;
    responseUses.set(url, uses);
    if (uses > 5) return c.text('used_url', 404);
    let body: Record<string, unknown>;
    try {
      body = await c.req.json();
    } catch {
      return c.text('invalid_payload', 400);
    }
    const blocks = body.blocks as Record<string, unknown>[] | undefined;
    if (!body.text && !blocks?.length && !body.delete_original) return c.text('no_text', 400);
    if (blocks && blockErrors(blocks).length) return c.text('invalid_blocks', 400);
    responses.push({ url, body, at: Date.now() });
    const original = messages.find((m) => m.viaResponseUrl === url);
    if (body.replace_original && original) Object.assign(original, { text: body.text, blocks, edits: original.edits + 1 });
    else messages.push({ ts: nextTs(), channel: 'response', text: body.text as string | undefined, blocks, viaResponseUrl: url, ephemeralFor: body.response_type === 'in_channel' ? undefined : 'requester', edits: 0 });
    notify();
    return c.text('ok');
  });

  controls(kit, () => fake);
  const server = await kit.listen({ port: options.port });
  base = server.url;

  async function post(path: string, body: string, contentType: string, sign: SignOverride = {}, extra: Record<string, string> = {}): Promise<HubAnswer> {
    if (!hubUrl) throw new Error('fake Slack has no hubUrl to send to');
    const timestamp = String(sign.timestamp ?? Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = { 'content-type': contentType, 'x-slack-request-timestamp': timestamp, ...extra };
    if (!sign.omitSignature) headers['x-slack-signature'] = slackSignature(sign.signingSecret ?? options.signingSecret, timestamp, body);
    lastRequest = { path, body, headers };
    const started = performance.now();
    const res = await fetch(`${hubUrl}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.text(), ms: performance.now() - started };
  }

  const fake: FakeSlack = {
    url: base,
    apiUrl: `${base}/api/`,
    calls,
    messages,
    files,
    responses,
    kit,
    waitFor(method, match, timeoutMs = 5000) {
      const find = () => calls.find((c) => c.method === method && (!match || match(c)));
      return waitUntil(find, timeoutMs, () => `no ${method} call; seen: ${calls.map((c) => c.method).join(', ') || 'none'}`);
    },
    waitForResponse(url, count = 1, timeoutMs = 5000) {
      const got = () => {
        const list = responses.filter((r) => r.url === url).map((r) => r.body);
        return list.length >= count ? list : undefined;
      };
      return waitUntil(got, timeoutMs, () => `fewer than ${count} posts to ${url}; got ${responses.filter((r) => r.url === url).length}`);
    },
    failNext(method, fault, times = 1) {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push(fault);
      faults.set(method, queue);
    },
    responseUrl: () => `${base}/response/${randomBytes(9).toString('hex')}`,
    addFile,
    sendSlashCommand(input, sign) {
      const form = new URLSearchParams({
        token: 'deprecated-verification-token',
        team_id: teamId,
        team_domain: 'smartwealth-sandbox',
        channel_id: input.channelId,
        channel_name: input.channelName ?? (input.channelId.startsWith('D') ? 'directmessage' : 'general'),
        user_id: input.user.id,
        user_name: input.user.name ?? input.user.id.toLowerCase(),
        command: '/sw',
        text: input.text,
        api_app_id: 'A0SWHUB',
        is_enterprise_install: 'false',
        response_url: fake.responseUrl(),
        trigger_id: input.triggerId ?? `${Date.now()}.${++triggerCounter}.${randomBytes(8).toString('hex')}`,
      });
      return post('/webhooks/slack/commands', form.toString(), 'application/x-www-form-urlencoded', sign);
    },
    pressButton(input, sign) {
      const actions = (input.message.blocks ?? []).filter((b) => b.type === 'actions').flatMap((b) => b.elements as Record<string, unknown>[]);
      const action = actions[input.actionIndex ?? 0];
      if (!action) throw new Error('the message has no button at that index');
      const channelId = input.channelId ?? (input.message.channel === 'response' ? 'C0GENERAL' : input.message.channel);
      const payload = {
        type: 'block_actions',
        user: { id: input.user.id, username: input.user.name ?? input.user.id.toLowerCase(), team_id: teamId },
        api_app_id: 'A0SWHUB',
        token: 'deprecated-verification-token',
        container: { type: 'message', message_ts: input.message.ts, channel_id: channelId, is_ephemeral: Boolean(input.message.ephemeralFor) },
        trigger_id: input.triggerId ?? `${Date.now()}.${++triggerCounter}.${randomBytes(8).toString('hex')}`,
        team: { id: teamId, domain: 'smartwealth-sandbox' },
        channel: { id: channelId, name: channelId.startsWith('D') ? 'directmessage' : 'general' },
        response_url: input.message.viaResponseUrl ?? fake.responseUrl(),
        actions: [{ action_id: action.action_id, block_id: 'sw_actions', text: action.text, value: action.value, type: 'button', action_ts: nextTs() }],
      };
      return post('/webhooks/slack/interactions', new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', sign);
    },
    sendEvent(event, eventOptions = {}) {
      const envelope = {
        token: 'deprecated-verification-token',
        team_id: teamId,
        api_app_id: 'A0SWHUB',
        event,
        type: 'event_callback',
        event_id: eventOptions.eventId ?? `Ev0${String(++eventCounter).padStart(8, '0')}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: teamId, user_id: botUserId, is_bot: true }],
      };
      const extra: Record<string, string> = eventOptions.retryNum ? { 'x-slack-retry-num': String(eventOptions.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {};
      return post('/webhooks/slack/events', JSON.stringify(envelope), 'application/json', eventOptions, extra);
    },
    lastRequest: () => lastRequest,
    setHubUrl: (url) => {
      hubUrl = url;
    },
    async resend() {
      if (!lastRequest || !hubUrl) throw new Error('nothing sent yet');
      const started = performance.now();
      const res = await fetch(`${hubUrl}${lastRequest.path}`, { method: 'POST', headers: lastRequest.headers, body: lastRequest.body });
      return { status: res.status, body: await res.text(), ms: performance.now() - started };
    },
    reset() {
      calls.length = 0;
      messages.length = 0;
      responses.length = 0;
      faults.clear();
    },
    close: () => server.stop(),
  };

  function waitUntil<T>(probe: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(describe())), timeoutMs);
      waiters.push({ check: () => probe() !== undefined, resolve: () => (clearTimeout(timer), resolve(probe()!)) });
    });
  }
  return fake;
}

class SlackApiError extends Error {
  constructor(
    error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

async function readParams(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (c.req.method === 'GET') return Object.fromEntries(new URL(c.req.url).searchParams);
  if (type.includes('application/json')) return ((await c.req.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
  return (await c.req.parseBody({ all: true })) as Record<string, unknown>;
}

function requireString(p: Record<string, unknown>, field: string, error: string): string {
  const value = p[field];
  if (typeof value !== 'string' || !value) throw new SlackApiError(error);
  return value;
}

/** The Block Kit limits real Slack enforces (docs.slack.dev/reference/block-kit/blocks). */
export function blockErrors(blocks: Record<string, unknown>[]): string[] {
  const errors: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  if (blocks.length > 50) errors.push('must provide less than 50 items [json-pointer:/blocks]');
  const actionIds = new Set<string>();
  blocks.forEach((b, i) => {
    const at = `[json-pointer:/blocks/${i}]`;
    const text = b.text as { type?: string; text?: string } | undefined;
    switch (b.type) {
      case 'header':
        if (text?.type !== 'plain_text' || !text.text || text.text.length > 150) errors.push(`invalid header text ${at}`);
        break;
      case 'section': {
        const fields = b.fields as { text?: string }[] | undefined;
        if (!text && !fields) errors.push(`section needs text or fields ${at}`);
        if (text && (!text.text || text.text.length > 3000)) errors.push(`must be less than 3001 characters ${at}/text`);
        if (fields && (fields.length > 10 || fields.some((f) => !f.text || f.text.length > 2000))) errors.push(`invalid fields ${at}/fields`);
        break;
      }
      case 'actions': {
        const elements = (b.elements as Record<string, unknown>[] | undefined) ?? [];
        if (!elements.length || elements.length > 25) errors.push(`invalid elements ${at}/elements`);
        for (const el of elements) {
          const label = el.text as { text?: string } | undefined;
          if (el.type === 'button' && (!label?.text || label.text.length > 75)) errors.push(`button text must be 1-75 characters ${at}`);
          if (typeof el.value === 'string' && el.value.length > 2000) errors.push(`button value too long ${at}`);
          if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') errors.push(`invalid button style ${at}`);
          const id = String(el.action_id ?? '');
          if (id && actionIds.has(id)) errors.push(`action_id ${id} already exists ${at}`);
          actionIds.add(id);
        }
        break;
      }
      case 'divider':
      case 'context':
      case 'image':
        break;
      default:
        errors.push(`unknown block type ${String(b.type)} ${at}`);
    }
  });
  return errors;
}

function mimeOf(name: string): string {
  const ext = name.split('.').pop()?.toLowerCase();
  return ({ png: 'image/png', csv: 'text/csv', pdf: 'application/pdf', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', json: 'application/json' } as Record<string, string>)[ext ?? ''] ?? 'application/octet-stream';
}

/** /_sandbox: type `/sw …` as a test user from a browser, see what the bot answered, press its buttons. */
function controls(kit: SimulatorKit, fake: () => FakeSlack) {
  const body = async (c: Context) =>
    ((c.req.header('content-type') ?? '').includes('application/json') ? await c.req.json().catch(() => ({})) : await c.req.parseBody()) as Record<string, string>;
  const done = (c: Context, answer: HubAnswer) => ((c.req.header('content-type') ?? '').includes('application/json') ? c.json(answer) : c.redirect('/_sandbox'));
  kit.control.post('/command', async (c) => {
    const b = await body(c);
    if (!b.text) return c.json({ error: 'text is required' }, 400);
    return done(c, await fake().sendSlashCommand({ user: { id: b.userId || 'U0SANDBOX' }, channelId: b.channelId || 'D0SANDBOX', text: String(b.text).replace(/^\/sw\s*/, '') }));
  });
  kit.control.post('/press', async (c) => {
    const b = await body(c);
    const message = fake().messages.find((m) => m.ts === b.ts);
    if (!message) return c.json({ error: 'no such message' }, 404);
    return done(c, await fake().pressButton({ user: { id: b.userId || 'U0SANDBOX' }, message, actionIndex: Number(b.index ?? 0), channelId: b.channelId || undefined }));
  });
  kit.page(() => {
    const rows = fake()
      .messages.slice(-30)
      .map((m) => {
        const buttons = (m.blocks ?? [])
          .filter((blk) => blk.type === 'actions')
          .flatMap((blk) => blk.elements as { text: { text: string } }[])
          .map((el, i) => `<form method="post" action="/_sandbox/press" style="display:inline"><input type="hidden" name="ts" value="${escapeHtml(m.ts)}"><input type="hidden" name="index" value="${i}"><input type="hidden" name="channelId" value="D0SANDBOX"><button>${escapeHtml(el.text.text)}</button></form>`)
          .join(' ');
        const where = m.viaResponseUrl ? 'response_url' : m.channel;
        return `<tr><td>${escapeHtml(where)}${m.ephemeralFor ? ' (ephemeral)' : ''}</td><td><pre style="white-space:pre-wrap;margin:0">${escapeHtml(m.text ?? '')}</pre>${buttons}</td></tr>`;
      })
      .join('');
    return (
      '<form method="post" action="/_sandbox/command"><label>user <input name="userId" value="U0SANDBOX" size="10"></label> <code>/sw</code> ' +
      '<input name="text" placeholder="help" size="40" autofocus> <button>Send</button></form>' +
      `<h2>What the bot answered</h2><table><tr><th>where</th><th>message</th></tr>${rows}</table>`
    );
  });
}
