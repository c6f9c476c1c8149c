/**
 * How long an fdatasync takes on this machine's disk right now: the floor under bench/group-commit.bench.ts, where
 * every durable insert waits for one. Appends a 2 KB record (about one group-commit batch) and fdatasyncs it, N
 * times, off the event loop as the journal does; prints the latency distribution, the CPU each one costs the
 * process, and the load average.
 *
 *   npx tsx bench/fsync-latency.ts         (BENCH_FSYNC_N=200)
 */
import { closeSync, fdatasync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';

const N = Number(process.env.BENCH_FSYNC_N ?? 200);

const dir = mkdtempSync(path.join(tmpdir(), 'swh-fsync-'));
const fd = openSync(path.join(dir, 'journal.bson'), 'a+');
const record = Buffer.alloc(2048, 7);
const millis: number[] = [];
const cpuBefore = process.cpuUsage();
try {
  for (let i = 0; i < N; i++) {
    writeSync(fd, record);
    const started = performance.now();
    await new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
    millis.push(performance.now() - started);
  }
} finally {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
}
const cpu = process.cpuUsage(cpuBefore);
const sorted = [...millis].sort((a, b) => a - b);
const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 100) / 100;
process.stdout.write(
  `${JSON.stringify({
    bench: 'fsync-latency',
    fsyncs: N,
    ms: { p10: at(0.1), p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1), mean: Math.round((millis.reduce((a, b) => a + b, 0) / N) * 100) / 100 },
    cpuMicrosPerFsync: Math.round((cpu.user + cpu.system) / N),
    loadavg: loadavg().map((l) => Math.round(l * 10) / 10),
  })}\n`,
);
