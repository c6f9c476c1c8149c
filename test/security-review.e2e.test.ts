/**
 * Security review findings, each through the real HTTP surface: one user's request must not be able to stall the
 * hub (or its database) for everyone, and the like. Each test here failed before its fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './harness.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => t?.stop());

describe('security review', () => {
  it('a category override of many short words answers at once instead of pinning the database with a backtracking regex', async () => {
    const user = await t.createUser();
    const other = await t.createUser();
    // A long description of one letter: "a.*a.*a.*…zz" (the words of the match joined) backtracks over every way
    // of placing the a's before failing on zz. Seven words took the database minutes; the request timed out.
    const entry = await user.client.post('/api/data/entries', { type: 'expense', amountMinor: 100, description: 'a'.repeat(60), date: '2024-01-02' });
    expect(entry.status).toBe(201);
    const kopi = await user.client.post('/api/data/entries', { type: 'expense', amountMinor: 2_500_000, description: 'QRIS KOPI-KENANGAN GANDARIA', date: '2024-01-03' });
    expect(kopi.status).toBe(201);

    const started = Date.now();
    const hostile = await user.client.request<any>('PUT', '/api/bank/category-overrides', { match: 'a a a a a a a zz', category: 'food_drink' });
    expect(hostile.status).toBe(200);
    expect(hostile.body).toMatchObject({ match: 'a a a a a a a zz', recategorized: 0 });
    expect(Date.now() - started).toBeLessThan(5000);
    // Everyone else is still served.
    expect((await other.client.get('/api/bank/accounts')).status).toBe(200);

    // The words still find the rows they name, whatever punctuation sits between them.
    const real = await user.client.request<any>('PUT', '/api/bank/category-overrides', { match: 'kopi kenangan', category: 'entertainment' });
    expect(real.body).toMatchObject({ recategorized: 1 });
    const entries = await user.client.get('/api/data/entries');
    expect(entries.body.entries.find((e: { id: string }) => e.id === kopi.body.id)).toMatchObject({ category: 'entertainment' });
  }, 60_000);
});
