import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../src/lib/clock.js';
import { startTestHub, type TestHub } from './harness.js';

// Windows are fixed minutes; a check that straddled two would see two budgets. Time stands still at the start of a
// minute on the hubs' clock, so no check ever does (instead of sleeping into a fresh window).
const clock = new ManualClock(new Date(Math.floor(Date.now() / 60_000) * 60_000 + 1_000));
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ env: { RATE_LIMIT_PER_MINUTE: '5' }, hubOptions: { clock } });
});
afterAll(async () => t?.stop());

it('answers 429 with Retry-After once a key spends its budget, without affecting other keys', async () => {
  const user = await t.createUser('Eko');
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await user.client.get('/api/users/me')).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200]);
  const limited = await user.client.get('/api/users/me');
  expect(limited.status).toBe(429);
  expect(limited.body.error.code).toBe('RATE_LIMITED');
  const retryAfter = Number(limited.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');

  const other = await t.createUser('Fitri');
  expect((await other.client.get('/api/users/me')).status).toBe(200);
});

it('keeps the counter in MongoDB so every hub process shares it', async () => {
  const user = await t.createUser('Gita');
  // A second hub process on the same database sees the same budget.
  const second = await startTestHub({ env: { RATE_LIMIT_PER_MINUTE: '5' }, dbName: t.dbName, dataDir: t.dataDir, hubOptions: { clock } });
  try {
    const viaSecond = second.anonymous.withKey(user.apiKey);
      for (let i = 0; i < 3; i++) expect((await user.client.get('/api/users/me')).status).toBe(200);
    expect((await viaSecond.get('/api/users/me')).status).toBe(200);
    expect((await viaSecond.get('/api/users/me')).status).toBe(200);
    expect((await user.client.get('/api/users/me')).status).toBe(429);
    expect((await viaSecond.get('/api/users/me')).status).toBe(429);
  } finally {
    await second.hub.stop();
  }
});
