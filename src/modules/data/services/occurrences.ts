/**
 * Occurrence indexes for the shared fingerprint rule (ledger/services/fingerprint.ts) over a stream. Counting every
 * content key of a million-row file would keep a million keys; identical rows share a date, and statements list
 * rows in date order, so counts are kept per date and the least recently seen dates are forgotten past a cap.
 * A file shuffled so that two identical rows sit more than `maxKeys` rows apart could number the second 0 again
 * and have it taken for a duplicate; no bank export is ordered like that.
 */
import { contentKey, fingerprintOf, type FingerprintInput } from '../../ledger/services/fingerprint.js';

export class OccurrenceCounter {
  private readonly byDate = new Map<string, Map<string, number>>();
  private keys = 0;

  constructor(private readonly maxKeys = 200_000) {}

  next(row: FingerprintInput): { contentKey: string; fingerprint: string } {
    const key = contentKey(row);
    let counts = this.byDate.get(row.date);
    if (counts) {
      // Move to the most-recent end of the insertion order.
      this.byDate.delete(row.date);
      this.byDate.set(row.date, counts);
    } else {
      counts = new Map();
      this.byDate.set(row.date, counts);
    }
    const occurrence = counts.get(key) ?? 0;
    if (occurrence === 0) this.keys++;
    counts.set(key, occurrence + 1);
    while (this.keys > this.maxKeys && this.byDate.size > 1) {
      const [oldest, oldCounts] = this.byDate.entries().next().value as [string, Map<string, number>];
      this.byDate.delete(oldest);
      this.keys -= oldCounts.size;
    }
    return { contentKey: key, fingerprint: fingerprintOf(key, occurrence) };
  }
}
