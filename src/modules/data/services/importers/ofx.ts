/**
 * OFX/QFX 1.x (SGML, leaf tags often unclosed) and 2.x (XML). Both are read the same way: each `<STMTTRN>` block's
 * leaf values by tag, which needs no SGML→XML repair. TRNAMT is signed with a `.` decimal; FITID is the bank's id.
 */
import { decimalToMinor, isSupportedCurrency } from '../../../../lib/money.js';
import { parseStatementDate } from '../dates.js';
import { StatementFileError, type ImportEvent, type StatementInfo } from '../model.js';
import { decodeHead, detectEncoding, readAll, type StatementSource } from '../source.js';

const MAX_OFX_BYTES = 50 * 1024 * 1024;

function leaf(block: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<\\r\\n]*)`, 'i').exec(block);
  if (!m) return undefined;
  const v = m[1].trim();
  return v === '' ? undefined : decodeEntities(v);
}

function decodeEntities(v: string): string {
  return v.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export async function* importOfx(source: StatementSource): AsyncGenerator<ImportEvent> {
  const bytes = await readAll(source, MAX_OFX_BYTES).catch(() => {
    throw new StatementFileError('PAYLOAD_TOO_LARGE', `OFX files are limited to ${MAX_OFX_BYTES >> 20} MB`);
  });
  const text = decodeHead(bytes, detectEncoding(bytes.subarray(0, 64 * 1024)));
  if (!/<OFX>/i.test(text)) throw new StatementFileError('UNPROCESSABLE', 'no <OFX> element: not an OFX/QFX file');
  const currencyRaw = leaf(text, 'CURDEF')?.toUpperCase() ?? 'IDR';
  const currency = isSupportedCurrency(currencyRaw) ? currencyRaw : 'IDR';
  const info: StatementInfo = { currency, accountNumber: leaf(text, 'ACCTID') };
  const start = leaf(text, 'DTSTART');
  const end = leaf(text, 'DTEND');
  const from = start && parseStatementDate(start.slice(0, 8));
  const to = end && parseStatementDate(end.slice(0, 8));
  if (from && to) info.period = { from, to };
  const ledgerBal = /<LEDGERBAL>([\s\S]*?)(<\/LEDGERBAL>|<AVAILBAL>|<\/STMTRS>)/i.exec(text);
  const balAmt = ledgerBal ? leaf(ledgerBal[1], 'BALAMT') : undefined;
  if (balAmt) {
    try {
      info.totals = { closingMinor: decimalToMinor(balAmt.replace(',', '.'), currency) };
    } catch {
      /* an unreadable closing balance only loses the check */
    }
  }
  const blocks = text.split(/<STMTTRN>/i).slice(1);
  let n = 0;
  for (const raw of blocks) {
    n++;
    const block = raw.split(/<\/STMTTRN>/i)[0];
    const posted = leaf(block, 'DTPOSTED');
    // Whole, offset included: `20241217183000[0:GMT]` is the 18th in Jakarta (parseStatementDate).
    const date = posted && /^\d{8}/.test(posted) ? parseStatementDate(posted) : undefined;
    if (!date) {
      yield { kind: 'error', error: { row: n, field: 'DTPOSTED', message: posted ? `"${posted}" is not an OFX date` : 'missing' } };
      continue;
    }
    const amountText = leaf(block, 'TRNAMT');
    let amountMinor: number | undefined;
    try {
      // Some European-made OFX files write a comma decimal; OFX itself says '.'.
      if (amountText) amountMinor = decimalToMinor(amountText.replace(',', '.').replace(/^\+/, ''), currency);
    } catch {
      amountMinor = undefined;
    }
    if (amountMinor === undefined) {
      yield { kind: 'error', error: { row: n, field: 'TRNAMT', message: amountText ? `"${amountText}" is not an amount` : 'missing' } };
      continue;
    }
    const name = leaf(block, 'NAME');
    const memo = leaf(block, 'MEMO');
    const description = [name, memo && memo !== name ? memo : undefined].filter(Boolean).join(' — ') || leaf(block, 'TRNTYPE') || '';
    const fitid = leaf(block, 'FITID');
    yield { kind: 'row', line: n, row: { date, description, amountMinor, currency, ...(fitid ? { externalId: fitid } : {}) } };
  }
  yield { kind: 'info', info };
}
