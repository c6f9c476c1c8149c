/**
 * Exports in a second currency: each row keeps its own amount and currency and gains `converted` (the amount in the
 * asked currency at the rate of the row's booking date, with that rate and the date it is from). Rows stream
 * through in batches so one converter call covers many rows; rate tables come from the market cache. The converter
 * is the market capability's (services.marketHomeCurrency), seen through a small port.
 */
import type { ExportTransaction } from './model.js';

export interface ExportAmountConverter {
  convertEach(
    amounts: { amountMinor: number; currency: string; date: string }[],
    to: string,
  ): Promise<{ items: { converted: { amountMinor: number; currency: string; rate: string; rateDate: string } }[]; stale: boolean }>;
}

export async function* withConvertedAmounts(rows: AsyncIterable<ExportTransaction>, converter: ExportAmountConverter, to: string, batchSize = 500): AsyncGenerator<ExportTransaction> {
  let batch: ExportTransaction[] = [];
  const flush = async () => {
    const { items } = await converter.convertEach(batch.map((t) => ({ amountMinor: t.amountMinor, currency: t.currency, date: t.date })), to);
    const out = batch.map((t, i) => ({ ...t, converted: items[i].converted }));
    batch = [];
    return out;
  };
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= batchSize) yield* await flush();
  }
  if (batch.length) yield* await flush();
}

/** The extra spreadsheet columns when an export carries converted amounts. */
export function convertedColumns(currency: string): string[] {
  return [`Amount (${currency})`, 'Rate', 'Rate date'];
}
