/**
 * Long polling, for a local bot with no public HTTPS URL (TELEGRAM_POLLING=true): getUpdates in a loop, each
 * update stored in the same inbox under the same key as the webhook would store it (`update:<update_id>`), so
 * the command runs exactly as it would from POST /webhooks/telegram. The offset only moves past an update once it
 * is stored, so a crash re-fetches rather than loses it (and the inbox key absorbs the repeat).
 */
import type { Telegram } from 'telegraf';
import { TelegramError } from 'telegraf';
import type { Logger } from '../../../../lib/logger.js';
import type { Services } from '../../../../services/registry.js';

const LONG_POLL_SECONDS = 25;

export function startTelegramPolling(services: Services, telegram: Telegram, logger: Logger): { stop(): Promise<void> } {
  const abort = new AbortController();
  let offset = 0;
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        // telegraf's node-fetch types its own AbortSignal; Node's native one is what it accepts at run time.
        const updates = (await telegram.callApi('getUpdates', { offset, timeout: LONG_POLL_SECONDS, allowed_updates: ['message', 'callback_query'] }, { signal: abort.signal as never })) as { update_id: number }[];
        for (const update of updates) {
          await services.webhookInbox.store({ provider: 'telegram', kind: 'chat', eventKey: `update:${update.update_id}`, rawBody: JSON.stringify(update), normalized: { eventKey: `update:${update.update_id}`, platform: 'telegram', body: update } });
          offset = update.update_id + 1;
        }
        if (updates.length) services.webhookProcessor?.kick();
      } catch (err) {
        if (abort.signal.aborted) break;
        // A webhook still set makes getUpdates fail with 409: polling was asked for, so polling wins.
        if (err instanceof TelegramError && err.code === 409) {
          await telegram.deleteWebhook().catch(() => undefined);
          continue;
        }
        logger.warn({ err }, 'telegram getUpdates failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 2000).unref());
      }
    }
  })();
  return {
    async stop() {
      abort.abort();
      await loop.catch(() => undefined);
    },
  };
}
