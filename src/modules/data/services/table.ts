/**
 * CSV, XLSX and text PDFs all come down to a table: records of cells with the line they came from. Bank templates
 * and custom mappings interpret tables, so one KlikBCA template reads the CSV and the same layout saved as XLSX.
 */
export type Cell = string | number | Date;

export interface TableRecord {
  cells: Cell[];
  /** 1-based line (CSV), row (XLSX) or text line (PDF). */
  line: number;
}

/** A cell as text without the `'` guard Excel and KlikBCA put in front of numbers-as-text. */
export function text(cell: Cell | undefined): string {
  if (cell === undefined || cell === null) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).replace(/^'+/, '').trim();
}

export function isBlank(cells: Cell[]): boolean {
  return cells.every((c) => text(c) === '');
}

/** Lower-case, letters and digits only: header cells compare as `no. rekening` = `No Rekening`. */
export function key(cell: Cell | undefined): string {
  return text(cell).toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}
