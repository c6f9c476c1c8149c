/**
 * CSV (any delimiter, quoted fields, BOM, UTF-8/UTF-16/Windows-1252, CRLF) as a stream of table records.
 * csv-parse streams, so memory stays flat whatever the file's length; a line longer than LIMITS.maxLineBytes
 * (a hostile blob without newlines) stops the file with a clear error instead of growing a buffer.
 */
import { parse } from 'csv-parse';
import { LIMITS, StatementFileError } from '../model.js';
import { decodeHead, detectEncoding, openText, readRange, type StatementSource, type TextEncoding } from '../source.js';
import type { TableRecord } from '../table.js';

const CANDIDATES = [',', ';', '\t', '|'] as const;

function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === delimiter) count++;
  }
  return count;
}

/**
 * The delimiter that splits the most lines into the same number of fields. Header blocks (KlikBCA's
 * `No. rekening : …` lines) have few delimiters, so consistency over the body decides, not the first line.
 */
export function detectDelimiter(headText: string): string {
  const lines = headText.split(/\r?\n/).slice(0, 60).filter((l) => l.trim() !== '');
  let best: string = ',';
  let bestScore = -1;
  for (const d of CANDIDATES) {
    const counts = new Map<number, number>();
    for (const line of lines) {
      const n = countOutsideQuotes(line, d);
      if (n > 0) counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    let score = 0;
    for (const [fields, lineCount] of counts) score = Math.max(score, lineCount * 10 + Math.min(fields, 9));
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

export interface CsvHead {
  encoding: TextEncoding;
  delimiter: string;
  text: string;
}

export async function sniffCsv(source: StatementSource, headBytes = 64 * 1024): Promise<CsvHead> {
  const head = await readRange(source, 0, Math.min(source.size, headBytes));
  const encoding = detectEncoding(head);
  const text = decodeHead(head, encoding);
  return { encoding, delimiter: detectDelimiter(text), text };
}

export async function* readCsvRecords(source: StatementSource, head: CsvHead): AsyncGenerator<TableRecord> {
  const parser = openText(source, head.encoding).pipe(
    parse({
      delimiter: head.delimiter,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: false,
      max_record_size: LIMITS.maxLineBytes,
      info: true,
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { cells: record.length > LIMITS.maxColumns ? record.slice(0, LIMITS.maxColumns) : record, line: info.lines };
    }
  } catch (err) {
    const e = err as { code?: string; lines?: number; message?: string };
    if (e.code === 'CSV_MAX_RECORD_SIZE')
      throw new StatementFileError('UNPROCESSABLE', `line ${e.lines ?? '?'} is longer than ${LIMITS.maxLineBytes} bytes: not a statement row`, { line: e.lines });
    throw new StatementFileError('UNPROCESSABLE', `the CSV cannot be read: ${e.message ?? String(err)}`, { line: e.lines });
  }
}
