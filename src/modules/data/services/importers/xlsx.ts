/**
 * XLSX through exceljs's streaming reader: rows are read as they inflate, one worksheet (the first with data) at a
 * time. Formula cells give their cached result, never the formula. The zip directory is checked first (zip-guard)
 * and then used to read the parts in the order the reader needs them (see worksheetsOf).
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { LIMITS, StatementFileError } from '../model.js';
import type { StatementSource } from '../source.js';
import type { Cell, TableRecord } from '../table.js';
import { assertNotZipBomb, openZipEntry, readZipDirectory, type ZipEntry } from './zip-guard.js';

export async function assertSafeXlsx(source: StatementSource): Promise<ZipEntry[]> {
  const entries = await readZipDirectory(source);
  if (!entries.some((e) => WORKSHEET.test(e.name))) throw new StatementFileError('UNSUPPORTED_MEDIA_TYPE', 'the zip has no worksheets: not an XLSX spreadsheet');
  assertNotZipBomb(entries);
  return entries;
}

const WORKSHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/i;

/** The parts of exceljs's streaming WorkbookReader we drive one entry at a time (exceljs 4.4, pinned in package.json). */
interface ExcelWorkbookReaderParts {
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(entry: Readable, sheetNo: string): Generator<{ eventType: string; value: AsyncIterable<ExcelJS.Row> }>;
}

/**
 * The worksheets of an XLSX, each an async iterable of rows, read through the zip's central directory.
 *
 * exceljs's own `WorkbookReader.parse()` reads the zip as one forward stream (unzipper's Parse) and so depends on the
 * order entries were stored in: files written by exceljs (and others) store `xl/workbook.xml` last, and an entry can
 * be skipped when the consumer awaits between entries, so reads failed now and then with "Cannot read properties of
 * undefined (reading 'sheets')" (exceljs#3064, unzipper#234) — a flaky 422 for a good file. Reading the directory
 * first lets us hand exceljs the workbook, relationships, shared strings and styles before any sheet, always.
 * Entries are decoded to text with a streaming UTF-8 decoder, so a character split between two inflated chunks
 * stays whole (exceljs decodes each chunk on its own).
 */
async function* worksheetsOf(source: StatementSource, entries: ZipEntry[]): AsyncGenerator<AsyncIterable<ExcelJS.Row>> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache', // needed to know which numbers are dates
    entries: 'ignore',
  }) as unknown as ExcelWorkbookReaderParts;
  const open = async (name: string) => {
    const entry = entries.find((e) => e.name === name);
    if (!entry) return undefined;
    const stream = await openZipEntry(source, entry);
    stream.setEncoding('utf8');
    return stream;
  };
  const rels = await open('xl/_rels/workbook.xml.rels');
  const workbook = await open('xl/workbook.xml');
  if (!rels || !workbook) throw new StatementFileError('UNPROCESSABLE', 'the XLSX has no workbook part: not a spreadsheet Excel can open');
  await reader._parseRels(rels);
  await reader._parseWorkbook(workbook);
  const sharedStrings = await open('xl/sharedStrings.xml');
  if (sharedStrings) for await (const _ of reader._parseSharedStrings(sharedStrings));
  const styles = await open('xl/styles.xml');
  if (styles) await reader._parseStyles(styles);
  const sheets = entries
    .map((e) => ({ name: e.name, no: WORKSHEET.exec(e.name)?.[1] }))
    .filter((s): s is { name: string; no: string } => s.no !== undefined)
    .sort((a, b) => Number(a.no) - Number(b.no));
  for (const sheet of sheets) {
    const stream = (await open(sheet.name))!;
    try {
      for (const event of reader._parseWorksheet(stream, sheet.no)) if (event.eventType === 'worksheet') yield event.value;
    } finally {
      stream.destroy();
    }
  }
}

function cellValue(value: unknown): Cell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'object') {
    const v = value as { result?: unknown; richText?: { text: string }[]; text?: unknown; error?: string };
    if ('formula' in v || 'sharedFormula' in v) return cellValue(v.result);
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if (v.text !== undefined) return cellValue(v.text);
    if (v.error) return '';
  }
  return String(value);
}

export async function* readXlsxRecords(source: StatementSource): AsyncGenerator<TableRecord> {
  const entries = await assertSafeXlsx(source);
  try {
    for await (const worksheet of worksheetsOf(source, entries)) {
      let emitted = false;
      for await (const row of worksheet) {
        const values = (row.values as unknown[]) ?? [];
        const cells: Cell[] = [];
        // exceljs row.values is 1-based with a hole at 0
        for (let i = 1; i < Math.min(values.length, LIMITS.maxColumns + 1); i++) cells.push(cellValue(values[i]));
        emitted = true;
        yield { cells, line: row.number };
      }
      if (emitted) break; // the statement is the first sheet with rows; later sheets are notes and pivots
    }
  } catch (err) {
    if (err instanceof StatementFileError) throw err;
    throw new StatementFileError('UNPROCESSABLE', `the XLSX cannot be read: ${(err as Error).message}`);
  }
}
