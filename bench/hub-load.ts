/**
 * The load generator of bench/hub-volume.bench.ts, run in its own process so it does not share the hub's event
 * loop: BENCH_LOAD (JSON: {url, apiKey, concurrency, routes: [{name, path, requests}]}) in, one JSON line of
 * latency percentiles per route out.
 */
const spec = JSON.parse(process.env.BENCH_LOAD ?? '{}') as { url: string; apiKey: string; concurrency: number; routes: { name: string; path: string; requests: number }[] };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function get(path: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${spec.url}${path}`, { headers: { authorization: `Bearer ${spec.apiKey}` } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  return performance.now() - started;
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
