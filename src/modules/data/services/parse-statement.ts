/**
 * The one entry point import and validation share: detect the format, pick the template (given, from a custom
 * mapping, or detected), and stream ImportEvents. A file that cannot be read, or whose layout nobody recognises,
 * throws a StatementFileError saying what *was* recognised (422/415).
 */
import { AppError } from '../../../lib/errors.js';
import { detectFormat, detectTemplate, type FormatDetection } from './detect.js';
import { importCamt053 } from './importers/camt053.js';
import { readCsvRecords } from './importers/csv.js';
import { importJson } from './importers/json.js';
import { importOfx } from './importers/ofx.js';
import { readPdfRecords } from './importers/pdf.js';
import { importQif } from './importers/qif.js';
import { refuseXls } from './importers/xls.js';
import { readXlsxRecords } from './importers/xlsx.js';
import { StatementFileError, type ImportEvent, type StatementFormat, type StatementInfo } from './model.js';
import type { StatementSource } from './source.js';
import { text, type TableRecord } from './table.js';
import { templateById, type StatementTemplate } from './templates/index.js';
import { mappingTemplate, type Mapping } from './templates/generic.js';
import { headerInfo, interpretTable } from './templates/layout.js';
import type { TableFormat } from './templates/template.js';

export interface ParseOptions {
  /** A template id from GET /api/data/templates; skips detection. */
  template?: string;
  mapping?: Mapping;
  /** Currency when the file does not say (JSON/QIF/tables without a currency column). */
  currency?: string;
  qifDateOrder?: 'dmy' | 'mdy';
}

export interface OpenedStatement {
  format: StatementFormat;
  formatConfidence: number;
  template?: { id: string; name: string; bank: string; certainty: 'known' | 'best-guess'; confidence: number };
  /** What a table's header block says (account number, period…), known before its rows are read. */
  headerInfo?: StatementInfo;
  events: AsyncIterable<ImportEvent>;
}

const HEAD_RECORDS = 40;

/** Takes the first `n` records to look at, then gives the same stream back from the start. */
async function peekRecords(records: AsyncGenerator<TableRecord>, n: number): Promise<{ head: TableRecord[]; all: AsyncGenerator<TableRecord> }> {
  const head: TableRecord[] = [];
  let done = false;
  while (head.length < n) {
    const next = await records.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
  }
  async function* all(): AsyncGenerator<TableRecord> {
    try {
      yield* head;
      if (!done) yield* records;
    } finally {
      // A caller that stops early (a sniff, an error) must close the file reader under the records too.
      await records.return(undefined);
    }
  }
  return { head, all: all() };
}

function tableRecords(format: TableFormat, source: StatementSource, detection: FormatDetection): AsyncGenerator<TableRecord> {
  if (format === 'xlsx') return readXlsxRecords(source);
  if (format === 'pdf') return readPdfRecords(source);
  return readCsvRecords(source, { encoding: detection.encoding, delimiter: detection.delimiter ?? ',', text: detection.headText });
}

export async function openStatement(source: StatementSource, options: ParseOptions = {}): Promise<OpenedStatement> {
  const detection = await detectFormat(source);
  const format = detection.format;
  if (format === 'unknown') throw new StatementFileError('UNSUPPORTED_MEDIA_TYPE', `not a statement file: ${detection.reason}. Accepted: CSV, XLSX, JSON, OFX/QFX, QIF, CAMT.053, PDF e-statements.`, { recognised: detection.reason });
  if (format === 'xls') refuseXls();
  const base = { format, formatConfidence: detection.confidence };
  if (format === 'json') return { ...base, events: importJson(source, detection.encoding, detection.headText, options.currency) };
  if (format === 'ofx') return { ...base, events: importOfx(source) };
  if (format === 'qif') return { ...base, events: importQif(source, detection.encoding, { currency: options.currency, dateOrder: options.qifDateOrder }) };
  if (format === 'camt053') return { ...base, events: importCamt053(source) };

  const { head, all } = await peekRecords(tableRecords(format, source, detection), HEAD_RECORDS);
  let template: StatementTemplate | undefined;
  let confidence = 1;
  if (options.mapping) template = mappingTemplate(options.mapping);
  else if (options.template) {
    template = templateById(options.template);
    if (!template) throw new AppError('VALIDATION_FAILED', `unknown template "${options.template}"`, { details: { issues: [{ field: 'template', reason: 'not one of GET /api/data/templates' }] } });
  } else {
    const found = detectTemplate(head, format);
    if (!found || found.confidence < 0.5) {
      await all.return(undefined);
      throw new StatementFileError('UNPROCESSABLE', `${format.toUpperCase()} read, but no known statement layout was recognised: send a mapping (column → field) or pick a template`, {
        recognised: { format, delimiter: detection.delimiter, encoding: detection.encoding, firstRows: head.slice(0, 8).map((r) => r.cells.map(text)) },
      });
    }
    template = found.template;
    confidence = found.confidence;
  }
  if (options.mapping || options.template) {
    const headerFound = head.some((r) => template!.findColumns(r.cells));
    if (!headerFound) {
      await all.return(undefined);
      throw new StatementFileError('UNPROCESSABLE', `the ${options.mapping ? 'mapping' : `template ${template.id}`} does not fit this file: its column header row was not found in the first ${HEAD_RECORDS} rows`, {
        recognised: { format, firstRows: head.slice(0, 8).map((r) => r.cells.map(text)) },
      });
    }
  }
  const t = template;
  return {
    ...base,
    template: { id: t.id, name: t.name, bank: t.bank, certainty: t.certainty, confidence },
    headerInfo: headerInfo(head, (cells) => t.findColumns(cells)),
    events: interpretTable(all, { findColumns: (cells) => t.findColumns(cells), options: t.options, currency: options.currency ?? options.mapping?.currency }),
  };
}
