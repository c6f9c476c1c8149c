/** XLSX export through exceljs's streaming writer: each row is committed (flushed) as it is written. */
import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { minorToDecimal } from '../../../../lib/money.js';
import { convertedColumns } from './converted-amounts.js';
import { COLUMNS, neutralizeFormula, type ExportMeta, type ExportTransaction } from './model.js';

export function writeXlsx(rows: AsyncIterable<ExportTransaction>, sheetName = 'Transactions', meta: Pick<ExportMeta, 'convertedTo'> = {}): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [...COLUMNS, ...(meta.convertedTo ? convertedColumns(meta.convertedTo) : [])].map((header) => ({ header, key: header, width: header === 'Description' ? 48 : 16 }));
  (async () => {
    for await (const t of rows) {
      sheet
        .addRow([
          t.date,
          neutralizeFormula(t.description),
          // A number so the sheet can sum it; minor→decimal string→number is exact for any rupiah amount a ledger holds.
          Number(minorToDecimal(t.amountMinor, t.currency)),
          t.currency,
          t.balanceMinor === undefined ? null : Number(minorToDecimal(t.balanceMinor, t.currency)),
          neutralizeFormula(t.category ?? ''),
          neutralizeFormula(t.tags?.join(' ') ?? ''),
          neutralizeFormula(t.account ?? ''),
          t.source ?? '',
          neutralizeFormula(t.externalId ?? ''),
          ...(t.converted ? [Number(minorToDecimal(t.converted.amountMinor, t.converted.currency)), t.converted.rate, t.converted.rateDate] : []),
        ])
        .commit();
    }
    sheet.commit();
    await workbook.commit();
  })().catch((err) => out.destroy(err as Error));
  return out;
}
