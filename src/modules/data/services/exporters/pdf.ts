/**
 * A readable PDF statement (pdfkit): the transactions as a paged table, written as they stream, then a summary page
 * with totals per month and a spending chart. Only the per-month totals are held in memory.
 */
import { PassThrough, type Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import { formatMoney } from '../../../../lib/money.js';
import { renderPng, spendingChartSvg, type MonthBar } from './chart.js';
import type { ExportMeta, ExportTransaction } from './model.js';

const MARGIN = 40;
const COLS = { date: 40, description: 105, amount: 370, balance: 465 };

/** The standard PDF fonts cover WinAnsi only; anything else would print as garbage, so it prints as '?'. */
function printable(s: string): string {
  return s.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');
}

export function writePdfStatement(rows: AsyncIterable<ExportTransaction>, meta: ExportMeta = {}): Readable {
  const out = new PassThrough();
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: false, info: { Title: meta.title ?? 'SmartWealth statement', Creator: 'SmartWealth Hub' } });
  doc.pipe(out);
  const bottom = doc.page.height - MARGIN - 20;

  const header = () => {
    doc.font('Helvetica-Bold').fontSize(9);
    const y = doc.y;
    doc.text('Date', COLS.date, y).text('Description', COLS.description, y).text('Amount', COLS.amount, y, { width: 85, align: 'right' }).text('Balance', COLS.balance, y, { width: 90, align: 'right' });
    doc.moveTo(MARGIN, doc.y + 2).lineTo(doc.page.width - MARGIN, doc.y + 2).strokeColor('#999').stroke();
    doc.moveDown(0.5).font('Helvetica').fontSize(8.5);
  };

  (async () => {
    doc.font('Helvetica-Bold').fontSize(16).text(printable(meta.title ?? 'Transaction statement'), MARGIN, MARGIN);
    doc.font('Helvetica').fontSize(9).fillColor('#444');
    if (meta.holder) doc.text(printable(meta.holder));
    if (meta.account) doc.text(`Account: ${printable(meta.account)}`);
    if (meta.period?.from || meta.period?.to) doc.text(`Period: ${meta.period.from ?? '…'} to ${meta.period.to ?? '…'}`);
    doc.text(`Generated: ${(meta.generatedAt ?? new Date()).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    doc.fillColor('#000').moveDown();
    header();

    const months = new Map<string, MonthBar & { currency: string; count: number }>();
    // With a conversion asked: the same per-month totals in that currency, from each row's converted amount.
    const convertedMonths = new Map<string, { incomeMinor: number; spendingMinor: number }>();
    let count = 0;
    for await (const t of rows) {
      count++;
      const description = printable(t.description);
      const height = doc.heightOfString(description, { width: COLS.amount - COLS.description - 10 });
      if (doc.y + height > bottom) {
        doc.addPage();
        header();
      }
      const y = doc.y;
      doc.fillColor(t.amountMinor < 0 ? '#b71c1c' : '#1b5e20').text(formatMoney(t), COLS.amount, y, { width: 85, align: 'right' });
      doc.fillColor('#000').text(t.date, COLS.date, y);
      if (t.balanceMinor !== undefined) doc.text(formatMoney({ amountMinor: t.balanceMinor, currency: t.currency }), COLS.balance, y, { width: 90, align: 'right' });
      doc.text(description, COLS.description, y, { width: COLS.amount - COLS.description - 10 });
      doc.y = Math.max(doc.y, y + 11);
      const key = `${t.date.slice(0, 7)} ${t.currency}`;
      const m = months.get(key) ?? { month: t.date.slice(0, 7), currency: t.currency, spendingMinor: 0, incomeMinor: 0, count: 0 };
      if (t.amountMinor < 0) m.spendingMinor += -t.amountMinor;
      else m.incomeMinor += t.amountMinor;
      m.count++;
      months.set(key, m);
      if (t.converted) {
        const c = convertedMonths.get(t.date.slice(0, 7)) ?? { incomeMinor: 0, spendingMinor: 0 };
        if (t.converted.amountMinor < 0) c.spendingMinor += -t.converted.amountMinor;
        else c.incomeMinor += t.converted.amountMinor;
        convertedMonths.set(t.date.slice(0, 7), c);
      }
    }
    if (count === 0) doc.text('No transactions in this period.', MARGIN);

    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(13).text('Totals per month', MARGIN, MARGIN).moveDown(0.5);
    doc.font('Helvetica-Bold').fontSize(9);
    let y = doc.y;
    doc.text('Month', 40, y).text('Rows', 120, y, { width: 40, align: 'right' }).text('Income', 170, y, { width: 120, align: 'right' }).text('Spending', 300, y, { width: 120, align: 'right' }).text('Net', 430, y, { width: 120, align: 'right' });
    doc.font('Helvetica').moveDown(0.3);
    const sorted = [...months.values()].sort((a, b) => a.month.localeCompare(b.month) || a.currency.localeCompare(b.currency));
    for (const m of sorted) {
      y = doc.y;
      const money = (amountMinor: number) => formatMoney({ amountMinor, currency: m.currency });
      doc.text(`${m.month}${m.currency === 'IDR' ? '' : ` ${m.currency}`}`, 40, y).text(String(m.count), 120, y, { width: 40, align: 'right' }).text(money(m.incomeMinor), 170, y, { width: 120, align: 'right' }).text(money(-m.spendingMinor), 300, y, { width: 120, align: 'right' }).text(money(m.incomeMinor - m.spendingMinor), 430, y, { width: 120, align: 'right' });
      if (doc.y > bottom) doc.addPage();
    }
    if (meta.convertedTo && convertedMonths.size) writeConvertedTotals(doc, meta.convertedTo, convertedMonths, bottom);
    const chartBars = sorted.filter((m) => m.currency === (sorted[0]?.currency ?? 'IDR')).slice(-24);
    if (chartBars.length) {
      if (doc.y + 260 > bottom) doc.addPage();
      doc.moveDown();
      doc.image(renderPng(spendingChartSvg(chartBars)), MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
    }
    doc.end();
  })().catch((err) => {
    out.destroy(err as Error);
  });
  return out;
}

/** The per-month totals again in the asked currency (each amount at the rate of its date). */
function writeConvertedTotals(doc: PDFKit.PDFDocument, currency: string, months: Map<string, { incomeMinor: number; spendingMinor: number }>, bottom: number): void {
  if (doc.y + 60 > bottom) doc.addPage();
  doc.moveDown();
  doc.font('Helvetica-Bold').fontSize(11).text(`Totals per month in ${currency} (each amount at the rate of its date)`, MARGIN).moveDown(0.3);
  doc.font('Helvetica').fontSize(9);
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency });
  for (const [month, m] of [...months.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const y = doc.y;
    doc.text(month, 40, y).text(money(m.incomeMinor), 170, y, { width: 120, align: 'right' }).text(money(-m.spendingMinor), 300, y, { width: 120, align: 'right' }).text(money(m.incomeMinor - m.spendingMinor), 430, y, { width: 120, align: 'right' });
    if (doc.y > bottom) doc.addPage();
  }
}
