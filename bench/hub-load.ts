/**
 * The load generator of bench/hub-volume.bench.ts, run in its own process so it does not share the hub's event
 * loop: BENCH_LOAD (JSON: {url, apiKey, concurrency, routes: [{name, path, requests}]}) in, one JSON line of
 * latency percentiles per route out.
 */
import http from 'node:http';

const spec = JSON.parse(process.env.BENCH_LOAD ?? '{}') as { url: string; apiKey: string; concurrency: number; routes: { name: string; path: string; requests: number }[] };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** One GET on a fresh connection: a kept-alive one can be closed by the server's idle timeout just as it is reused. */
function get(path: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(`${spec.url}${path}`, { agent: false, headers: { authorization: `Bearer ${spec.apiKey}` } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${path} answered ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}

const out: Record<string, { p50: number; p99: number; n: number }> = {};
for (const route of spec.routes) {
  // Warm up: the first requests compile and fill caches.
  for (let i = 0; i < 2; i++) await get(route.path);
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (next < route.requests) {
        next++;
        latencies.push(await get(route.path));
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  out[route.name] = { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), n: latencies.length };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
