/**
 * Scheduled exports. Each active schedule has exactly one pending Agenda job (`data.export.scheduled`), keyed by the
 * planned run time; the run writes the previous day / week / month (Asia/Jakarta) to a file kept for download,
 * announces it through the notification outbox (chat delivers it once the chat capability is there; the REST
 * notifications list shows it now), then moves the schedule on and enqueues the next run. A re-run of the same
 * planned time (a crash between steps) reuses the file it made and enqueues nothing twice.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import type { ModuleDeps } from '../../contract.js';
import type { Actor } from '../../../services/actor.js';
import { AppError, isDuplicateKeyError, notFound } from '../../../lib/errors.js';
import { JAKARTA, toJakartaIso } from '../../../lib/time.js';
import type { ExportFrequency, ExportSchedule } from '../models/export-schedule.js';
import type { DataService } from './data-service.js';
import type { ExportFormat } from './exporters/model.js';
import { writeFormat } from './exporters/zip.js';

export const EXPORT_JOB = 'data.export.scheduled';
/** Files kept per schedule; older ones are deleted when a new one is made. */
const KEEP_FILES = 30;
const MAX_SCHEDULES_PER_USER = 20;

export interface NewExportSchedule {
  frequency: ExportFrequency;
  format: ExportFormat;
  hour: number;
  accountId?: string;
  type?: 'credit' | 'debit';
  category?: string;
}

/** The first run time strictly after `after`: hour:00 Jakarta on the next day / Monday / 1st of a month. */
export function nextRunAfter(frequency: ExportFrequency, hour: number, after: Date): Date {
  const now = DateTime.fromJSDate(after, { zone: JAKARTA });
  let candidate = now.startOf('day').set({ hour });
  if (frequency === 'weekly') candidate = candidate.set({ weekday: 1 });
  if (frequency === 'monthly') candidate = candidate.set({ day: 1 });
  while (candidate <= now) candidate = candidate.plus(frequency === 'daily' ? { days: 1 } : frequency === 'weekly' ? { weeks: 1 } : { months: 1 });
  return candidate.toJSDate();
}

/** The period a run at `planned` covers: the whole previous day / Monday–Sunday week / calendar month, Jakarta. */
export function periodFor(frequency: ExportFrequency, planned: Date): { from: string; to: string } {
  const at = DateTime.fromJSDate(planned, { zone: JAKARTA }).startOf('day');
  const unit = frequency === 'daily' ? 'day' : frequency === 'weekly' ? 'week' : 'month';
  const start = at.minus({ [`${unit}s`]: 1 }).startOf(unit);
  const end = start.endOf(unit);
  return { from: start.toISODate()!, to: end.toISODate()! };
}

type Deps = Pick<ModuleDeps, 'models' | 'audit' | 'jobs' | 'config' | 'clock' | 'notifications' | 'logger'>;

export class ExportScheduleService {
  constructor(private readonly deps: Deps, private readonly data: DataService) {}

  private async exportsDir(): Promise<string> {
    const dir = path.resolve(this.deps.config.DATA_DIR, 'exports');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  private enqueue(schedule: { _id: Types.ObjectId; nextRunAt: Date }) {
    const planned = schedule.nextRunAt.toISOString();
    return this.deps.jobs.enqueue(EXPORT_JOB, { scheduleId: String(schedule._id), planned }, { runAt: schedule.nextRunAt, uniqueKey: `${schedule._id}:${planned}` });
  }

  async create(actor: Actor, input: NewExportSchedule) {
    const { ExportSchedule, BankAccount } = this.deps.models;
    if (input.accountId && !(await BankAccount.exists({ _id: input.accountId, userId: actor.userId }))) throw notFound('account');
    if ((await ExportSchedule.countDocuments({ userId: actor.userId, status: 'active' })) >= MAX_SCHEDULES_PER_USER) {
      throw new AppError('CONFLICT', `at most ${MAX_SCHEDULES_PER_USER} active export schedules per user`);
    }
    const nextRunAt = nextRunAfter(input.frequency, input.hour, this.deps.clock.now());
    const doc = await ExportSchedule.create({
      userId: actor.userId,
      frequency: input.frequency,
      format: input.format,
      hour: input.hour,
      filter: { accountId: input.accountId, type: input.type, category: input.category },
      nextRunAt,
    });
    await this.enqueue(doc);
    await this.deps.audit.record({ actor, action: 'data.export.schedule', target: { type: 'exportSchedule', id: String(doc._id) }, metadata: { frequency: input.frequency, format: input.format } });
    return this.view(doc.toObject());
  }

  async list(actor: Actor) {
    const docs = await this.deps.models.ExportSchedule.find({ userId: actor.userId, status: 'active' }).sort({ createdAt: -1 }).lean();
    return docs.map((d) => this.view(d));
  }

  async cancel(actor: Actor, id: string): Promise<void> {
    if (!Types.ObjectId.isValid(id)) throw notFound('export schedule');
    const doc = await this.deps.models.ExportSchedule.findOneAndUpdate({ _id: id, userId: actor.userId, status: 'active' }, { status: 'cancelled' }).lean();
    if (!doc) throw notFound('export schedule');
    await this.deps.jobs.cancel(EXPORT_JOB, `${doc._id}:${doc.nextRunAt.toISOString()}`);
    await this.deps.audit.record({ actor, action: 'data.export.unschedule', target: { type: 'exportSchedule', id } });
  }

  /** One planned run (called by the Agenda job). */
  async run(scheduleId: string, planned: Date): Promise<void> {
    const { ExportSchedule, ExportFile } = this.deps.models;
    const schedule = await ExportSchedule.findById(scheduleId).lean();
    // Cancelled, or a stale job for a time this schedule has already moved past.
    if (!schedule || schedule.status !== 'active' || schedule.nextRunAt.getTime() !== planned.getTime()) return;
    const file = (await ExportFile.findOne({ scheduleId: schedule._id, plannedFor: planned }).lean()) ?? (await this.produce(schedule, planned));
    await this.deps.notifications.notify({
      userId: String(schedule.userId),
      kind: 'export.ready',
      title: `Your ${schedule.frequency} export is ready`,
      body: `${file.fileName}: ${file.rows} transactions from ${file.period.from} to ${file.period.to}. Download: /api/data/export/files/${file._id}`,
      data: { fileId: String(file._id), url: `/api/data/export/files/${file._id}`, format: file.format, period: file.period, rows: file.rows },
      dedupeKey: `export.ready:${file._id}`,
    });
    const nextRunAt = nextRunAfter(schedule.frequency, schedule.hour, planned);
    const moved = await ExportSchedule.findOneAndUpdate({ _id: schedule._id, status: 'active', nextRunAt: planned }, { nextRunAt, lastRunAt: this.deps.clock.now() }, { returnDocument: 'after' }).lean();
    if (moved) await this.enqueue(moved);
    await this.prune(schedule._id);
  }

  private async produce(schedule: ExportSchedule, planned: Date) {
    const { ExportFile } = this.deps.models;
    const period = periodFor(schedule.frequency, planned);
    const actor: Actor = { userId: String(schedule.userId), role: 'user', channel: 'system' };
    const id = new Types.ObjectId();
    const userDir = path.join(await this.exportsDir(), String(schedule.userId));
    await mkdir(userDir, { recursive: true, mode: 0o700 });
    const relative = path.join(String(schedule.userId), `${id}.${schedule.format}`);
    const absolute = path.join(await this.exportsDir(), relative);
    let rows = 0;
    const counted = async function* (source: AsyncIterable<import('./exporters/model.js').ExportTransaction>) {
      for await (const row of source) {
        rows++;
        yield row;
      }
    };
    const filter = { ...schedule.filter, from: period.from, to: period.to };
    await pipeline(writeFormat(schedule.format, counted(this.data.exportRows(actor, filter)), { title: 'SmartWealth statement', period }), createWriteStream(absolute));
    const { size } = await stat(absolute);
    const fileName = `smartwealth-${period.from}-to-${period.to}.${schedule.format}`;
    try {
      const doc = await ExportFile.create({ _id: id, userId: schedule.userId, scheduleId: schedule._id, plannedFor: planned, format: schedule.format, fileName, path: relative, size, rows, period });
      return doc.toObject();
    } catch (err) {
      // Another process made this run's file first: keep theirs.
      await rm(absolute, { force: true });
      if (!isDuplicateKeyError(err)) throw err;
      return (await ExportFile.findOne({ scheduleId: schedule._id, plannedFor: planned }).lean())!;
    }
  }

  private async prune(scheduleId: Types.ObjectId): Promise<void> {
    const { ExportFile } = this.deps.models;
    const old = await ExportFile.find({ scheduleId }).sort({ plannedFor: -1 }).skip(KEEP_FILES).lean();
    if (!old.length) return;
    const dir = await this.exportsDir();
    for (const f of old) await rm(path.join(dir, f.path), { force: true });
    await ExportFile.deleteMany({ _id: { $in: old.map((f) => f._id) } });
  }

  async files(actor: Actor) {
    const docs = await this.deps.models.ExportFile.find({ userId: actor.userId }).sort({ createdAt: -1 }).limit(200).lean();
    return docs.map((f) => ({ id: String(f._id), scheduleId: String(f.scheduleId), fileName: f.fileName, format: f.format, size: f.size, rows: f.rows, period: f.period, createdAt: toJakartaIso(f.createdAt), url: `/api/data/export/files/${f._id}` }));
  }

  /**
   * A produced file for a chat message: its bytes when it is small enough to send as a document, else the download
   * link (absolute when PUBLIC_BASE_URL is set; the route needs the user's API key either way).
   */
  async forChat(actor: Actor, id: string, maxBytes: number): Promise<{ fileName: string; format: string; rows: number; period: { from: string; to: string } } & ({ data: Buffer } | { url: string; size: number })> {
    const f = await this.file(actor, id);
    const doc = (await this.deps.models.ExportFile.findById(id, { rows: 1, period: 1 }).lean())!;
    const base = { fileName: f.fileName, format: f.format, rows: doc.rows, period: doc.period };
    // The size on disk decides, not the recorded one: the file is what would be uploaded.
    const { size } = await stat(f.path);
    if (size > maxBytes) return { ...base, size, url: `${this.deps.config.PUBLIC_BASE_URL?.replace(/\/$/, '') ?? ''}/api/data/export/files/${id}` };
    return { ...base, data: await readFile(f.path) };
  }

  /** The file's absolute path and name for a download; only the owner's. */
  async file(actor: Actor, id: string): Promise<{ path: string; fileName: string; format: string; size: number }> {
    if (!Types.ObjectId.isValid(id)) throw notFound('export file');
    const f = await this.deps.models.ExportFile.findOne({ _id: id, userId: actor.userId }).lean();
    if (!f) throw notFound('export file');
    return { path: path.join(await this.exportsDir(), f.path), fileName: f.fileName, format: f.format, size: f.size };
  }

  private view(d: ExportSchedule) {
    return {
      id: String(d._id),
      frequency: d.frequency,
      format: d.format,
      hour: d.hour,
      filter: d.filter ?? {},
      status: d.status,
      nextRunAt: toJakartaIso(d.nextRunAt),
      lastRunAt: d.lastRunAt ? toJakartaIso(d.lastRunAt) : null,
      createdAt: toJakartaIso(d.createdAt),
    };
  }
}
