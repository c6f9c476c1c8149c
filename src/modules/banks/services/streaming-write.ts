import { jakartaDate } from '../../../lib/time.js';
import type { SnapStatementEntry } from '../providers/snap/types.js';
import type { WriteResult } from './ledger-writer.js';

/**
 * Stores a statement while it is still being fetched: rows arrive oldest first, and once a page ends on a later
 * Jakarta day than a row's, that row's day is complete, so it can be written with whole-day occurrence numbering
 * (the dedupe rule) while the next page is on its way. One write at a time, in order, so the ledger never holds a
 * later day before an earlier one. Should a bank list rows out of order, streaming stops and everything left is
 * written in one batch at the end.
 *
 * The fetch runs ahead of the writes by at most `maxQueued` rows: past that, `add` hands the fetch a promise that
 * settles once the writes caught up (backpressure, so a slow database does not pile a whole statement up in
 * memory). A failed write stops the fetch at its next page.
 */
export class StreamingWrite {
  private pending: SnapStatementEntry[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private ordered = true;
  private lastAt = 0;
  /** Rows handed to the write chain and not yet stored. */
  private queued = 0;
  private waiting?: { below: number; resolve: () => void };
  readonly totals = { inserted: 0, duplicates: 0 };

  constructor(
    private readonly write: (rows: SnapStatementEntry[]) => Promise<WriteResult>,
    private readonly batch = 1000,
    private readonly maxQueued = 3 * batch,
  ) {}

  add(page: SnapStatementEntry[]): void | Promise<void> {
    if (this.failure) throw this.failure;
    for (const row of page) {
      if (row.bookedAt.getTime() < this.lastAt) this.ordered = false;
      this.lastAt = Math.max(this.lastAt, row.bookedAt.getTime());
    }
    for (const row of page) this.pending.push(row);
    if (!this.ordered || this.pending.length < this.batch) return;
    const lastDay = jakartaDate(this.pending[this.pending.length - 1].bookedAt);
    let cut = this.pending.length;
    while (cut > 0 && jakartaDate(this.pending[cut - 1].bookedAt) === lastDay) cut--;
    if (cut > 0) this.enqueue(this.pending.splice(0, cut));
    if (this.queued > this.maxQueued) return new Promise<void>((resolve) => (this.waiting = { below: this.maxQueued, resolve }));
  }

  /** Writes what is left when the statement is complete (not after a failed fetch: its last day may be partial). */
  async finish(complete: boolean): Promise<void> {
    if (complete && this.pending.length && !this.failure) this.enqueue(this.pending.splice(0));
    await this.chain;
    if (this.failure) throw this.failure;
  }

  private enqueue(rows: SnapStatementEntry[]): void {
    this.queued += rows.length;
    this.chain = this.chain.then(async () => {
      try {
        if (this.failure) return;
        const r = await this.write(rows);
        this.totals.inserted += r.inserted;
        this.totals.duplicates += r.duplicates;
      } catch (err) {
        this.failure = err;
      } finally {
        this.queued -= rows.length;
        // The fetch waiting on us goes on once we caught up, or at once after a failure (its next add throws it).
        if (this.waiting && (this.queued <= this.waiting.below || this.failure)) {
          const { resolve } = this.waiting;
          this.waiting = undefined;
          resolve();
        }
      }
    });
  }
}
