import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sourceFromBuffer } from '../source.js';
import { validateStatement } from '../validate.js';
import type { ExportTransaction } from './model.js';
import { writeFormat, writeZip } from './zip.js';
import { readZipDirectory } from '../importers/zip-guard.js';

const rows: ExportTransaction[] = [
  { date: '2024-11-01', description: 'Gaji November', amountMinor: 1500000000, currency: 'IDR', balanceMinor: 1500000000, category: 'income', account: 'BCA ••6789', source: 'import' },
  { date: '2024-11-02', description: "=cmd|' /C calc'!A0", amountMinor: -5000000, currency: 'IDR', category: '+evil', tags: ['@boss'], source: 'import' },
  { date: '2024-12-03', description: 'Kopi, "Tuku"\nlatte', amountMinor: -2800000, currency: 'IDR', category: 'food', externalId: '-1' },
];

async function* stream<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function bytes(readable: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of readable) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}

describe('export writers', () => {
  it('CSV: formula-looking text is neutralised, numbers stay numbers, and the file imports back', async () => {
    const csv = (await bytes(writeFormat('csv', stream(rows))));
    const text = csv.toString('utf8');
    expect(text.startsWith('\ufeffDate,Description,Amount')).toBe(true);
    expect(text).toContain(`2024-11-02,'=cmd|' /C calc'!A0,-50000.00,IDR,,'+evil,'@boss`);
    expect(text).toContain('"Kopi, ""Tuku""\nlatte"');
    expect(text).not.toMatch(/,=|,\+|,@/);
    const back = await validateStatement(sourceFromBuffer(csv));
    expect(back.rows.map((r) => [r.date, r.amountMinor])).toEqual(rows.map((r) => [r.date, r.amountMinor]));
  });

  it('XLSX: streamed, escaped text, amounts as numbers', async () => {
    const buf = await bytes(writeFormat('xlsx', stream(rows)));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual([undefined, 'Date', 'Description', 'Amount', 'Currency', 'Balance', 'Category', 'Tags', 'Account', 'Source', 'Reference']);
    expect(ws.getRow(3).getCell(2).value).toBe("'=cmd|' /C calc'!A0");
    expect(ws.getRow(3).getCell(3).value).toBe(-50000);
    expect(ws.getRow(4).getCell(10).value).toBe("'-1");
  });

  it('JSON round-trips through the importer exactly', async () => {
    const json = await bytes(writeFormat('json', stream(rows)));
    const back = await validateStatement(sourceFromBuffer(json));
    expect(back.rows.map((r) => [r.date, r.amountMinor, r.description])).toEqual(rows.map((r) => [r.date, r.amountMinor, r.description]));
  });

  it('PDF: a statement whose text holds the rows and the per-month totals, with a chart image', async () => {
    const pdf = await bytes(writeFormat('pdf', stream(rows), { title: 'Mutasi BCA', period: { from: '2024-11-01', to: '2024-12-31' } }));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/Subtype \/Image/);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, verbosity: 0 }).promise;
    let text = '';
    for (let p = 1; p <= doc.numPages; p++) text += (await (await doc.getPage(p)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ') + '\n';
    expect(text).toContain('Gaji November');
    expect(text).toContain('Totals per month');
    expect(text).toMatch(/2024-11[\s\S]*Rp15\.000\.000,00[\s\S]*-Rp50\.000,00[\s\S]*Rp14\.950\.000,00/);
    await doc.destroy();
  });

  it('zip: one entry per format, each complete', async () => {
    const zip = await bytes(writeZip(['csv', 'xlsx', 'json', 'pdf'], () => stream(rows), 'mutasi-2024-11'));
    const entries = await readZipDirectory(sourceFromBuffer(zip));
    expect(entries.map((e) => e.name)).toEqual(['mutasi-2024-11.csv', 'mutasi-2024-11.xlsx', 'mutasi-2024-11.json', 'mutasi-2024-11.pdf']);
    expect(entries.every((e) => e.uncompressedSize > 100)).toBe(true);
  });
});
