/**
 * CSV, XLSX and text PDFs all come down to a table: records of cells with the line they came from. Bank templates
 * and custom mappings interpret tables, so one KlikBCA template reads the CSV and the same layout saved as XLSX.
 */
export type Cell = string | number | Date;

export interface TableRecord {
  cells: Cell[];
  /** 1-based line (CSV), row (XLSX) or text line (PDF). */
  line: number;
  /** PDF only: where each cell starts on the page, so a line with empty columns can be put under the right headers. */
  xs?: number[];
}

/**
 * A PDF line lists only the cells that have text; `header` gives the columns' x positions. Each cell goes to the
 * column whose header starts nearest to it, so a wrapped description lands under KETERANGAN, not under TANGGAL.
 */
export function alignToHeader(record: TableRecord, headerXs: number[]): TableRecord {
  if (!record.xs || !headerXs.length) return record;
  const cells: Cell[] = headerXs.map(() => '');
  record.cells.forEach((cell, i) => {
    const x = record.xs![i];
    let best = 0;
    for (let c = 1; c < headerXs.length; c++) if (Math.abs(headerXs[c] - x) < Math.abs(headerXs[best] - x)) best = c;
    cells[best] = cells[best] === '' ? cell : `${text(cells[best])} ${text(cell)}`;
  });
  return { cells, line: record.line };
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
