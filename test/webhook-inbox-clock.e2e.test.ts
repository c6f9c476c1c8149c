/**
 * The webhook inbox keeps time by the hub's clock: an event whose handler fails is retried once the hub's clock has
 * passed its back-off, and only then, however much real time goes by. The hub runs on a manual clock that stands
 * still unless advanced, with a small module whose webhook goes through the shared intake, the real inbox in the
 * database and the running processor; its handler fails while the test says its downstream is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/lib/clock.js';
import { safeEqual } from '../src/lib/crypto.js';
import { validationFailed } from '../src/lib/errors.js';
import { toJakartaIso } from '../src/lib/time.js';
import { defineModule } from '../src/modules/contract.js';
import { hubModules } from '../src/modules/index.js';
import { eventually, startTestHub, type TestHub } from './harness.js';

const BASE_DELAY_MS = 200;
const TOKEN = 'inbox-clock-token-123';
// Stands still: real time passing does not move it, so only clock.advance can make a retry due.
const clock = new ManualClock(new Date(Date.UTC(2031, 4, 6, 3, 0, 0)));

let downstreamDown = true;
const applied: string[] = [];
const flakyModule = defineModule({
  name: 'flaky',
  webhooks: () => [
    {
      provider: 'flaky',
      kind: 'flaky-event',
      path: '/webhooks/flaky',
      verify: ({ headers }) => safeEqual(headers.get('x-flaky-token') ?? '', TOKEN),
      normalize: (parsed) => {
        const body = parsed as { id?: string };
        if (!body?.id) throw validationFailed([{ field: 'id', reason: 'required' }]);
        return { eventKey: body.id };
      },
    },
  ],
  inboxHandlers: () => ({
    'flaky-event': async (event) => {
      if (downstreamDown) throw new Error('downstream is down');
      applied.push(event.eventKey);
      return { status: 'applied', outcome: 'applied' };
    },
  }),
});

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({
    env: { WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_RETRY_BASE_MS: String(BASE_DELAY_MS), RATE_LIMIT_PER_MINUTE: '100000' },
    hubOptions: { clock, modules: [...hubModules, flakyModule] },
  });
});
afterAll(async () => t?.stop());

const deliver = (id: string) => t.anonymous.post('/webhooks/flaky', { id }, { 'x-flaky-token': TOKEN });
const stored = (eventKey: string) => t.hub.models.WebhookEvent.findOne({ provider: 'flaky', eventKey }).lean();
const listed = async (eventKey: string) =>
  ((await t.admin.get('/api/admin/webhooks?provider=flaky')).body.events as { id: string; eventKey: string; status: string; attempts: number; receivedAt: string }[]).find((e) => e.eventKey === eventKey)!;
const realSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inbox retries on the hub clock', () => {
  it('retries a failed event only once the hub clock has passed its back-off, not when real time has', async () => {
    downstreamDown = true;
    const receivedAt = clock.now();
    expect((await deliver('evt-backoff')).status).toBe(200);
    await eventually(() => stored('evt-backoff'), (e) => e?.status === 'failed');
    await t.hub.inboxProcessor.drain();

    // Stored in the clock's frame: received at the clock's now, next attempt one base delay after it.
    const failed = await stored('evt-backoff');
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastError: 'downstream is down' });
    expect(failed!.receivedAt.toISOString()).toBe(receivedAt.toISOString());
    expect(failed!.nextAttemptAt.toISOString()).toBe(new Date(receivedAt.getTime() + BASE_DELAY_MS).toISOString());
    expect((await listed('evt-backoff')).receivedAt).toBe(toJakartaIso(receivedAt));

    // The downstream is back and several times the back-off passes in real time (past the processor's 1 s poll):
    // the event stays put, since on the hub's clock it is not due yet.
    downstreamDown = false;
    await realSleep(1_300);
    await t.hub.inboxProcessor.drain();
    expect(await listed('evt-backoff')).toMatchObject({ status: 'failed', attempts: 1 });

    await clock.advance(BASE_DELAY_MS - 1);
    await t.hub.inboxProcessor.drain();
    expect(await listed('evt-backoff')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(applied).not.toContain('evt-backoff');

    // One more millisecond on the hub's clock and the running processor takes it (no drain needed).
    await clock.advance(1);
    const done = await eventually(() => listed('evt-backoff'), (e) => e.status === 'applied');
    expect(done).toMatchObject({ status: 'applied', attempts: 2 });
    expect(applied.filter((k) => k === 'evt-backoff')).toHaveLength(1);
    expect((await stored('evt-backoff'))!.processedAt!.toISOString()).toBe(clock.now().toISOString());
  });

  it('puts a replayed dead event back in line at the hub clock\'s now', async () => {
    downstreamDown = true;
    expect((await deliver('evt-dead')).status).toBe(200);
    await eventually(() => stored('evt-dead'), (e) => e?.status === 'failed');
    await clock.advance(BASE_DELAY_MS);
    await eventually(() => stored('evt-dead'), (e) => e?.status === 'dead');

    downstreamDown = false;
    await clock.advance(60_000);
    const replayAt = clock.now();
    const event = await listed('evt-dead');
    // The processor is stopped so the stored instant can be read before it applies the event.
    await t.hub.inboxProcessor.stop();
    try {
      expect((await t.admin.post(`/api/admin/webhooks/${event.id}/replay`)).status).toBe(202);
      expect((await stored('evt-dead'))!.nextAttemptAt.toISOString()).toBe(replayAt.toISOString());
      await t.hub.inboxProcessor.drain();
      expect(await listed('evt-dead')).toMatchObject({ status: 'applied', attempts: 1 });
    } finally {
      t.hub.inboxProcessor.start();
    }
  });
});
