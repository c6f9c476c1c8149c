/**
 * The import as a durable Agenda job, through HTTP: the upload waits under DATA_DIR/imports until the job has read
 * it, progress is visible while it runs, a process that died mid-import is replaced after the lock lifetime and
 * the resumed run adds nothing twice; and saved per-user mappings (`mappingId`) for validate and import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestHub } from './harness.js';
import { writeKlikBcaCsv } from './support/klikbca-csv.js';

const FIX = join(import.meta.dirname, 'fixtures/statements');
let t: TestHub;
let work: string;
beforeAll(async () => {
  t = await startTestHub();
  work = await mkdtemp(join(tmpdir(), 'swh-import-jobs-'));
});
afterAll(async () => {
  await t?.stop();
  await rm(work, { recursive: true, force: true });
});

async function post(apiKey: string, path: string, file: { name: string; bytes: Buffer }, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([file.bytes]), file.name);
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}
const fixture = (name: string) => ({ name, bytes: readFileSync(join(FIX, name)) });
const finished = (r: { body: any }) => r.body.status === 'done' || r.body.status === 'failed';

describe('import as a durable job', () => {
  it('keeps the upload under DATA_DIR until the job has read it, shows progress, then removes it', async () => {
    const user = await t.createUser();
    const path = join(work, 'big.csv');
    await writeKlikBcaCsv(path, 8_000);
    const started = await post(user.apiKey, '/api/data/import', { name: 'mutasi.csv', bytes: readFileSync(path) });
    expect(started.status).toBe(202);
    const stored = join(t.dataDir, 'imports', started.body.id);
    expect(readFileSync(stored).equals(readFileSync(path))).toBe(true);

    const seen: any[] = [];
    const done = await eventually(
      async () => {
        const r = await user.client.get(`/api/data/import/${started.body.id}`);
        seen.push(r.body);
        return r;
      },
      finished,
      60_000,
    );
    expect(done.body).toMatchObject({ status: 'done', processed: 8_000, imported: 8_000, duplicates: 0, rejected: 0, attempts: 1 });
    expect(done.body.checks.map((c: any) => c.ok)).toEqual([true, true, true]);
    // Progress between queued and done: some rows counted while the job was still running.
    expect(seen.some((s) => s.status === 'running' && s.processed > 0 && s.processed < 8_000)).toBe(true);
    // The upload is removed just after 'done' is stored (see ImportService.run), so wait for it, briefly.
    expect(await eventually(async () => existsSync(stored), (present) => !present, 5000)).toBe(false);
    expect((await readdir(join(t.dataDir, 'imports'))).filter((f) => f.startsWith(started.body.id))).toEqual([]);
  }, 90_000);

  it('a refused file leaves nothing behind: no job, no account, no file', async () => {
    const user = await t.createUser();
    const before = await readdir(join(t.dataDir, 'imports'));
    const bad = await post(user.apiKey, '/api/data/import', fixture('not-a-statement.txt'));
    expect(bad.status).toBe(422);
    expect(await readdir(join(t.dataDir, 'imports'))).toEqual(before);
    expect(await t.hub.models.BankAccount.countDocuments({ userId: user.id })).toBe(0);
    expect(await t.hub.models.ImportJob.countDocuments({ userId: user.id })).toBe(0);
  });

  it('a process that died mid-import is replaced after the lock lifetime; the resumed run adds nothing twice', async () => {
    const user = await t.createUser();
    const path = join(work, 'three-thousand.csv');
    await writeKlikBcaCsv(path, 3_000);
    const started = await post(user.apiKey, '/api/data/import', { name: 'mutasi.csv', bytes: readFileSync(path) });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    await eventually(() => user.client.get(`/api/data/import/${id}`), finished, 60_000);

    // Put the world back where a crashed worker leaves it: 2,500 rows written, the last checkpoint at 2,000, the
    // job 'running', its file still on disk, and its Agenda job locked by a process that is gone.
    const { BankTransaction, ImportJob } = t.hub.models;
    const keep = await BankTransaction.find({ importJobId: id }).sort({ _id: 1 }).skip(2_499).limit(1).lean();
    await BankTransaction.deleteMany({ importJobId: id, _id: { $gt: keep[0]._id } });
    expect(await BankTransaction.countDocuments({ importJobId: id })).toBe(2_500);
    await ImportJob.updateOne({ _id: id }, { $set: { status: 'running', processed: 2_000, imported: 2_000, checkpoint: { validRows: 2_000, imported: 2_000, duplicates: 0 } }, $unset: { finishedAt: 1, checks: 1 } });
    await copyFile(path, join(t.dataDir, 'imports', id));
    const agendaJobs = t.hub.connection.db!.collection('agendaJobs');
    const locked = await agendaJobs.updateOne(
      { name: 'data.import', 'data.importJobId': id },
      { $set: { lockedAt: new Date(Date.now() - 16 * 60_000), lastRunAt: new Date(Date.now() - 16 * 60_000) }, $unset: { lastFinishedAt: 1 } },
    );
    expect(locked.matchedCount).toBe(1);

    const resumed = await eventually(() => user.client.get(`/api/data/import/${id}`), (r) => r.body.status === 'done' && r.body.attempts === 2, 60_000);
    expect(resumed.body).toMatchObject({ status: 'done', attempts: 2, processed: 3_000, imported: 3_000, duplicates: 0, rejected: 0 });
    expect(await BankTransaction.countDocuments({ accountId: new Types.ObjectId(started.body.accountId as string) })).toBe(3_000);
    expect(await eventually(async () => existsSync(join(t.dataDir, 'imports', id)), (present) => !present, 5000)).toBe(false);

    // And a plain re-upload of the same statement to the same account adds nothing.
    const again = await post(user.apiKey, '/api/data/import', { name: 'mutasi.csv', bytes: readFileSync(path) }, { accountId: started.body.accountId });
    const second = await eventually(() => user.client.get(`/api/data/import/${again.body.id}`), finished, 60_000);
    expect(second.body).toMatchObject({ status: 'done', imported: 0, duplicates: 3_000 });
    // Three imports of 3,000 rows: on a loaded 2-core CI machine each can take several seconds, so the test's own
    // bound matches the waits inside it rather than the default 30 s.
  }, 150_000);
});

describe('saved mappings', () => {
  const mapping = { columns: { date: 'Tgl', description: 'Catatan', debit: 'Keluar', credit: 'Masuk', externalId: 'Ref' }, sign: 'debit-credit' };

  it('saves, lists and deletes per user, and validate/import take mappingId', async () => {
    const user = await t.createUser();
    const other = await t.createUser();
    const created = await user.client.post('/api/data/mappings', { name: 'Spreadsheet keluarga', mapping });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Spreadsheet keluarga', mapping: { sign: 'debit-credit' } });
    expect((await user.client.post('/api/data/mappings', { name: 'Spreadsheet keluarga', mapping })).status).toBe(409);
    const invalid = await user.client.post('/api/data/mappings', { name: 'broken', mapping: { columns: { date: 'Tgl', description: 'Catatan' }, sign: 'debit-credit' } });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body.error.details)).toContain('columns.debit');

    const list = await user.client.get('/api/data/mappings');
    expect(list.body.mappings.map((m: any) => m.name)).toEqual(['Spreadsheet keluarga']);
    expect((await other.client.get('/api/data/mappings')).body.mappings).toEqual([]);

    const dry = await post(user.apiKey, '/api/data/validate', fixture('custom-mapping.xlsx'), { mappingId: created.body.id });
    expect(dry.status).toBe(200);
    expect(dry.body.summary).toMatchObject({ valid: 4, invalid: 3 });
    const started = await post(user.apiKey, '/api/data/import', fixture('custom-mapping.xlsx'), { mappingId: created.body.id });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const done = await eventually(() => user.client.get(`/api/data/import/${started.body.id}`), finished);
    expect(done.body).toMatchObject({ status: 'done', template: 'custom-mapping', imported: 4, rejected: 3 });

    // Another user cannot use, see or delete it; both mapping and mappingId is a clear 400.
    expect((await post(other.apiKey, '/api/data/validate', fixture('custom-mapping.xlsx'), { mappingId: created.body.id })).status).toBe(404);
    expect((await other.client.delete(`/api/data/mappings/${created.body.id}`)).status).toBe(404);
    const both = await post(user.apiKey, '/api/data/validate', fixture('custom-mapping.xlsx'), { mappingId: created.body.id, mapping: JSON.stringify(mapping) });
    expect(both.status).toBe(400);

    expect((await user.client.delete(`/api/data/mappings/${created.body.id}`)).status).toBe(204);
    expect((await post(user.apiKey, '/api/data/import', fixture('custom-mapping.xlsx'), { mappingId: created.body.id })).status).toBe(404);
    expect((await user.client.get('/api/data/mappings')).body.mappings).toEqual([]);
  });
});
