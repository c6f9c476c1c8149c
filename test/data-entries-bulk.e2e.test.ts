/**
 * Manual cash entries and bulk operations through HTTP: entries land in the shared ledger as source 'manual' on a
 * cash account made once per user, categorised; bulk recategorise/tag/delete by ids or filter with a dry-run count,
 * scoped to the acting user and audited.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestHub } from './harness.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => t?.stop());

async function importFixture(apiKey: string, client: TestHub['admin'], name: string) {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(join(import.meta.dirname, 'fixtures/statements', name))]), name);
  const res = await fetch(`${t.url}/api/data/import`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: form });
  const started = (await res.json()) as any;
  expect(res.status).toBe(202);
  return (await eventually(() => client.get(`/api/data/import/${started.id}`), (r) => r.body.status === 'done', 20_000)).body;
}

describe('manual entries', () => {
  it('records cash spending and income on one cash account, categorised, listed and deletable', async () => {
    const user = await t.createUser();
    const kopi = await user.client.post('/api/data/entries', { type: 'expense', amountMinor: 2_500_000, description: 'kopi susu', date: '2025-01-10' });
    expect(kopi.status).toBe(201);
    expect(kopi.body).toMatchObject({ type: 'expense', amountMinor: -2_500_000, amount: '-25000.00', currency: 'IDR', date: '2025-01-10', category: 'food_drink' });
    const again = await user.client.post('/api/data/entries', { type: 'expense', amountMinor: 2_500_000, description: 'kopi susu', date: '2025-01-10' });
    expect(again.status).toBe(201); // the same coffee twice on one day is two coffees
    const gaji = await user.client.post('/api/data/entries', { type: 'income', amountMinor: 50_000_000, description: 'Gaji freelance', category: 'income:salary', tags: ['side'] });
    expect(gaji.body).toMatchObject({ type: 'income', category: 'income:salary', tags: ['side'] });
    expect(new Set([kopi.body.accountId, again.body.accountId, gaji.body.accountId]).size).toBe(1);

    const cash = await t.hub.models.BankAccount.find({ userId: user.id }).lean();
    expect(cash.map((a) => a.kind)).toEqual(['cash']);
    const rows = await t.hub.models.BankTransaction.find({ userId: user.id }).lean();
    expect(rows.map((r) => r.source)).toEqual(['manual', 'manual', 'manual']);
    expect(new Set(rows.map((r) => r.fingerprint)).size).toBe(3);

    const page1 = await user.client.get('/api/data/entries?limit=2');
    expect(page1.body.entries).toHaveLength(2);
    const page2 = await user.client.get(`/api/data/entries?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.entries).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const january = await user.client.get('/api/data/entries?from=2025-01-01&to=2025-01-31');
    expect(january.body.entries.map((e: any) => e.description)).toEqual(['kopi susu', 'kopi susu']);

    // Exported like any ledger row.
    const exported = await user.client.get('/api/data/export?format=json&from=2025-01-10&to=2025-01-10');
    expect(exported.body.map((r: any) => [r.source, r.amountMinor, r.category])).toEqual([['manual', -2_500_000, 'food_drink'], ['manual', -2_500_000, 'food_drink']]);

    const other = await t.createUser();
    expect((await other.client.delete(`/api/data/entries/${kopi.body.id}`)).status).toBe(404);
    expect((await user.client.delete(`/api/data/entries/${kopi.body.id}`)).status).toBe(204);
    expect((await user.client.delete(`/api/data/entries/${kopi.body.id}`)).status).toBe(404);
    expect((await user.client.get('/api/data/entries')).body.entries).toHaveLength(2);
  });

  it('refuses bad entries with the field and reason', async () => {
    const user = await t.createUser();
    for (const [body, field] of [
      [{ type: 'expense', amountMinor: -100, description: 'x' }, 'amountMinor'],
      [{ type: 'expense', amountMinor: 1.5, description: 'x' }, 'amountMinor'],
      [{ type: 'spend', amountMinor: 100, description: 'x' }, 'type'],
      [{ type: 'expense', amountMinor: 100, description: '' }, 'description'],
      [{ type: 'expense', amountMinor: 100, description: 'x', date: '2025-02-30' }, 'date'],
      [{ type: 'expense', amountMinor: 100, description: 'x', date: '2999-01-01' }, 'date'],
    ] as const) {
      const res = await user.client.post('/api/data/entries', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body.error)).toContain(field);
    }
    expect(await t.hub.models.BankTransaction.countDocuments({ userId: user.id })).toBe(0);
  });
});

describe('bulk operations', () => {
  it('dry-run counts, then recategorises, tags and deletes by filter or ids, only the acting user\'s rows, audited', async () => {
    const user = await t.createUser();
    const other = await t.createUser();
    const mine = await importFixture(user.apiKey, user.client, 'bca-klikbca-id.csv');
    await importFixture(other.apiKey, other.client, 'bca-klikbca-id.csv');
    expect(mine.imported).toBe(10);

    const kopiFilter = { descriptionContains: 'kopi kenangan' };
    const dry = await user.client.post('/api/data/bulk', { action: 'recategorize', category: 'food_drink', filter: kopiFilter, dryRun: true });
    expect(dry.body).toMatchObject({ dryRun: true, matched: 2, changed: 0 });
    expect(await t.hub.models.BankTransaction.countDocuments({ userId: user.id, category: 'food_drink' })).toBe(0);
    const recat = await user.client.post('/api/data/bulk', { action: 'recategorize', category: 'food_drink', filter: kopiFilter });
    expect(recat.body).toMatchObject({ dryRun: false, matched: 2, changed: 2 });
    const rows = await t.hub.models.BankTransaction.find({ userId: user.id, category: 'food_drink' }).lean();
    expect(rows.map((r) => r.categorySource)).toEqual(['user', 'user']);
    // The other user's identical rows are untouched.
    expect(await t.hub.models.BankTransaction.countDocuments({ userId: other.id, category: 'food_drink' })).toBe(0);

    const debitsDecember = { filter: { type: 'debit', from: '2024-12-01', to: '2024-12-31' } };
    const tagged = await user.client.post('/api/data/bulk', { action: 'tag', tags: ['desember', 'review'], ...debitsDecember });
    expect(tagged.body).toMatchObject({ matched: 6, changed: 6 });
    const untag = await user.client.post('/api/data/bulk', { action: 'untag', tags: ['review'], filter: { tag: 'review' } });
    expect(untag.body).toMatchObject({ matched: 6, changed: 6 });
    expect(await t.hub.models.BankTransaction.countDocuments({ userId: user.id, tags: 'desember' })).toBe(6);

    // Ids: a foreign id matches nothing; only the user's own are deleted.
    const own = await t.hub.models.BankTransaction.find({ userId: user.id, tags: 'desember' }).limit(2).lean();
    const foreign = await t.hub.models.BankTransaction.findOne({ userId: other.id }).lean();
    const ids = [...own.map((r) => String(r._id)), String(foreign!._id)];
    expect((await user.client.post('/api/data/bulk', { action: 'delete', ids, dryRun: true })).body).toMatchObject({ matched: 2, changed: 0 });
    expect((await user.client.post('/api/data/bulk', { action: 'delete', ids })).body).toMatchObject({ matched: 2, changed: 2 });
    expect(await t.hub.models.BankTransaction.countDocuments({ userId: user.id })).toBe(8);
    expect(await t.hub.models.BankTransaction.countDocuments({ userId: other.id })).toBe(10);

    const audit = await t.admin.get(`/api/admin/audit?userId=${user.id}&limit=50`);
    const actions = audit.body.entries.map((e: any) => e.action);
    expect(actions.filter((a: string) => a.startsWith('data.bulk.'))).toEqual(['data.bulk.delete', 'data.bulk.untag', 'data.bulk.tag', 'data.bulk.recategorize']);
    expect(audit.body.entries.find((e: any) => e.action === 'data.bulk.delete').metadata).toMatchObject({ matched: 2, changed: 2 });
  });

  it('refuses an empty filter, both ids and filter, and unknown actions', async () => {
    const user = await t.createUser();
    expect((await user.client.post('/api/data/bulk', { action: 'delete', filter: {} })).status).toBe(400);
    expect((await user.client.post('/api/data/bulk', { action: 'delete' })).status).toBe(400);
    expect((await user.client.post('/api/data/bulk', { action: 'delete', ids: ['a'.repeat(24)], filter: { category: 'x' } })).status).toBe(400);
    expect((await user.client.post('/api/data/bulk', { action: 'explode', ids: ['a'.repeat(24)] })).status).toBe(400);
    expect((await user.client.post('/api/data/bulk', { action: 'recategorize', ids: ['a'.repeat(24)] })).status).toBe(400);
  });
});
