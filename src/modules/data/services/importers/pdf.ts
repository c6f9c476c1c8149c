/**
 * Text-based PDF e-statements (myBCA, Livin', BNI, CIMB, Danamon) as table records: pdfjs-dist 4 (legacy build,
 * the last line that runs on Node 20) extracts positioned text; items on one baseline form a line, and a wide gap
 * between items starts a new cell, which is how a printed column reads. Scanned (image-only) PDFs have no text and
 * are refused with a message saying so.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StatementFileError } from '../model.js';
import { readAll, type StatementSource } from '../source.js';
import type { TableRecord } from '../table.js';

const MAX_PDF_BYTES = 20 * 1024 * 1024;
const MAX_PAGES = 500;
/** Points of horizontal gap that separate two columns rather than two words. */
const CELL_GAP = 8;
/** Baselines closer than this are one line (superscripts, slightly offset cells). */
const LINE_TOLERANCE = 2.5;

interface TextItem {
  str: string;
  x: number;
  y: number;
  width: number;
}

let standardFontDataUrl: string | undefined;
function fontDataUrl(): string {
  if (!standardFontDataUrl) {
    const require = createRequire(import.meta.url);
    standardFontDataUrl = join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/';
  }
  return standardFontDataUrl;
}

export function linesToRecords(items: TextItem[], firstLine: number): TableRecord[] {
  const sorted = items.filter((i) => i.str.trim() !== '').sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: TextItem[][] = [];
  for (const item of sorted) {
    const current = lines[lines.length - 1];
    if (current && Math.abs(current[0].y - item.y) <= LINE_TOLERANCE) current.push(item);
    else lines.push([item]);
  }
  return lines.map((line, i) => {
    line.sort((a, b) => a.x - b.x);
    const cells: string[] = [];
    const xs: number[] = [];
    let end = -Infinity;
    for (const item of line) {
      const gap = item.x - end;
      if (cells.length === 0 || gap > CELL_GAP) {
        cells.push(item.str.trim());
        xs.push(item.x);
      } else cells[cells.length - 1] += (gap > 1 ? ' ' : '') + item.str.trim();
      end = item.x + item.width;
    }
    return { cells, line: firstLine + i, xs };
  });
}

export async function* readPdfRecords(source: StatementSource): AsyncGenerator<TableRecord> {
  const data = new Uint8Array(await readAll(source, MAX_PDF_BYTES).catch(() => {
    throw new StatementFileError('PAYLOAD_TOO_LARGE', `PDF statements are limited to ${MAX_PDF_BYTES >> 20} MB`);
  }));
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc;
  try {
    doc = await pdfjs.getDocument({ data, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, standardFontDataUrl: fontDataUrl(), verbosity: 0 }).promise;
  } catch (err) {
    const message = (err as Error).name === 'PasswordException' ? 'the PDF is password-protected: download it again without a password' : `the PDF cannot be read: ${(err as Error).message}`;
    throw new StatementFileError('UNPROCESSABLE', message);
  }
  try {
    if (doc.numPages > MAX_PAGES) throw new StatementFileError('UNPROCESSABLE', `the PDF has ${doc.numPages} pages, over ${MAX_PAGES}`);
    let line = 1;
    let anyText = false;
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const items: TextItem[] = [];
      for (const it of content.items) {
        if ('str' in it) items.push({ str: it.str, x: it.transform[4], y: it.transform[5], width: it.width });
      }
      const records = linesToRecords(items, line);
      line += records.length;
      if (records.length) anyText = true;
      for (const r of records) yield r;
      page.cleanup();
    }
    if (!anyText) throw new StatementFileError('UNPROCESSABLE', 'the PDF has no text (a scan?): download the e-statement from internet banking, or export CSV/XLSX');
  } finally {
    await doc.destroy();
  }
}
