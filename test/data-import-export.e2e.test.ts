/**
 * Statement import and export through the real HTTP surface: multipart uploads of real-layout fixtures, the import
 * job, re-upload dedupe by the shared ledger rule, rejected rows with reasons, and streamed exports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestHub } from './harness.js';

const FIX = join(import.meta.dirname, 'fixtures/statements');
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => t?.stop());

async function upload(apiKey: string, path: string, file: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([readFileSync(join(FIX, file))]), file);
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

async function importAndWait(user: { apiKey: string; client: TestHub['admin'] }, file: string, fields: Record<string, string> = {}) {
  const started = await upload(user.apiKey, '/api/data/import', file, fields);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const done = await eventually(() => user.client.get(`/api/data/import/${started.body.id}`), (r) => r.body.status === 'done' || r.body.status === 'failed');
  return { ...done.body, accountId: started.body.accountId };
}

describe('statement import and export over HTTP', () => {
  it('KlikBCA CSV: validate, import with signed rupiah and dates, re-upload adds nothing, export the period', async () => {
    const user = await t.createUser();
    const dry = await upload(user.apiKey, '/api/data/validate', 'bca-klikbca-id.csv');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ format: 'csv', template: { id: 'bca-klikbca-id' }, summary: { total: 10, valid: 10, invalid: 0, duplicates: 0, pending: 1 } });
    expect(dry.body.rows[0]).toMatchObject({ date: '2024-12-16', amountMinor: -15000000, currency: 'IDR' });

    const first = await importAndWait(user, 'bca-klikbca-id.csv');
    expect(first).toMatchObject({ status: 'done', imported: 10, duplicates: 0, rejected: 0, pending: 1 });
    expect(first.checks.every((c: any) => c.ok)).toBe(true);
    // Times in Asia/Jakarta, like every other answer.
    for (const k of ['createdAt', 'startedAt', 'finishedAt']) expect(first[k], k).toMatch(/\+07:00$/);

    const again = await importAndWait(user, 'bca-klikbca-id.csv', { accountId: first.accountId });
    expect(again).toMatchObject({ status: 'done', imported: 0, duplicates: 10 });
    const dry2 = await upload(user.apiKey, '/api/data/validate', 'bca-klikbca-id.csv', { accountId: first.accountId });
    expect(dry2.body.summary.duplicates).toBe(10);

    const csv = await fetch(`${t.url}/api/data/export?format=csv&from=2024-12-01&to=2024-12-31`, { headers: { authorization: `Bearer ${user.apiKey}` } });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text.trim().split('\r\n')).toHaveLength(1 + 8);
    expect(text).toContain('2024-12-18,KR OTOMATIS LLG-ANZ INDONESIA PT MAJU JAYA GAJI DES,12500000.00,IDR');
    for (const [q, type] of [['format=xlsx', 'spreadsheetml'], ['format=pdf', 'application/pdf'], ['zip=true', 'application/zip']]) {
      const res = await fetch(`${t.url}/api/data/export?${q}&from=2024-12-01&to=2025-01-31`, { headers: { authorization: `Bearer ${user.apiKey}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(500);
    }
  });

  it('Mandiri MCM CSV and an XLSX with a custom mapping; rejected rows listed with reasons', async () => {
    const user = await t.createUser();
    const mcm = await importAndWait(user, 'mandiri-mcm.csv');
    expect(mcm).toMatchObject({ status: 'done', template: 'mandiri-mcm', imported: 5 });
    const mapping = JSON.stringify({ columns: { date: 'Tgl', description: 'Catatan', debit: 'Keluar', credit: 'Masuk', externalId: 'Ref' }, sign: 'debit-credit' });
    const xlsx = await importAndWait(user, 'custom-mapping.xlsx', { mapping });
    expect(xlsx).toMatchObject({ status: 'done', format: 'xlsx', imported: 4, rejected: 3 });
    expect(xlsx.errors.map((e: any) => [e.row, e.field])).toEqual([[8, 'date'], [9, 'debit'], [10, 'date']]);
    const again = await importAndWait(user, 'custom-mapping.xlsx', { mapping, accountId: xlsx.accountId });
    expect(again).toMatchObject({ imported: 0, duplicates: 4 });
    const json = await user.client.get(`/api/data/export?format=json&accountId=${xlsx.accountId}`);
    expect(json.body.map((r: any) => [r.date, r.amountMinor])).toEqual([['2025-01-03', -84575050], ['2025-01-05', 1500000000], ['2025-01-07', -2000000], ['2025-01-09', -15000000]]);
  });

  it('refuses what it cannot read, and keeps users apart', async () => {
    const user = await t.createUser();
    const other = await t.createUser();
    expect((await upload(user.apiKey, '/api/data/validate', 'not-a-statement.txt')).status).toBe(422);
    const bad = await upload(user.apiKey, '/api/data/import', 'bca-klikbca-id.csv', { mapping: '{"columns":{"date":"A"}}' });
    expect(bad.status).toBe(400);
    const mine = await importAndWait(user, 'bri.csv');
    expect((await other.client.get(`/api/data/import/${mine.id}`)).status).toBe(404);
    expect((await other.client.get(`/api/data/export?accountId=${mine.accountId}`)).status).toBe(404);
    const templates = await user.client.get('/api/data/templates');
    expect(templates.body.templates.map((x: any) => x.id)).toContain('bca-klikbca-bisnis');
  });

  it('names each row\'s account in the export, so rows from several accounts can be told apart', async () => {
    const user = await t.createUser();
    await importAndWait(user, 'bca-klikbca-id.csv');
    const cash = await user.client.post('/api/data/entries', { type: 'expense', amountMinor: 2_500_000, currency: 'IDR', description: 'kopi', date: '2024-12-20' });
    expect(cash.status, JSON.stringify(cash.body)).toBe(201);

    const json = await fetch(`${t.url}/api/data/export?format=json&from=2024-12-01&to=2024-12-31`, { headers: { authorization: `Bearer ${user.apiKey}` } });
    const rows = (await json.json()) as Array<{ description: string; account?: string }>;
    expect(rows.find((r) => r.description === 'kopi')?.account).toBe('Cash');
    const bankRows = rows.filter((r) => r.description !== 'kopi');
    expect(bankRows.length).toBe(8);
    // The account the statement header names (BCA 0123456789), shown as its masked name, never the full number.
    for (const row of bankRows) expect(row.account).toMatch(/^BCA \*+6789$/);

    const csv = await (await fetch(`${t.url}/api/data/export?format=csv&from=2024-12-20&to=2024-12-20`, { headers: { authorization: `Bearer ${user.apiKey}` } })).text();
    expect(csv).toContain(',kopi,-25000.00,IDR,,');
    expect(csv.split('\r\n').find((l) => l.includes(',kopi,'))).toContain(',Cash,manual,');
  });
});
