/** TELEGRAM_POLLING=true: updates fetched by long polling run through the same inbox and commands as webhooks. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FakeTelegram } from '../sandbox/telegram/index.js';
import { eventually, startTestHub, type TestHub } from './harness.js';

let t: TestHub;
let tg: FakeTelegram;

beforeAll(async () => {
  t = await startTestHub({ env: { TELEGRAM_POLLING: 'true' } });
  tg = t.hub.sandboxes.telegram as FakeTelegram;
});
afterAll(() => t?.stop());

it('takes updates by getUpdates (removing a webhook left behind) and answers them once', async () => {
  // The sandbox registers a webhook when the hub listens; polling mode removes it and keeps polling.
  await eventually(async () => tg.calls.some((c) => c.method === 'deleteWebhook'), Boolean);
  const update = tg.update.text({ id: 8100, first_name: 'Lina' }, '/start');
  expect(await tg.deliver(update)).toBeNull();
  const answered = await eventually(async () => tg.messages.filter((m) => m.chat_id === '8100'), (list) => list.length > 0);
  expect(answered[0].plain).toContain('Selamat datang');
  // The reply goes out before the inbox records the event as applied.
  const stored = await eventually(() => t.hub.models.WebhookEvent.findOne({ provider: 'telegram', eventKey: `update:${update.update_id}` }).lean(), (e) => e?.status === 'applied');
  expect(stored?.status).toBe('applied');
  await new Promise((r) => setTimeout(r, 300));
  expect(tg.messages.filter((m) => m.chat_id === '8100')).toHaveLength(1);
});
