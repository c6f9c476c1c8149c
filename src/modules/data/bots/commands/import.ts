import { z } from 'zod';
import { defineCommand, type ActionContext } from '../../../../../bots/core/command.js';
import { reply, type Reply, type ReplyBlock } from '../../../../../bots/core/reply.js';
import { AppError } from '../../../../lib/errors.js';
import { maskAccountNumber } from '../../../../lib/crypto.js';
import type { Services } from '../../../../services/registry.js';
import type { ImportProgress } from '../../services/import-service.js';
import { sourceFromBuffer } from '../../services/source.js';
import type { ValidationResult } from '../../services/validate.js';
import { actorOf, CHAT_FILE_LIMIT_BYTES, money } from './chat-format.js';

/** Statement files by name or type; the parser still decides by content (a renamed file is judged by its bytes). */
const STATEMENT_EXTENSIONS = /\.(csv|txt|tsv|xlsx|xls|pdf|ofx|qfx|qif|json|jsonl|xml)$/i;
const STATEMENT_TYPES = /^(text\/(csv|plain|tab-separated-values|xml)|application\/(pdf|json|xml|vnd\.ms-excel|vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet|x-ofx|octet-stream))/i;

const PREVIEW_ROWS = 5;
const LISTED_ERRORS = 8;

type Ctx = Pick<ActionContext<Services>, 'say'>;

/**
 * /import explains how; the work is its file handler: a statement sent in the chat is downloaded (size-limited by
 * the core), validated with the same parser as POST /api/data/validate, previewed with Import / Cancel, and on
 * Import run as the same durable job as POST /api/data/import, its progress edited into the preview message.
 */
export const importCommand = defineCommand<Record<string, never>, Services>({
  name: 'import',
  aliases: ['impor'],
  description: { id: 'Impor mutasi rekening: kirim berkas CSV, XLSX atau PDF', en: 'Import a bank statement: send a CSV, XLSX or PDF file' },
  args: z.object({}),
  example: '/import',
  async run(ctx) {
    return reply.text(
      ctx.say({
        id: 'Kirim berkas mutasi rekening ke chat ini (CSV, XLSX atau PDF e-statement; juga OFX/QIF/CAMT.053/JSON), maksimal {max} MB. Saya tampilkan pratinjau dulu; transaksi baru masuk setelah Anda tekan Impor. Transaksi yang sudah ada dilewati.',
        en: 'Send a bank statement file to this chat (CSV, XLSX or a PDF e-statement; OFX/QIF/CAMT.053/JSON work too), at most {max} MB. You get a preview first; nothing is added until you press Import. Transactions already there are skipped.',
      }, { max: CHAT_FILE_LIMIT_BYTES / (1024 * 1024) }),
    );
  },
  file: {
    maxBytes: CHAT_FILE_LIMIT_BYTES,
    accepts: (file) => STATEMENT_EXTENSIONS.test(file.name) || (file.mimeType !== undefined && STATEMENT_TYPES.test(file.mimeType) && !/octet-stream/.test(file.mimeType)),
    async run(ctx) {
      const actor = actorOf(ctx);
      const data = await ctx.file.download(CHAT_FILE_LIMIT_BYTES);
      const fileName = ctx.file.name;
      let result: ValidationResult;
      try {
        // Duplicates are counted against the account this statement would land in, when the user already has it.
        result = await ctx.services.data.validate(actor, sourceFromBuffer(data), { fileName });
      } catch (err) {
        if (err instanceof AppError && ['UNSUPPORTED_MEDIA_TYPE', 'UNPROCESSABLE', 'VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'BAD_REQUEST'].includes(err.code)) {
          return reply.text(
            ctx.say({
              id: '❌ Berkas "{name}" tidak bisa dibaca sebagai mutasi rekening: {reason}\nKirim CSV/XLSX dari internet banking (KlikBCA, Livin\' Mandiri, BRI, BNI, CIMB Niaga, Danamon) atau PDF e-statement. Untuk tata letak lain, simpan pemetaan kolom lewat POST /api/data/mappings.',
              en: '❌ The file "{name}" could not be read as a bank statement: {reason}\nSend the CSV/XLSX from internet banking (KlikBCA, Livin\' Mandiri, BRI, BNI, CIMB Niaga, Danamon) or a PDF e-statement. For other layouts, save a column mapping with POST /api/data/mappings.',
            }, { name: fileName, reason: err.message }),
            'private',
          );
        }
        throw err;
      }
      const blocks = previewBlocks(ctx, fileName, result);
      if (result.summary.valid === 0) {
        blocks.push({ type: 'text', text: ctx.say({ id: 'Tidak ada baris yang bisa diimpor. Perbaiki berkasnya lalu kirim lagi.', en: 'No row can be imported. Fix the file and send it again.' }) });
        return reply.of(blocks);
      }
      const token = await ctx.services.dataImports.stage(actor, data, { accountNumber: result.info.accountNumber, bank: result.template?.bank, currency: result.info.currency, fileName });
      blocks.push(
        await ctx.buttons([
          { label: { id: 'Impor', en: 'Import' }, action: 'import', payload: { token, total: result.summary.total }, style: 'primary' },
          { label: { id: 'Batal', en: 'Cancel' }, action: 'cancel', payload: { token } },
        ]),
      );
      return reply.of(blocks);
    },
  },
  actions: {
    async import(ctx) {
      const actor = actorOf(ctx);
      const total = Number(ctx.payload.total ?? 0);
      let started: { id: string; fileName: string };
      try {
        started = await ctx.services.dataImports.startStaged(actor, String(ctx.payload.token));
      } catch (err) {
        if (err instanceof AppError && err.code === 'NOT_FOUND') {
          return reply.of([{ type: 'text', text: ctx.say({ id: 'Berkasnya sudah tidak disimpan. Kirim lagi untuk pratinjau baru.', en: 'The file is no longer kept. Send it again for a new preview.' }) }], 'private', { replaceOriginal: true });
        }
        throw err;
      }
      const live = await ctx.live(progressReply(ctx, started.fileName, { id: started.id, status: 'queued', processed: 0, imported: 0, duplicates: 0, rejected: 0 }, total));
      // The import is a durable Agenda job (any hub process may run it); this only follows it and edits the message,
      // so the chat event is finished now rather than held for the length of the import.
      void ctx.services.dataImports
        .follow(actor, started.id, (p) => live.update(progressReply(ctx, started.fileName, p, total)), { intervalMs: 1000 })
        .then(async () => live.update(summaryReply(ctx, started.fileName, await ctx.services.dataImports.get(actor, started.id)), { final: true }))
        .catch(() =>
          live.update(reply.of([{ type: 'text', text: ctx.say({ id: 'Impor {id} berjalan; hasilnya ada di GET /api/data/import/{id}.', en: 'Import {id} is running; its result is at GET /api/data/import/{id}.' }, { id: started.id }) }], 'private', { replaceOriginal: true }), { final: true }),
        );
      return [];
    },
    async cancel(ctx) {
      await ctx.services.dataImports.discardStaged(actorOf(ctx), String(ctx.payload.token));
      return reply.of([{ type: 'text', text: ctx.say({ id: 'Impor dibatalkan; tidak ada yang diubah.', en: 'Import cancelled; nothing was changed.' }) }], 'private', { replaceOriginal: true });
    },
  },
});

function previewBlocks(ctx: Ctx, fileName: string, r: ValidationResult): ReplyBlock[] {
  const currency = r.info.currency ?? r.rows[0]?.currency ?? 'IDR';
  const dates = r.rows.map((x) => x.date).sort();
  const period = r.info.period ?? (dates.length ? { from: dates[0], to: dates[dates.length - 1] } : undefined);
  const layout = r.template ? `${r.template.name}${r.template.certainty === 'best-guess' ? ctx.say({ id: ' (tata letak perkiraan)', en: ' (best-guess layout)' }) : ''}` : r.format.toUpperCase();
  const fields = [
    { label: ctx.say({ id: 'Format', en: 'Format' }), value: layout },
    ...(r.info.accountNumber ? [{ label: ctx.say({ id: 'Rekening', en: 'Account' }), value: maskAccountNumber(r.info.accountNumber.replace(/[^0-9A-Za-z]/g, '')) }] : []),
    ...(period ? [{ label: ctx.say({ id: 'Periode', en: 'Period' }), value: `${period.from} – ${period.to}` }] : []),
    { label: ctx.say({ id: 'Baris', en: 'Rows' }), value: ctx.say({ id: '{valid} terbaca, {invalid} ditolak', en: '{valid} read, {invalid} rejected' }, { valid: r.summary.valid, invalid: r.summary.invalid }) },
    { label: ctx.say({ id: 'Masuk', en: 'In' }), value: `${money(r.totals.creditMinor, currency)} (${r.totals.credits})` },
    { label: ctx.say({ id: 'Keluar', en: 'Out' }), value: `${money(r.totals.debitMinor, currency)} (${r.totals.debits})` },
  ];
  if (r.summary.duplicates) fields.push({ label: ctx.say({ id: 'Sudah ada', en: 'Already there' }), value: ctx.say({ id: '{n} akan dilewati', en: '{n} will be skipped' }, { n: r.summary.duplicates }) });
  const blocks: ReplyBlock[] = [
    { type: 'heading', text: `📄 ${fileName}`.slice(0, 140) },
    { type: 'fields', fields },
    {
      type: 'table',
      columns: [ctx.say({ id: 'Tanggal', en: 'Date' }), ctx.say({ id: 'Keterangan', en: 'Description' }), ctx.say({ id: 'Jumlah', en: 'Amount' })],
      align: ['left', 'left', 'right'],
      rows: r.rows.slice(0, PREVIEW_ROWS).map((x) => [x.date, shorten(x.description, 26), money(x.amountMinor, x.currency)]),
    },
  ];
  if (r.summary.pending) blocks.push({ type: 'text', text: ctx.say({ id: '{n} transaksi PEND (belum dibukukan bank) tidak diimpor; nanti masuk setelah dibukukan.', en: '{n} PEND transactions (not booked by the bank yet) are not imported; they come in once booked.' }, { n: r.summary.pending }) });
  if (r.errors.length) blocks.push({ type: 'text', text: `⚠️ ${ctx.say({ id: 'Masalah', en: 'Problems' })}:\n${listErrors(ctx, r.errors, r.summary.invalid + r.checks.filter((c) => !c.ok).length)}` });
  return blocks;
}

function progressReply(ctx: Ctx, fileName: string, p: ImportProgress, total: number): Reply {
  const of = total ? `/${total}` : '';
  return reply.of(
    [
      { type: 'text', text: `⏳ ${ctx.say({ id: 'Mengimpor {file}…', en: 'Importing {file}…' }, { file: fileName })}` },
      { type: 'text', text: ctx.say({ id: '{processed}{of} baris diproses: {imported} baru, {duplicates} duplikat, {rejected} ditolak', en: '{processed}{of} rows processed: {imported} new, {duplicates} duplicates, {rejected} rejected' }, { processed: p.processed, of, imported: p.imported, duplicates: p.duplicates, rejected: p.rejected }) },
    ],
    'private',
    { replaceOriginal: true },
  );
}

function summaryReply(ctx: Ctx, fileName: string, job: { status: string; imported: number; duplicates: number; rejected: number; failure?: string; errors?: { row: number; field: string; message: string }[] }): Reply {
  if (job.status === 'failed') {
    return reply.of([{ type: 'text', text: `❌ ${ctx.say({ id: 'Impor {file} gagal: {reason}', en: 'Import of {file} failed: {reason}' }, { file: fileName, reason: job.failure ?? '-' })}` }], 'private', { replaceOriginal: true });
  }
  const blocks: ReplyBlock[] = [
    { type: 'text', text: `✅ ${ctx.say({ id: 'Impor {file} selesai', en: 'Import of {file} done' }, { file: fileName })}` },
    {
      type: 'fields',
      fields: [
        { label: ctx.say({ id: 'Diimpor', en: 'Imported' }), value: String(job.imported) },
        { label: ctx.say({ id: 'Duplikat dilewati', en: 'Duplicates skipped' }), value: String(job.duplicates) },
        { label: ctx.say({ id: 'Ditolak', en: 'Rejected' }), value: String(job.rejected) },
      ],
    },
  ];
  if (job.errors?.length) blocks.push({ type: 'text', text: `${ctx.say({ id: 'Baris ditolak', en: 'Rejected rows' })}:\n${listErrors(ctx, job.errors, job.rejected)}` });
  return reply.of(blocks, 'private', { replaceOriginal: true });
}

function listErrors(ctx: Ctx, errors: { row: number; field: string; message: string }[], count: number): string {
  const lines = errors.slice(0, LISTED_ERRORS).map((e) => `• ${ctx.say({ id: 'baris', en: 'row' })} ${e.row} (${e.field}): ${e.message}`);
  if (count > LISTED_ERRORS) lines.push(ctx.say({ id: '…dan {n} lagi', en: '…and {n} more' }, { n: count - LISTED_ERRORS }));
  return lines.join('\n');
}

function shorten(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
