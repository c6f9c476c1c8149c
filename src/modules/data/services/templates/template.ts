import type { NumberFormat } from '../amount.js';
import { key, type Cell, type TableRecord } from '../table.js';
import type { ColumnLayout, LayoutOptions } from './layout.js';

export type TableFormat = 'csv' | 'xlsx' | 'pdf';

/**
 * A bank's export layout. `certainty: 'best-guess'` marks layouts reconstructed from parser code and user reports
 * rather than a real export (BNI, CIMB Niaga, Danamon, BRI's exact columns); they are listed as such to users.
 */
export interface StatementTemplate {
  id: string;
  bank: string;
  name: string;
  formats: TableFormat[];
  certainty: 'known' | 'best-guess';
  note?: string;
  /** The column header as the bank prints it. */
  columns: string[];
  /** Fixture under test/fixtures/statements/ that shows the layout. */
  example: string;
  numberFormat?: NumberFormat;
  options: LayoutOptions;
  /** Columns from a header row, or undefined when the row is not this template's header. */
  findColumns(cells: Cell[]): ColumnLayout | undefined;
  /** Words in the header block that name the bank: they break ties between layouts that look alike. */
  bankHint?: RegExp;
}

/**
 * How sure we are a file follows a template: its header row must be found in the first records (0 otherwise);
 * an exact column count and the bank's name in the file each add to it.
 */
export function scoreTemplate(template: StatementTemplate, head: TableRecord[]): number {
  const headerIndex = head.findIndex((r) => template.findColumns(r.cells) !== undefined);
  if (headerIndex < 0) return 0;
  // The generic layout fits any table with a date, description and amount: it wins only when no bank layout does.
  if (template.id === 'generic') return 0.55;
  const header = head[headerIndex].cells.map(key);
  const expected = template.columns.map((c) => key(c));
  const matched = expected.filter((c) => header.includes(c)).length;
  let score = 0.6 + 0.25 * (matched / Math.max(1, expected.length));
  const trimmed = header.slice(0, header.length - [...header].reverse().findIndex((k) => k !== ''));
  if (trimmed.length === expected.length) score += 0.05;
  const text = head.map((r) => r.cells.join(' ')).join('\n');
  if (template.bankHint?.test(text)) score += 0.1;
  return Math.min(1, Math.round(score * 100) / 100);
}
