/**
 * XLSX through exceljs's streaming reader: rows are read as they inflate, one worksheet (the first with data) at a
 * time. Formula cells give their cached result, never the formula. The zip directory is checked first (zip-guard).
 */
import ExcelJS from 'exceljs';
import { LIMITS, StatementFileError } from '../model.js';
import type { StatementSource } from '../source.js';
import type { Cell, TableRecord } from '../table.js';
import { assertNotZipBomb, readZipDirectory } from './zip-guard.js';

export async function assertSafeXlsx(source: StatementSource): Promise<void> {
  const entries = await readZipDirectory(source);
  if (!entries.some((e) => /^xl\/worksheets\/.+\.xml$/i.test(e.name))) throw new StatementFileError('UNSUPPORTED_MEDIA_TYPE', 'the zip has no worksheets: not an XLSX spreadsheet');
  assertNotZipBomb(entries);
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
  await assertSafeXlsx(source);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source.open(), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache', // needed to know which numbers are dates
    entries: 'emit',
  });
  let emitted = false;
  try {
    for await (const worksheet of reader) {
      if (emitted) break; // the statement is the first sheet with rows; later sheets are notes and pivots
      for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as unknown[]) ?? [];
        const cells: Cell[] = [];
        // exceljs row.values is 1-based with a hole at 0
        for (let i = 1; i < Math.min(values.length, LIMITS.maxColumns + 1); i++) cells.push(cellValue(values[i]));
        emitted = true;
        yield { cells, line: row.number };
      }
    }
  } catch (err) {
    if (err instanceof StatementFileError) throw err;
    throw new StatementFileError('UNPROCESSABLE', `the XLSX cannot be read: ${(err as Error).message}`);
  }
}
