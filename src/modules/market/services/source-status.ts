/**
 * What each market source has been doing lately, from the calls this process made: up / degraded / down, last
 * success, error rate, latency percentiles and breaker state. It is an observation of this process (every hub
 * process sees its own calls; the shared cache is what keeps answers consistent across them), so it lives in
 * memory; the same figures are Prometheus gauges.
 */
import { Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState, SourceCallObserver, SourceCallOutcome } from '../providers/source-client.js';
import { toJakartaIso } from '../../../lib/time.js';

export type SourceHealth = 'up' | 'degraded' | 'down' | 'unknown';

export interface SourceStatus {
  source: string;
  kind: string;
  title: string;
  state: SourceHealth;
  breaker: BreakerState;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  /** Calls in the window the figures below are over. */
  calls: number;
  errorRate: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  consecutiveFailures: number;
}

export interface SourceStatusOptions {
  /** Calls kept per source for the rates and percentiles. */
  windowSize?: number;
  /** Older calls than this do not count. */
  windowMs?: number;
  /** This many failures in a row and the source is down even before its breaker opens. */
  downAfterConsecutiveFailures?: number;
  /** Error rate above which a source that still answers is degraded. */
  degradedErrorRate?: number;
  /** p95 latency above which a source is degraded. */
  slowMs?: number;
  now?: () => number;
}

interface Call extends SourceCallOutcome {
  at: number;
}

interface Entry {
  source: string;
  kind: string;
  title: string;
  breaker: () => BreakerState;
  calls: Call[];
  lastSuccessAt?: number;
  lastFailureAt?: number;
  lastError?: string;
  consecutiveFailures: number;
}

export class SourceStatusService implements SourceCallObserver {
  private readonly entries = new Map<string, Entry>();
  private readonly windowSize: number;
  private readonly windowMs: number;
  private readonly downAfter: number;
  private readonly degradedErrorRate: number;
  private readonly slowMs: number;
  private readonly now: () => number;
  private latencyHistogram?: Histogram<'source' | 'result'>;

  constructor(options: SourceStatusOptions = {}) {
    this.windowSize = options.windowSize ?? 100;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.downAfter = options.downAfterConsecutiveFailures ?? 3;
    this.degradedErrorRate = options.degradedErrorRate ?? 0.2;
    this.slowMs = options.slowMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  register(source: { id: string; kind: string; title: string }, breaker: () => BreakerState): void {
    this.entries.set(source.id, { source: source.id, kind: source.kind, title: source.title, breaker, calls: [], consecutiveFailures: 0 });
  }

  record(source: string, outcome: SourceCallOutcome): void {
    const entry = this.entries.get(source);
    if (!entry) return;
    const at = this.now();
    entry.calls.push({ ...outcome, at });
    if (entry.calls.length > this.windowSize) entry.calls.splice(0, entry.calls.length - this.windowSize);
    if (outcome.ok) {
      entry.lastSuccessAt = at;
      entry.consecutiveFailures = 0;
    } else {
      entry.lastFailureAt = at;
      entry.lastError = outcome.error ?? 'failed';
      entry.consecutiveFailures++;
    }
    this.latencyHistogram?.observe({ source, result: outcome.ok ? 'ok' : 'error' }, outcome.latencyMs / 1000);
  }

  status(source: string): SourceStatus | undefined {
    const entry = this.entries.get(source);
    return entry ? this.describe(entry) : undefined;
  }

  snapshot(): SourceStatus[] {
    return [...this.entries.values()].map((entry) => this.describe(entry));
  }

  private describe(entry: Entry): SourceStatus {
    const since = this.now() - this.windowMs;
    const recent = entry.calls.filter((c) => c.at >= since);
    const failures = recent.filter((c) => !c.ok).length;
    const errorRate = recent.length ? failures / recent.length : 0;
    const latencies = recent.map((c) => c.latencyMs).sort((a, b) => a - b);
    const p = (q: number) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]) : null);
    const breaker = entry.breaker();
    const latencyMs = { p50: p(0.5), p95: p(0.95), p99: p(0.99) };
    let state: SourceHealth;
    // Open breaker: down. Half-open: a trial call is being let through, so it may be coming back. Closed breaker but
    // failing every call (a source that just went away, before the breaker has enough volume): down.
    if (breaker === 'open') state = 'down';
    else if (breaker === 'half_open') state = 'degraded';
    else if (entry.consecutiveFailures >= this.downAfter) state = 'down';
    // Quiet lately (answers came from cache): the last thing it did is the best knowledge of it.
    else if (!recent.length) state = entry.lastSuccessAt !== undefined ? 'up' : 'unknown';
    else if (errorRate > this.degradedErrorRate || (latencyMs.p95 ?? 0) > this.slowMs || entry.consecutiveFailures > 0) state = 'degraded';
    else state = 'up';
    const iso = (t?: number) => (t === undefined ? null : toJakartaIso(new Date(t)));
    return {
      source: entry.source,
      kind: entry.kind,
      title: entry.title,
      state,
      breaker,
      lastSuccessAt: iso(entry.lastSuccessAt),
      lastFailureAt: iso(entry.lastFailureAt),
      lastError: entry.lastError ?? null,
      calls: recent.length,
      errorRate: Math.round(errorRate * 1000) / 1000,
      latencyMs,
      consecutiveFailures: entry.consecutiveFailures,
    };
  }

  /** The same figures as Prometheus metrics on the hub's registry; gauges are read at scrape time. */
  bindMetrics(registry: Registry): void {
    const self = this;
    const states: SourceHealth[] = ['up', 'degraded', 'down', 'unknown'];
    const breakers: BreakerState[] = ['closed', 'open', 'half_open'];
    this.latencyHistogram = new Histogram({
      name: 'hub_market_source_call_duration_seconds',
      help: 'Latency of HTTP calls to market data sources, by source and result',
      labelNames: ['source', 'result'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    new Gauge({
      name: 'hub_market_source_state',
      help: 'Market source health: 1 on the current state label (up, degraded, down, unknown)',
      labelNames: ['source', 'state'] as const,
      registers: [registry],
      collect() {
        for (const s of self.snapshot()) for (const state of states) this.set({ source: s.source, state }, s.state === state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hub_market_source_breaker_state',
      help: 'Market source circuit breaker: 1 on the current state label (closed, open, half_open)',
      labelNames: ['source', 'state'] as const,
      registers: [registry],
      collect() {
        for (const s of self.snapshot()) for (const state of breakers) this.set({ source: s.source, state }, s.breaker === state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hub_market_source_error_ratio',
      help: 'Share of failed calls to a market source over the recent window',
      labelNames: ['source'] as const,
      registers: [registry],
      collect() {
        for (const s of self.snapshot()) this.set({ source: s.source }, s.errorRate);
      },
    });
    new Gauge({
      name: 'hub_market_source_last_success_timestamp_seconds',
      help: 'Unix time of the last successful call to a market source (0: none yet)',
      labelNames: ['source'] as const,
      registers: [registry],
      collect() {
        for (const s of self.snapshot()) this.set({ source: s.source }, s.lastSuccessAt ? Date.parse(s.lastSuccessAt) / 1000 : 0);
      },
    });
    new Gauge({
      name: 'hub_market_source_latency_ms',
      help: 'Latency percentiles of calls to a market source over the recent window',
      labelNames: ['source', 'quantile'] as const,
      registers: [registry],
      collect() {
        for (const s of self.snapshot()) {
          for (const [quantile, value] of [['0.5', s.latencyMs.p50], ['0.95', s.latencyMs.p95], ['0.99', s.latencyMs.p99]] as const) {
            if (value !== null) this.set({ source: s.source, quantile }, value);
          }
        }
      },
    });
  }
}
