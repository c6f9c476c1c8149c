import { Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import ExcelJS from 'exceljs';
import { ZipArchive } from 'archiver';
import { describe, expect, it } from 'vitest';
import { sourceFromBuffer } from '../source.js';
import { fixture } from '../test-helpers.js';
import { mappingSchema } from '../templates/generic.js';
import { validateStatement } from '../validate.js';

async function pdfBuffer(draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 40 });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => doc.on('end', resolve));
  draw(doc);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

describe('machine formats', () => {
  it('JSON: rows from an object holding an array, both amount styles, row errors for the rest', async () => {
    const r = await validateStatement(fixture('statement.json'));
    expect(r.format).toBe('json');
    expect(r.rows.map((x) => [x.date, x.amountMinor, x.externalId])).toEqual([['2024-11-01', 1500000000, 'TX-1001'], ['2024-11-02', -250000000, 'TX-1002'], ['2024-11-02', -2800000, undefined]]);
    expect(r.errors.map((e) => [e.row, e.field])).toEqual([[4, 'date'], [5, 'description'], [6, 'amount']]);
  });

  it('JSON Lines: a bad line is one error; a repeated id is a duplicate within the file', async () => {
    const r = await validateStatement(fixture('statement.jsonl'));
    expect(r.summary).toMatchObject({ total: 4, valid: 3, invalid: 1, duplicates: 1 });
    expect(r.rows[1].duplicate).toBe('file');
    expect(r.rows[2].amountMinor).toBe(14900000);
  });

  it('a truncated JSON file stops with a clear error', async () => {
    await expect(validateStatement(fixture('broken-truncated.json'))).rejects.toThrow(/truncated/);
  });

  it('OFX 1 (SGML, unclosed tags) and OFX 2 / QFX (XML)', async () => {
    const v1 = await validateStatement(fixture('statement.ofx'));
    expect(v1.rows.map((x) => [x.date, x.amountMinor, x.externalId, x.description])).toEqual([
      ['2024-12-02', 500000000, '20241202001', 'TRANSFER DARI ANDI — BI FAST'],
      ['2024-12-03', -4500000, '20241203001', 'KOPI KENANGAN & CO'],
      ['2024-12-31', -1500000, '20241231001', 'BIAYA ADM'],
    ]);
    expect(v1.errors[0]).toMatchObject({ row: 4, field: 'DTPOSTED' });
    expect(v1.info).toMatchObject({ accountNumber: '0123456789', period: { from: '2024-12-01', to: '2024-12-31' } });
    const v2 = await validateStatement(fixture('statement-v2.qfx'));
    expect(v2.rows.map((x) => x.amountMinor)).toEqual([150000000, -8200000]);
  });

  it('QIF: day-first dates, identical records kept twice, bad records reported', async () => {
    const r = await validateStatement(fixture('statement.qif'));
    expect(r.rows.map((x) => [x.date, x.amountMinor])).toEqual([['2024-10-01', -4500000], ['2024-10-01', -4500000], ['2024-10-05', 1250000000]]);
    expect(r.errors.map((e) => e.field)).toEqual(['D', 'T']);
    const us = await validateStatement(sourceFromBuffer(Buffer.from("!Type:Bank\nD12/25'24\nT-10.00\nPGift\n^\n")));
    expect(us.rows[0].date).toBe('2024-12-25');
  });

  it('CAMT.053: sign from CdtDbtInd, pending entries reported, balances checked', async () => {
    const r = await validateStatement(fixture('camt053.xml'));
    expect(r.rows.map((x) => [x.date, x.amountMinor, x.externalId])).toEqual([['2024-09-02', 250000000, 'BCA20240902A1'], ['2024-09-05', -15000000, 'BCA20240905B7']]);
    expect(r.summary).toMatchObject({ pending: 1, invalid: 1 });
    expect(r.checks).toEqual([expect.objectContaining({ check: 'closing-balance', ok: true })]);
  });

  it('.xls is refused with what to do instead, by content not name', async () => {
    const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]);
    await expect(validateStatement(sourceFromBuffer(ole))).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/save it as \.xlsx or \.csv/) });
  });
});

describe('hostile input', () => {
  it('an enormous line stops the file instead of growing a buffer', async () => {
    const blob = Buffer.concat([Buffer.from('Tanggal;Keterangan;Jumlah\n01/01/2024;'), Buffer.alloc(2 * 1024 * 1024, 'A'), Buffer.from(';1\n')]);
    await expect(validateStatement(sourceFromBuffer(blob))).rejects.toMatchObject({ code: 'UNPROCESSABLE', message: expect.stringMatching(/longer than/) });
  });

  it('binary junk is not a statement', async () => {
    await expect(validateStatement(sourceFromBuffer(Buffer.from([0, 1, 2, 3, 0, 0, 7, 8, 9])))).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('a zip bomb posing as XLSX is refused from its directory, before inflating', async () => {
    const archive = new ZipArchive({ zlib: { level: 9 } });
    const chunks: Buffer[] = [];
    archive.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve) => archive.on('end', resolve));
    archive.append('<Types/>', { name: '[Content_Types].xml' });
    archive.append(Readable.from([Buffer.alloc(32 * 1024 * 1024, 0x20)]), { name: 'xl/worksheets/sheet1.xml' });
    await archive.finalize();
    await done;
    const before = process.memoryUsage().rss;
    await expect(validateStatement(sourceFromBuffer(Buffer.concat(chunks)))).rejects.toMatchObject({ code: 'UNPROCESSABLE', message: expect.stringMatching(/zip bomb/) });
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024);
  });
});

describe('XLSX', () => {
  it("a user's own sheet with a custom mapping: date cells, numbers, formula totals ignored, bad rows reported", async () => {
    const mapping = mappingSchema.parse({ columns: { date: 'Tgl', description: 'Catatan', debit: 'Keluar', credit: 'Masuk', externalId: 'Ref' }, sign: 'debit-credit' });
    const r = await validateStatement(fixture('custom-mapping.xlsx'), { mapping });
    expect(r.format).toBe('xlsx');
    expect(r.rows.map((x) => [x.date, x.amountMinor, x.externalId ?? null])).toEqual([
      ['2025-01-03', -84575050, 'INV-0103'],
      ['2025-01-05', 1500000000, 'PAY-0105'],
      ['2025-01-07', -2000000, null],
      ['2025-01-09', -15000000, null],
    ]);
    expect(r.rows[2].description).toBe('=HYPERLINK("http://evil.example","klik")');
    expect(r.errors.map((e) => [e.row, e.field])).toEqual([[8, 'date'], [9, 'debit'], [10, 'date']]);
  });

  it("Livin' saved as XLSX is detected like its CSV", async () => {
    const r = await validateStatement(fixture('mandiri-livin.xlsx'));
    expect(r.template?.id).toBe('mandiri-livin');
    expect(r.rows.map((x) => x.amountMinor)).toEqual([150000000, -8200000]);
  });

  it('reads a workbook whose workbook part is stored last every time, from its first sheet with rows', async () => {
    // exceljs stores xl/workbook.xml last; its own streaming reader failed on such files now and then (exceljs#3064).
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Kosong');
    const ws = wb.addWorksheet('Mutasi');
    ws.addRow(['Date', 'Description', 'Amount']);
    for (let day = 1; day <= 28; day++) ws.addRow([`${String(day).padStart(2, '0')}/02/2024`, `Belanja ${day}`, -1000 * day]);
    wb.addWorksheet('Catatan').addRow(['not', 'a', 'statement']);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const reads = await Promise.all(Array.from({ length: 24 }, () => validateStatement(sourceFromBuffer(bytes))));
    for (const r of reads) expect(r.rows.map((x) => x.amountMinor)).toEqual(Array.from({ length: 28 }, (_, i) => -100000 * (i + 1)));
  });

  it('keeps characters whole where the inflated text splits between chunks', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['Date', 'Description', 'Amount']);
    // Thousands of distinct multi-byte strings: the shared-strings part inflates in many chunks, some cut mid-character.
    for (let i = 1; i <= 3000; i++) ws.addRow(['01/02/2024', `Kafé № ${i} — Rp¹ ✓ 😀 ${'é'.repeat(i % 7)}`, -i]);
    const r = await validateStatement(sourceFromBuffer(Buffer.from(await wb.xlsx.writeBuffer())), { maxRows: 3000 });
    expect(r.summary).toMatchObject({ valid: 3000, invalid: 0 });
    expect(r.rows.filter((x) => x.description.includes('\uFFFD'))).toEqual([]);
    expect(r.rows[2999].description).toBe(`Kafé № 3000 — Rp¹ ✓ 😀 ${'é'.repeat(3000 % 7)}`);
  });

  it('a formula cell gives its cached result, not the formula', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['Date', 'Description', 'Amount']);
    ws.addRow(['01/02/2024', 'Split bill', { formula: '-100000/4', result: -25000 }]);
    const r = await validateStatement(sourceFromBuffer(Buffer.from(await wb.xlsx.writeBuffer())));
    expect(r.rows[0]).toMatchObject({ date: '2024-02-01', amountMinor: -2500000 });
  });
});

describe('PDF e-statements', () => {
  it('a myBCA-style text PDF: columns by position, wrapped descriptions joined, SALDO AWAL as opening, two pages', async () => {
    const pdf = await pdfBuffer((doc) => {
      doc.font('Helvetica').fontSize(8);
      const put = (y: number, cells: [number, string][]) => cells.forEach(([x, t]) => doc.text(t, x, y, { lineBreak: false }));
      const page = (rows: [string, string, string, string, string, string?][], first: boolean) => {
        let y = 60;
        if (first) {
          put(y, [[40, 'REKENING TAHAPAN']]);
          put((y += 12), [[40, 'NO. REKENING'], [120, ': 0123456789']]);
          put((y += 12), [[40, 'PERIODE'], [120, ': DESEMBER 2024']]);
          put((y += 12), [[40, 'MATA UANG'], [120, ': IDR']]);
        }
        put((y += 20), [[40, 'TANGGAL'], [90, 'KETERANGAN'], [300, 'CBG'], [360, 'MUTASI'], [470, 'SALDO']]);
        for (const [d, k, cbg, m, s, more] of rows) {
          put((y += 12), [[40, d], [90, k], [300, cbg], [360, m], [470, s]].filter(([, t]) => t !== '') as [number, string][]);
          if (more) put((y += 10), [[90, more]]);
        }
      };
      page([
        ['01/12', 'SALDO AWAL', '', '', '10,000,000.00'],
        ['02/12', 'TRSF E-BANKING DB', '0000', '1,500,000.00 DB', '8,500,000.00', '0212/FTSCY/WS95051 ANDI WIJAYA'],
        ['05/12', 'KR OTOMATIS', '0998', '12,500,000.00', '21,000,000.00', 'PT MAJU JAYA GAJI DES'],
      ], true);
      doc.addPage();
      page([['31/12', 'BIAYA ADM', '0000', '15,000.00 DB', '20,985,000.00']], false);
      put(400, [[40, 'SALDO AWAL :'], [200, '10,000,000.00']]);
      put(412, [[40, 'MUTASI CR :'], [200, '12,500,000.00'], [300, '1']]);
      put(424, [[40, 'MUTASI DB :'], [200, '1,515,000.00'], [300, '2']]);
      put(436, [[40, 'SALDO AKHIR :'], [200, '20,985,000.00']]);
    });
    const r = await validateStatement(sourceFromBuffer(pdf));
    expect(r.format).toBe('pdf');
    expect(r.template?.id).toBe('bca-estatement-pdf');
    expect(r.info).toMatchObject({ accountNumber: '0123456789', period: { from: '2024-12-01', to: '2024-12-31' } });
    expect(r.rows.map((x) => [x.date, x.amountMinor, x.balanceMinor, x.description])).toEqual([
      ['2024-12-02', -150000000, 850000000, 'TRSF E-BANKING DB 0212/FTSCY/WS95051 ANDI WIJAYA'],
      ['2024-12-05', 1250000000, 2100000000, 'KR OTOMATIS PT MAJU JAYA GAJI DES'],
      ['2024-12-31', -1500000, 2098500000, 'BIAYA ADM'],
    ]);
    expect(r.checks.map((c) => [c.check, c.ok])).toEqual([['credit-total', true], ['debit-total', true], ['closing-balance', true]]);
  });

  it('a PDF without text (a scan) is refused saying so', async () => {
    const pdf = await pdfBuffer((doc) => doc.rect(40, 40, 100, 100).fill('#000'));
    await expect(validateStatement(sourceFromBuffer(pdf))).rejects.toThrow(/no text/);
  });
});
