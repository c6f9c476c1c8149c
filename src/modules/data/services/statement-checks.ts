/**
 * Footer totals against the rows: KlikBCA prints Mutasi Kredit/Debet and Saldo Awal/Akhir, CAMT and OFX closing
 * balances. When the rows do not add up to them, a row was lost or misread, and the user is told which total is off.
 */
import { minorToDecimal } from '../../../lib/money.js';
import type { StatementTotals } from './model.js';

export interface StatementCheck {
  check: 'credit-total' | 'debit-total' | 'closing-balance';
  ok: boolean;
  expectedMinor: number;
  actualMinor: number;
  message: string;
}

export class RowTotals {
  creditMinor = 0;
  debitMinor = 0;
  credits = 0;
  debits = 0;

  add(amountMinor: number): void {
    if (amountMinor >= 0) {
      this.creditMinor += amountMinor;
      this.credits++;
    } else {
      this.debitMinor += -amountMinor;
      this.debits++;
    }
  }
}

export function checkTotals(totals: StatementTotals | undefined, rows: RowTotals, currency: string, invalidRows: number): StatementCheck[] {
  if (!totals) return [];
  const fmt = (m: number) => `${minorToDecimal(m, currency)} ${currency}`;
  const hint = invalidRows ? ` (${invalidRows} rejected row${invalidRows === 1 ? '' : 's'} may explain it)` : '';
  const where = totals.row ? ` in the footer at line ${totals.row}` : '';
  const out: StatementCheck[] = [];
  const compare = (check: StatementCheck['check'], label: string, expected: number | undefined, actual: number) => {
    if (expected === undefined) return;
    const ok = expected === actual;
    out.push({ check, ok, expectedMinor: expected, actualMinor: actual, message: ok ? `${label} matches the statement: ${fmt(actual)}` : `${label} ${check === 'closing-balance' ? 'gives' : 'of the rows is'} ${fmt(actual)} but the statement says ${fmt(expected)}${where}${hint}` });
  };
  compare('credit-total', 'total credit', totals.creditMinor, rows.creditMinor);
  compare('debit-total', 'total debit', totals.debitMinor, rows.debitMinor);
  if (totals.openingMinor !== undefined && totals.closingMinor !== undefined)
    compare('closing-balance', 'opening balance plus the rows', totals.closingMinor, totals.openingMinor + rows.creditMinor - rows.debitMinor);
  return out;
}
