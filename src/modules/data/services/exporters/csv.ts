/** CSV export: UTF-8 with BOM (Excel on Indonesian Windows otherwise reads it as Windows-1252), text cells neutralised. */
import { Readable } from 'node:stream';
import { minorToDecimal } from '../../../../lib/money.js';
import { convertedColumns } from './converted-amounts.js';
import { COLUMNS, neutralizeFormula, type ExportMeta, type ExportTransaction } from './model.js';

function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function textCell(value: string | undefined): string {
  return field(neutralizeFormula(value ?? ''));
}

export function csvLine(t: ExportTransaction): string {
  return [
    t.date,
    textCell(t.description),
    minorToDecimal(t.amountMinor, t.currency),
    t.currency,
    t.balanceMinor === undefined ? '' : minorToDecimal(t.balanceMinor, t.currency),
    textCell(t.category),
    textCell(t.tags?.join(' ')),
    textCell(t.account),
    textCell(t.source),
    textCell(t.externalId),
    ...(t.converted ? [minorToDecimal(t.converted.amountMinor, t.converted.currency), t.converted.rate, t.converted.rateDate] : []),
  ].join(',');
}

export function writeCsv(rows: AsyncIterable<ExportTransaction>, meta: Pick<ExportMeta, 'convertedTo'> = {}): Readable {
  const columns = [...COLUMNS, ...(meta.convertedTo ? convertedColumns(meta.convertedTo) : [])];
  async function* lines() {
    yield `\ufeff${columns.join(',')}\r\n`;
    let chunk = '';
    for await (const t of rows) {
      chunk += `${csvLine(t)}\r\n`;
      if (chunk.length > 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  return Readable.from(lines());
}
