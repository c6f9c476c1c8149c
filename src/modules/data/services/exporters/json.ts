/** JSON export: an array written element by element; the importer reads it back (amountMinor + currency). */
import { Readable } from 'node:stream';
import type { ExportTransaction } from './model.js';

export function writeJson(rows: AsyncIterable<ExportTransaction>): Readable {
  async function* parts() {
    yield '[';
    let first = true;
    for await (const t of rows) {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(t)}`;
      first = false;
    }
    yield '\n]\n';
  }
  return Readable.from(parts());
}
