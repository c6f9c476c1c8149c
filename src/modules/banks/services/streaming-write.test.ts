/**
 * The statement writer that runs beside the fetch: complete Jakarta days only, in order, and never more than its
 * bound ahead of the database. The write function here is a stand-in for the ledger write whose completion the test
 * controls, so "the database is slow" is a state the test holds, not a timing it hopes for.
 */
import { describe, expect, it } from 'vitest';
import type { SnapStatementEntry } from '../providers/snap/types.js';
import { StreamingWrite } from './streaming-write.js';

const DAY = 86_400_000;
// Jakarta midnight of 1 Dec 2026 (17:00 UTC the day before), plus hours.
const day0 = Date.UTC(2026, 10, 30, 17);
const row = (dayIndex: number, i: number): SnapStatementEntry => ({ bookedAt: new Date(day0 + dayIndex * DAY + 3_600_000 + i * 1000), amountMinor: -100, currency: 'IDR', description: `R${dayIndex}-${i}` });
const page = (dayIndex: number, from: number, n: number) => Array.from({ length: n }, (_, k) => row(dayIndex, from + k));

function heldWrites() {
  const calls: { rows: SnapStatementEntry[]; done: (fail?: Error) => void }[] = [];
  const write = (rows: SnapStatementEntry[]) =>
    new Promise<{ inserted: number; duplicates: number; insertedIds: [] }>((resolve, reject) => {
      calls.push({ rows, done: (fail) => (fail ? reject(fail) : resolve({ inserted: rows.length, duplicates: 0, insertedIds: [] })) });
    });
  return { calls, write };
}
const settled = async (p: Promise<unknown> | void) => {
  let done = false;
  void Promise.resolve(p).then(() => (done = true), () => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('StreamingWrite', () => {
  it('writes whole days in order, holding back the day still being listed', async () => {
    const { calls, write } = heldWrites();
    const w = new StreamingWrite(write, 5, 100);
    w.add(page(0, 0, 3));
    w.add([...page(0, 3, 2), ...page(1, 0, 2)]); // 7 pending: day 0 is complete, day 1 may go on
    await settled(undefined);
    expect(calls.map((c) => c.rows.map((r) => r.description))).toEqual([['R0-0', 'R0-1', 'R0-2', 'R0-3', 'R0-4']]);
    w.add(page(1, 2, 1));
    const finished = w.finish(true);
    calls[0].done();
    await settled(undefined);
    calls[1].done();
    await finished;
    expect(calls[1].rows.map((r) => r.description)).toEqual(['R1-0', 'R1-1', 'R1-2']);
    expect(w.totals).toEqual({ inserted: 8, duplicates: 0 });
  });

  it('holds the fetch back once the writes fall more than its bound behind, and lets it go when they catch up', async () => {
    const { calls, write } = heldWrites();
    const w = new StreamingWrite(write, 4, 8);
    // A day is known complete when the next one starts, so each add queues the day before it; nothing is stored yet.
    const adds = [0, 1, 2, 3].map((d) => w.add(page(d, 0, 4)));
    for (const add of adds.slice(0, 3)) expect(await settled(add)).toBe(true);
    // Days 0-2 queued (12 rows, more than 8): the fourth page's caller waits.
    expect(await settled(adds[3])).toBe(false);
    expect(calls).toHaveLength(1); // still one write at a time
    calls[0].done();
    await settled(undefined);
    // 8 queued now, not more than the bound: the fetch goes on.
    expect(await settled(adds[3])).toBe(true);
  });

  it('a failed write stops the fetch at its next page and fails the finish; nothing later is written', async () => {
    const { calls, write } = heldWrites();
    const w = new StreamingWrite(write, 4, 100);
    w.add(page(0, 0, 4));
    w.add(page(1, 0, 4));
    await settled(undefined);
    calls[0].done(new Error('disk full'));
    await settled(undefined);
    expect(() => w.add(page(2, 0, 4))).toThrow('disk full');
    await expect(w.finish(true)).rejects.toThrow('disk full');
    expect(calls).toHaveLength(1);
  });

  it('after a fetch that failed, the last (possibly partial) day is not written', async () => {
    const { calls, write } = heldWrites();
    const w = new StreamingWrite(write, 4, 100);
    w.add(page(0, 0, 4));
    w.add(page(1, 0, 2));
    const finished = w.finish(false);
    await settled(undefined);
    calls[0].done();
    await finished;
    expect(calls.map((c) => c.rows.length)).toEqual([4]);
  });
});
