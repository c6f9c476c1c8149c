/**
 * Several formats of one export in a zip (archiver). Each format reads its own stream of rows (`open` is called once
 * per entry, lazily, when the archive reaches it), so the zip is streamed like the single-format exports.
 */
import { PassThrough, type Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { writeCsv } from './csv.js';
import { writeJson } from './json.js';
import type { ExportFormat, ExportMeta, ExportTransaction } from './model.js';
import { writePdfStatement } from './pdf.js';
import { writeXlsx } from './xlsx.js';

export function writeFormat(format: ExportFormat, rows: AsyncIterable<ExportTransaction>, meta: ExportMeta = {}): Readable {
  if (format === 'csv') return writeCsv(rows, meta);
  if (format === 'xlsx') return writeXlsx(rows, undefined, meta);
  if (format === 'json') return writeJson(rows);
  return writePdfStatement(rows, meta);
}

export function writeZip(formats: ExportFormat[], open: () => AsyncIterable<ExportTransaction>, baseName: string, meta: ExportMeta = {}): Readable {
  const out = new PassThrough();
  const archive = new ZipArchive({ zlib: { level: 6 } });
  archive.on('error', (err: Error) => out.destroy(err));
  archive.pipe(out);
  (async () => {
    for (const format of formats) {
      const entry = writeFormat(format, open(), meta);
      archive.append(entry, { name: `${baseName}.${format}` });
      // One entry at a time: the next cursor opens only after this one is drained into the archive.
      await new Promise<void>((resolve, reject) => {
        entry.once('end', resolve);
        entry.once('error', reject);
      });
    }
    await archive.finalize();
  })().catch((err) => out.destroy(err as Error));
  return out;
}
