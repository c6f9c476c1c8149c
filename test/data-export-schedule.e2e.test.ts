/**
 * Scheduled exports through HTTP and Agenda: a schedule's run is planned at the next hour:00 Asia/Jakarta, the run
 * writes the previous period to a file kept for download, announces it in the notification outbox with the link,
 * and plans the next run; cancelling removes the pending run; files are the owner's only.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextRunAfter, periodFor } from '../src/modules/data/services/export-schedule-service.js';
import { eventually, startTestHub, type TestHub } from './harness.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => t?.stop());

const jobs = () => t.hub.connection.db!.collection('agendaJobs');
const pendingRuns = (scheduleId: string) => jobs().find({ name: 'data.export.scheduled', 'data.scheduleId': scheduleId, lastFinishedAt: null }).toArray();

describe('run times and periods in Asia/Jakarta', () => {
  it('plans daily, weekly and monthly runs at the hour in Jakarta and covers the whole previous period', () => {
    // 2025-03-05 10:00 Jakarta is 03:00 UTC.
    const at = new Date('2025-03-05T03:00:00Z');
    expect(nextRunAfter('daily', 6, at).toISOString()).toBe('2025-03-05T23:00:00.000Z'); // 06:00 WIB on the 6th
    expect(nextRunAfter('daily', 11, at).toISOString()).toBe('2025-03-05T04:00:00.000Z'); // later today
    expect(nextRunAfter('weekly', 6, at).toISOString()).toBe('2025-03-09T23:00:00.000Z'); // Monday 10 March
    expect(nextRunAfter('monthly', 6, at).toISOString()).toBe('2025-03-31T23:00:00.000Z'); // 1 April
    expect(nextRunAfter('monthly', 0, new Date('2024-12-31T17:30:00Z')).toISOString()).toBe('2025-01-31T17:00:00.000Z'); // already 1 Jan 00:30 WIB
    expect(periodFor('daily', new Date('2025-03-05T23:00:00Z'))).toEqual({ from: '2025-03-05', to: '2025-03-05' });
    expect(periodFor('weekly', new Date('2025-03-09T23:00:00Z'))).toEqual({ from: '2025-03-03', to: '2025-03-09' });
    expect(periodFor('monthly', new Date('2025-02-28T23:00:00Z'))).toEqual({ from: '2025-02-01', to: '2025-02-28' });
  });
});

describe('scheduled exports', () => {
  it('runs, keeps the file for download, announces it, plans the next run; cancel stops it', async () => {
    const user = await t.createUser();
    const other = await t.createUser();
    const jakartaToday = DateTime.now().setZone('Asia/Jakarta');
    const yesterday = jakartaToday.minus({ days: 1 }).toISODate()!;
    const twoDaysAgo = jakartaToday.minus({ days: 2 }).toISODate()!;
    await user.client.post('/api/data/entries', { type: 'expense', amountMinor: 2_500_000, description: 'kopi', date: yesterday });
    await user.client.post('/api/data/entries', { type: 'income', amountMinor: 10_000_000, description: 'jual buku', date: yesterday });
    await user.client.post('/api/data/entries', { type: 'expense', amountMinor: 900_000, description: 'parkir', date: twoDaysAgo });

    const created = await user.client.post('/api/data/export/schedule', { frequency: 'daily', format: 'csv', hour: 6 });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.nextRunAt).toMatch(/T06:00:00(\.000)?\+07:00$/);
    const [pending] = await pendingRuns(id);
    expect(pending.nextRunAt.toISOString()).toBe(new Date(created.body.nextRunAt).toISOString());
    expect((await user.client.get('/api/data/export/schedules')).body.schedules.map((s: any) => s.id)).toEqual([id]);

    // Make the planned run due now: the job runs for the time it was planned for, so it exports the day before that.
    // Plan it for today 06:00 WIB, whose period is yesterday.
    const plannedToday = jakartaToday.startOf('day').set({ hour: 6 }).toJSDate();
    await t.hub.models.ExportSchedule.updateOne({ _id: id }, { nextRunAt: plannedToday });
    await jobs().updateOne({ _id: pending._id }, { $set: { nextRunAt: new Date(), 'data.planned': plannedToday.toISOString(), 'data.uniqueKey': `${id}:${plannedToday.toISOString()}` } });

    const files = await eventually(() => user.client.get('/api/data/export/files'), (r) => r.body.files.length === 1, 15_000);
    const file = files.body.files[0];
    expect(file).toMatchObject({ format: 'csv', rows: 2, period: { from: yesterday, to: yesterday }, scheduleId: id });
    const download = await fetch(`${t.url}${file.url}`, { headers: { authorization: `Bearer ${user.apiKey}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain(`smartwealth-${yesterday}-to-${yesterday}.csv`);
    const text = await download.text();
    expect(text).toContain('kopi');
    expect(text).toContain('jual buku');
    expect(text).not.toContain('parkir');

    const notes = await eventually(() => user.client.get('/api/notifications'), (r) => r.body.notifications.some((n: any) => n.kind === 'export.ready'));
    const note = notes.body.notifications.find((n: any) => n.kind === 'export.ready');
    expect(note.data).toMatchObject({ fileId: file.id, url: file.url, rows: 2 });

    // The next run is planned for tomorrow 06:00 WIB, once.
    const next = await eventually(() => pendingRuns(id), (r) => r.length === 1 && r[0].nextRunAt > new Date());
    expect(next[0].nextRunAt.toISOString()).toBe(DateTime.fromJSDate(plannedToday).plus({ days: 1 }).toJSDate().toISOString());
    const after = await user.client.get('/api/data/export/schedules');
    expect(after.body.schedules[0].lastRunAt).not.toBeNull();

    // Other users see and download nothing.
    expect((await other.client.get('/api/data/export/files')).body.files).toEqual([]);
    expect((await other.client.get(file.url)).status).toBe(404);
    expect((await other.client.delete(`/api/data/export/schedule/${id}`)).status).toBe(404);

    expect((await user.client.delete(`/api/data/export/schedule/${id}`)).status).toBe(204);
    expect(await pendingRuns(id)).toEqual([]);
    expect((await user.client.get('/api/data/export/schedules')).body.schedules).toEqual([]);
    // The file stays downloadable.
    expect((await fetch(`${t.url}${file.url}`, { headers: { authorization: `Bearer ${user.apiKey}` } })).status).toBe(200);
  });

  it('refuses bad schedules with the field', async () => {
    const user = await t.createUser();
    for (const body of [{ frequency: 'hourly' }, { frequency: 'daily', hour: 24 }, { frequency: 'daily', format: 'docx' }]) {
      const res = await user.client.post('/api/data/export/schedule', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await user.client.post('/api/data/export/schedule', { frequency: 'daily', accountId: 'a'.repeat(24) })).status).toBe(404);
  });
});
