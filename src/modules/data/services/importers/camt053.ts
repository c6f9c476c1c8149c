/**
 * CAMT.053 (ISO 20022 bank-to-customer statement). Amounts are unsigned; `CdtDbtInd` (CRDT/DBIT) gives the sign and
 * a reversal (`RvslInd`) flips it. Booked entries are rows; pending (`PDNG`) ones are reported, not imported.
 */
import { XMLParser } from 'fast-xml-parser';
import { decimalToMinor, isSupportedCurrency } from '../../../../lib/money.js';
import { parseStatementDate } from '../dates.js';
import { StatementFileError, type ImportEvent, type StatementInfo, type StatementTotals } from '../model.js';
import { readAll, type StatementSource } from '../source.js';

const MAX_CAMT_BYTES = 50 * 1024 * 1024;

type Node = Record<string, unknown>;

function arr(v: unknown): Node[] {
  return v === undefined ? [] : ((Array.isArray(v) ? v : [v]) as Node[]);
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return str((v as Node)['#text']);
  return String(v).trim() || undefined;
}

function amountOf(node: Node, fallbackCurrency: string): { minor: number; currency: string } | undefined {
  const amt = node.Amt as Node | string | number | undefined;
  if (amt === undefined) return undefined;
  const value = str(amt);
  const currency = (typeof amt === 'object' ? str(amt['@_Ccy']) : undefined) ?? fallbackCurrency;
  if (!value || !isSupportedCurrency(currency)) return undefined;
  try {
    const minor = decimalToMinor(value, currency);
    return { minor: str(node.CdtDbtInd) === 'DBIT' ? -minor : minor, currency };
  } catch {
    return undefined;
  }
}

function dateOf(node: unknown): string | undefined {
  const n = node as Node | undefined;
  const v = str(n?.Dt) ?? str(n?.DtTm);
  // A DtTm with its offset is booked on its Jakarta day (parseStatementDate); a Dt is the day itself.
  return v ? parseStatementDate(v) : undefined;
}

export async function* importCamt053(source: StatementSource): AsyncGenerator<ImportEvent> {
  const bytes = await readAll(source, MAX_CAMT_BYTES).catch(() => {
    throw new StatementFileError('PAYLOAD_TOO_LARGE', `CAMT.053 files are limited to ${MAX_CAMT_BYTES >> 20} MB`);
  });
  let doc: Node;
  try {
    // No entity expansion (billion-laughs) and no DTD processing: a statement needs neither.
    doc = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, processEntities: false, trimValues: true }).parse(bytes.toString('utf8'));
  } catch (err) {
    throw new StatementFileError('UNPROCESSABLE', `the CAMT.053 XML cannot be read: ${(err as Error).message}`);
  }
  const root = (doc.Document as Node | undefined)?.BkToCstmrStmt as Node | undefined;
  if (!root) throw new StatementFileError('UNPROCESSABLE', 'no Document/BkToCstmrStmt: not a CAMT.053 statement');
  let n = 0;
  for (const stmt of arr(root.Stmt)) {
    const acct = stmt.Acct as Node | undefined;
    const currency = str(acct?.Ccy) ?? 'IDR';
    const id = acct?.Id as Node | undefined;
    const info: StatementInfo = { currency, accountNumber: str(id?.IBAN) ?? str((id?.Othr as Node | undefined)?.Id) };
    const frTo = stmt.FrToDt as Node | undefined;
    const from = str(frTo?.FrDtTm)?.slice(0, 10);
    const to = str(frTo?.ToDtTm)?.slice(0, 10);
    if (from && to) info.period = { from, to };
    const totals: StatementTotals = {};
    for (const bal of arr(stmt.Bal)) {
      const code = str(((bal.Tp as Node | undefined)?.CdOrPrtry as Node | undefined)?.Cd);
      const amount = amountOf(bal, currency);
      if (!amount) continue;
      if (code === 'OPBD') totals.openingMinor = amount.minor;
      if (code === 'CLBD') totals.closingMinor = amount.minor;
    }
    if (Object.keys(totals).length) info.totals = totals;
    for (const entry of arr(stmt.Ntry)) {
      n++;
      const amount = amountOf(entry, currency);
      if (!amount) {
        yield { kind: 'error', error: { row: n, field: 'Amt', message: 'missing or unreadable amount' } };
        continue;
      }
      const reversal = str(entry.RvslInd) === 'true';
      const amountMinor = reversal ? -amount.minor : amount.minor;
      const details = arr((entry.NtryDtls as Node | undefined)?.TxDtls)[0];
      const parties = details?.RltdPties as Node | undefined;
      const counterparty = str((parties?.[amountMinor >= 0 ? 'Dbtr' : 'Cdtr'] as Node | undefined)?.Nm);
      const remittance = arr((details?.RmtInf as Node | undefined)?.Ustrd).map(str).filter(Boolean).join(' ');
      const description = [counterparty, remittance || str(entry.AddtlNtryInf)].filter(Boolean).join(' — ');
      const status = str(entry.Sts) ?? str((entry.Sts as Node | undefined)?.Cd);
      if (status === 'PDNG') {
        yield { kind: 'pending', line: n, description, amountMinor };
        continue;
      }
      const date = dateOf(entry.BookgDt) ?? dateOf(entry.ValDt);
      if (!date) {
        yield { kind: 'error', error: { row: n, field: 'BookgDt', message: 'missing booking date' } };
        continue;
      }
      if (!description) {
        yield { kind: 'error', error: { row: n, field: 'RmtInf', message: 'no remittance information or counterparty' } };
        continue;
      }
      const externalId = str(entry.AcctSvcrRef) ?? str(entry.NtryRef) ?? str((details?.Refs as Node | undefined)?.EndToEndId);
      yield { kind: 'row', line: n, row: { date, description, amountMinor, currency: amount.currency, ...(externalId && externalId !== 'NOTPROVIDED' ? { externalId } : {}) } };
    }
    yield { kind: 'info', info };
  }
}
