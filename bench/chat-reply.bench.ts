/**
 * Chat latency: a signed webhook arriving at the hub → the bot's reply reaching the platform, on loopback.
 * Telegram: POST /webhooks/telegram (/payments from a linked user: identity lookup, rate limit, history query,
 * MarkdownV2 render) → sendMessage recorded by the fake Bot API. Slack: POST /webhooks/slack/commands → the
 * response_url post. Both go through the shared intake, the inbox and its processor, as in production.
 * Target: p95 < 300 ms.
 *
 *   npx tsx bench/chat-reply.bench.ts            (BENCH_MESSAGES=200 BENCH_CONCURRENCY=4 to change the load)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FakeSlack } from '../sandbox/slack/index.js';
import type { FakeTelegram } from '../sandbox/telegram/index.js';
import { createHub } from '../src/app.js';
import { loadConfig } from '../src/config/env.js';
import { resolveDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/lib/logger.js';
import { runIfMain } from './main.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const TARGET_P95_MS = 300;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export async function run() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'swh-bench-'));
  const database = await resolveDatabase({ uri: process.env.MONGODB_URI, allowDownload: false, log: () => {} });
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1', SANDBOX_SETTLE_MS: '0', JOBS_POLL_MS: '500' });
  const hub = await createHub({ config, database, dbName: `bench_${randomBytes(4).toString('hex')}`, logger: createLogger({ level: 'silent' }) });
  const { url } = await hub.listen(0, '127.0.0.1');
  const tg = hub.sandboxes.telegram as FakeTelegram;
  const slack = hub.sandboxes.slack as FakeSlack;

  try {
    // Enough linked users that none passes the per-user chat rate limit (30 a minute) over warm-up and run.
    const users = await Promise.all(
      Array.from({ length: Math.max(CONCURRENCY, Math.ceil(MESSAGES / 10)) }, async (_, i) => {
        const admin = await fetch(`${url}/api/users`, { method: 'POST', headers: { authorization: `Bearer ${hub.adminApiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `bench-${i}` }) });
        const { apiKey } = (await admin.json()) as { apiKey: string };
        const code = async () => ((await (await fetch(`${url}/api/chat/link-code`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } })).json()) as { code: string }).code;
        const telegramId = 900_000 + i;
        await tg.deliver(tg.update.text({ id: telegramId, first_name: `Bench ${i}` }, `/link ${await code()}`));
        await slack.sendSlashCommand({ user: { id: `U0BENCH${i}` }, channelId: `D0BENCH${i}`, text: `link ${await code()}` });
        return { telegramId, slackUser: `U0BENCH${i}` };
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));

    const measure = async (one: (i: number) => Promise<number>) => {
      const times: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < MESSAGES) times.push(await one(next++));
        }),
      );
      return times.sort((a, b) => a - b);
    };

    const telegramOnce = async (i: number) => {
      const user = users[i % users.length];
      const update = tg.update.text({ id: user.telegramId, first_name: 'Bench' }, '/payments');
      const from = tg.calls.length;
      const started = performance.now();
      const replied = tg.waitFor('sendMessage', (c) => String(c.params.chat_id) === String(user.telegramId) && tg.calls.indexOf(c) >= from, 10_000);
      const status = await tg.deliver(update);
      if (status !== 200) throw new Error(`telegram webhook answered ${status}`);
      await replied;
      return performance.now() - started;
    };

    const slackOnce = async (i: number) => {
      const user = users[i % users.length];
      const started = performance.now();
      const ack = await slack.sendSlashCommand({ user: { id: user.slackUser }, channelId: `D0BENCH${i % users.length}`, text: 'payments' });
      if (ack.status !== 200) throw new Error(`slack webhook answered ${ack.status}`);
      const url = slack.lastRequest()!.body.match(/response_url=([^&]+)/)![1];
      await slack.waitForResponse(decodeURIComponent(url), 1, 10_000);
      return performance.now() - started;
    };

    await measure(telegramOnce).catch(() => []); // warm-up (JIT, indexes, connections)
    const telegram = await measure(telegramOnce);
    const slackTimes = await measure(slackOnce);
    const summary = (t: number[]) => ({ p50: Math.round(percentile(t, 50)), p95: Math.round(percentile(t, 95)), p99: Math.round(percentile(t, 99)), max: Math.round(t[t.length - 1]) });
    const tgSummary = summary(telegram);
    const slackSummary = summary(slackTimes);
    return {
      bench: 'chat-reply',
      database: database.kind,
      messages: MESSAGES,
      concurrency: CONCURRENCY,
      telegramMs: tgSummary,
      slackMs: slackSummary,
      targetP95Ms: TARGET_P95_MS,
      p95Ok: tgSummary.p95 < TARGET_P95_MS && slackSummary.p95 < TARGET_P95_MS,
    };
  } finally {
    await hub.connection.dropDatabase().catch(() => {});
    await hub.stop();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run);
