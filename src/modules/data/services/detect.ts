/**
 * What a file is, from its bytes (never its name): the format by signature and shape, then for tables the bank
 * template whose header row it carries, each with a confidence. Nothing here reads past the first records.
 */
import { detectDelimiter } from './importers/csv.js';
import { looksLikeJsonLines } from './importers/json.js';
import { isOleCompoundFile } from './importers/xls.js';
import type { StatementFormat } from './model.js';
import { decodeHead, detectEncoding, readRange, type StatementSource, type TextEncoding } from './source.js';
import type { TableRecord } from './table.js';
import { ALL_TEMPLATES, type StatementTemplate } from './templates/index.js';
import { scoreTemplate, type TableFormat } from './templates/template.js';

export interface FormatDetection {
  format: StatementFormat | 'unknown';
  confidence: number;
  encoding: TextEncoding;
  /** Decoded start of a text file, for the importers that need to look before streaming. */
  headText: string;
  delimiter?: string;
  reason: string;
}

export const HEAD_BYTES = 64 * 1024;

export async function detectFormat(source: StatementSource): Promise<FormatDetection> {
  const head = await readRange(source, 0, Math.min(source.size, HEAD_BYTES));
  const base = { encoding: 'utf-8' as TextEncoding, headText: '' };
  if (head.length === 0) return { ...base, format: 'unknown', confidence: 0, reason: 'the file is empty' };
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return { ...base, format: 'pdf', confidence: 1, reason: 'PDF signature' };
  if (isOleCompoundFile(head)) return { ...base, format: 'xls', confidence: 1, reason: 'Excel 97-2003 (OLE) signature' };
  if (head.readUInt32LE(0) === 0x04034b50) return { ...base, format: 'xlsx', confidence: 0.9, reason: 'zip signature (XLSX is a zip of sheets)' };
  const encoding = detectEncoding(head);
  const headText = decodeHead(head, encoding);
  const t = headText.trimStart();
  const sample = t.slice(0, 4096);
  if (encoding !== 'utf-16le' && encoding !== 'utf-16be' && /\u0000/.test(sample)) return { ...base, encoding, format: 'unknown', confidence: 0, reason: 'binary content that is not a known statement format' };
  if (/^OFXHEADER:|<OFX>/i.test(sample) || /<\?OFX /i.test(sample)) return { encoding, headText, format: 'ofx', confidence: 1, reason: 'OFX header' };
  if (/^!(Type|Account|Option)/i.test(t)) return { encoding, headText, format: 'qif', confidence: 1, reason: 'QIF !Type line' };
  if (t.startsWith('<')) {
    if (/camt\.053|BkToCstmrStmt/.test(headText)) return { encoding, headText, format: 'camt053', confidence: 1, reason: 'ISO 20022 camt.053 document' };
    return { encoding, headText, format: 'unknown', confidence: 0, reason: 'XML that is neither OFX 2 nor CAMT.053' };
  }
  if (t.startsWith('[') || t.startsWith('{')) return { encoding, headText, format: 'json', confidence: looksLikeJsonLines(t) || t.startsWith('[') ? 0.95 : 0.8, reason: looksLikeJsonLines(t) ? 'JSON Lines' : 'JSON' };
  const delimiter = detectDelimiter(headText);
  const lines = headText.split(/\r?\n/).filter((l) => l.trim()).slice(0, 40);
  const delimited = lines.filter((l) => l.includes(delimiter)).length;
  const confidence = lines.length ? Math.min(0.9, 0.3 + 0.6 * (delimited / lines.length)) : 0.3;
  return { encoding, headText, format: 'csv', delimiter, confidence: Math.round(confidence * 100) / 100, reason: `text with "${delimiter === '\t' ? '\\t' : delimiter}" between fields` };
}

export interface TemplateDetection {
  template: StatementTemplate;
  confidence: number;
  /** The runners-up, so a user can be told "looks like X (0.9), could be Y (0.7)". */
  alternatives: { id: string; confidence: number }[];
}

/** The best-scoring template for the first records of a table; undefined when none finds its header. */
export function detectTemplate(head: TableRecord[], format: TableFormat): TemplateDetection | undefined {
  const scored = ALL_TEMPLATES.filter((t) => t.formats.includes(format) || format !== 'pdf')
    .map((template) => ({ template, confidence: scoreTemplate(template, head) }))
    .filter((s) => s.confidence > 0)
    .sort((a, b) => b.confidence - a.confidence);
  if (!scored.length) return undefined;
  return { template: scored[0].template, confidence: scored[0].confidence, alternatives: scored.slice(1, 4).map((s) => ({ id: s.template.id, confidence: s.confidence })) };
}
