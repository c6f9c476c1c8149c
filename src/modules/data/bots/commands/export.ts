import { z } from 'zod';
import { choiceArg } from '../../../../../bots/core/args.js';
import { defineCommand } from '../../../../../bots/core/command.js';
import { say } from '../../../../../bots/core/locale.js';
import { reply, type Reply } from '../../../../../bots/core/reply.js';
import type { Services } from '../../../../services/registry.js';
import type { Actor } from '../../../../services/actor.js';
import type { ExportTransaction } from '../../services/exporters/model.js';
import { CONTENT_TYPES } from '../../services/exporters/model.js';
import { writeFormat } from '../../services/exporters/zip.js';
import { actorOf, CHAT_FILE_LIMIT_BYTES, money, parsePeriod } from './chat-format.js';

const CHAT_FORMATS = ['csv', 'xlsx', 'pdf', 'json'] as const;

/**
 * /export <csv|xlsx|pdf|json> [period]: the user's transactions in the period as a document in the chat, built by
 * the same writers as GET /api/data/export. A file too large for a chat message is answered with the REST link.
 */
export const exportCommand = defineCommand<{ format: (typeof CHAT_FORMATS)[number]; period?: string }, Services>({
  name: 'export',
  aliases: ['ekspor'],
  description: { id: 'Kirim transaksi sebagai berkas CSV, XLSX atau PDF', en: 'Send your transactions as a CSV, XLSX or PDF file' },
  params: [
    { name: 'format', label: { id: 'csv|xlsx|pdf', en: 'csv|xlsx|pdf' } },
    { name: 'period', label: { id: 'periode', en: 'period' }, optional: true, rest: true },
  ],
  args: z.object({ format: choiceArg(CHAT_FORMATS), period: z.string().optional() }),
  example: '/export pdf bulan lalu',
  async run(ctx) {
    const period = parsePeriod(ctx.args.period, ctx.locale, new Date());
    const actor = actorOf(ctx);
    const { format } = ctx.args;
    let rows = 0;
    let inMinor = 0;
    let outMinor = 0;
    const counted = async function* (source: AsyncIterable<ExportTransaction>) {
      for await (const row of source) {
        rows++;
        if (row.amountMinor >= 0) inMinor += row.amountMinor;
        else outMinor -= row.amountMinor;
        yield row;
      }
    };
    const query = { from: period.from, to: period.to };
    const stream = writeFormat(format, counted(ctx.services.data.exportRows(actor, query)), { title: 'SmartWealth statement', period: query });
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const piece of stream as AsyncIterable<Buffer | string>) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      size += chunk.length;
      if (size > CHAT_FILE_LIMIT_BYTES) {
        tooLarge = true;
        stream.destroy();
        break;
      }
      chunks.push(chunk);
    }
    const fileName = `smartwealth-${period.from}-to-${period.to}.${format}`;
    if (!tooLarge && rows === 0) {
      return reply.text(ctx.say({ id: 'Tidak ada transaksi pada {period}. Catat dengan /catat 25rb kopi atau kirim mutasi rekening (CSV/XLSX/PDF).', en: 'No transactions in {period}. Record one with /catat 25rb kopi or send a bank statement (CSV/XLSX/PDF).' }, { period: period.label }), 'private');
    }
    const summary = ctx.say({ id: '{rows} transaksi, {period}: masuk {in}, keluar {out}', en: '{rows} transactions, {period}: in {in}, out {out}' }, { rows, period: period.label, in: money(inMinor), out: money(outMinor) });
    if (tooLarge) {
      const path = `/api/data/export?format=${format}&from=${period.from}&to=${period.to}`;
      return reply.of([
        { type: 'text', text: ctx.say({ id: 'Berkasnya lebih dari {max} MB, terlalu besar untuk chat. Unduh lewat API dengan kunci API Anda:', en: 'The file is over {max} MB, too large for a chat. Download it through the API with your API key:' }, { max: CHAT_FILE_LIMIT_BYTES / (1024 * 1024) }) },
        { type: 'fields', fields: [{ label: 'GET', value: path, copy: true }] },
      ]);
    }
    return reply.of([{ type: 'file', data: Buffer.concat(chunks, size), filename: fileName, mimeType: CONTENT_TYPES[format].split(';')[0], caption: summary }]);
  },
  notifications: {
    /** A scheduled export: the file itself in the chat, or its link when it is too large for a chat message. */
    async 'export.ready'(ctx): Promise<Reply> {
      const fileId = String(ctx.notification.data?.fileId ?? '');
      const actor: Actor = { userId: ctx.userId, role: 'user', channel: ctx.channel };
      const file = await ctx.services.dataExportSchedules.forChat(actor, fileId, CHAT_FILE_LIMIT_BYTES);
      const caption = say(ctx.locale, { id: '📄 Ekspor terjadwal siap: {rows} transaksi, {from} s/d {to}', en: '📄 Scheduled export ready: {rows} transactions, {from} to {to}' }, { rows: file.rows, from: file.period.from, to: file.period.to });
      if ('data' in file) return reply.of([{ type: 'file', data: file.data, filename: file.fileName, mimeType: CONTENT_TYPES[file.format as keyof typeof CONTENT_TYPES]?.split(';')[0] ?? 'application/octet-stream', caption }]);
      return reply.of([
        { type: 'text', text: `${caption}\n${say(ctx.locale, { id: 'Berkasnya {mb} MB, terlalu besar untuk chat; unduh dengan kunci API Anda:', en: 'The file is {mb} MB, too large for a chat; download it with your API key:' }, { mb: (file.size / (1024 * 1024)).toFixed(1) })}` },
        file.url.startsWith('http') ? { type: 'link', text: file.fileName, url: file.url } : { type: 'fields', fields: [{ label: 'GET', value: file.url, copy: true }] },
      ]);
    },
  },
});
