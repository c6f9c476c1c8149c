/** What the export writers take: ledger rows as the user sees them, streamed from a cursor. */
export interface ExportTransaction {
  date: string;
  description: string;
  amountMinor: number;
  currency: string;
  balanceMinor?: number;
  category?: string;
  tags?: string[];
  account?: string;
  source?: string;
  externalId?: string;
  /** With a conversion asked: the amount in that currency at the rate of `date` (converted-amounts.ts). */
  converted?: { amountMinor: number; currency: string; rate: string; rateDate: string };
}

export interface ExportMeta {
  title?: string;
  holder?: string;
  account?: string;
  period?: { from?: string; to?: string };
  generatedAt?: Date;
  /** Rows carry `converted` amounts in this currency: spreadsheets add columns, the PDF a totals table. */
  convertedTo?: string;
}

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat | 'zip', string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
  pdf: 'application/pdf',
  zip: 'application/zip',
};

export const COLUMNS = ['Date', 'Description', 'Amount', 'Currency', 'Balance', 'Category', 'Tags', 'Account', 'Source', 'Reference'] as const;

/**
 * A spreadsheet treats a cell starting with = + - @ (or a tab/CR that hides one) as a formula: `=cmd|' /C calc'!A0`
 * in a bank description would run on the user's machine. Text cells get a leading `'`, which shows as text.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
