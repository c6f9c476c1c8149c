/**
 * The resilience every adapter shares, against a simulator: retries with backoff that ride out one bad answer,
 * a timeout that frees the caller, the breaker opening on a failing source (calls then fail fast, without
 * reaching it) and closing again after a good trial call; the status service seeing all of it, as JSON and metrics.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startYahooChartSimulator } from '../../../../sandbox/market/yahoo-chart.js';
import type { RunningSimulator } from '../../../../sandbox/market/simulator.js';
import { SourceStatusService } from '../services/source-status.js';
import { createYahooChartProvider } from './yahoo-chart.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startYahooChartSimulator({ now: () => new Date('2026-05-27T08:30:00Z') });
});
afterAll(async () => {
  await sim.stop();
});

function setup(options: { retries?: number; timeoutMs?: number; volumeThreshold?: number } = {}) {
  const status = new SourceStatusService();
  const provider = createYahooChartProvider({
    baseUrl: sim.url,
    observer: status,
    retries: options.retries ?? 2,
    retryDelayMs: 5,
    timeoutMs: options.timeoutMs ?? 1000,
    breakerResetTimeoutMs: 300,
    breakerVolumeThreshold: options.volumeThreshold ?? 3,
  });
  status.register(provider.descriptor, () => provider.client.breakerState);
  return { status, provider };
}

describe('source client', () => {
  it('retries a 503 with backoff and succeeds; the source is degraded, not down', async () => {
    const { status, provider } = setup();
    sim.faults.inject({ mode: 'http503', count: 1 });
    const quote = await provider.quote('BBCA');
    expect(quote.ticker).toBe('BBCA');
    const s = status.status('yahoo-chart')!;
    expect(s).toMatchObject({ calls: 2, errorRate: 0.5, state: 'degraded', breaker: 'closed', lastError: 'HTTP 503' });
    expect(s.lastSuccessAt).not.toBeNull();
    await provider.client.shutdown();
  });

  it('gives up on a slow source after its timeout', async () => {
    const { status, provider } = setup({ retries: 0, timeoutMs: 150 });
    sim.faults.inject({ mode: 'slow', delayMs: 2000, count: 1 });
    const started = Date.now();
    await expect(provider.quote('TLKM')).rejects.toMatchObject({ kind: 'timeout', code: 'PROVIDER_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(status.status('yahoo-chart')!.lastError).toBe('timeout');
    await provider.client.shutdown();
  });

  it('opens the breaker on a failing source, fails fast while open, and closes after a good trial call', async () => {
    const { status, provider } = setup({ retries: 0 });
    sim.faults.inject({ mode: 'http500' });
    for (let i = 0; i < 3; i++) await expect(provider.quote('ASII')).rejects.toMatchObject({ kind: 'http' });
    expect(provider.client.breakerState).toBe('open');
    expect(status.status('yahoo-chart')).toMatchObject({ state: 'down', breaker: 'open' });

    const reached = sim.requests;
    await expect(provider.quote('ASII')).rejects.toMatchObject({ kind: 'circuit_open' });
    expect(sim.requests).toBe(reached); // not even sent

    sim.faults.clear();
    await new Promise((r) => setTimeout(r, 350));
    expect(provider.client.breakerState).toBe('half_open');
    expect(status.status('yahoo-chart')!.state).toBe('degraded');
    await provider.quote('ASII');
    expect(provider.client.breakerState).toBe('closed');
    expect(status.status('yahoo-chart')!.consecutiveFailures).toBe(0);
    await provider.client.shutdown();
  });

  it('counts a dropped connection as down after three in a row, and exports the figures as metrics', async () => {
    const { status, provider } = setup({ retries: 2, volumeThreshold: 20 });
    const registry = new Registry();
    status.bindMetrics(registry);
    sim.faults.inject({ mode: 'down', count: 3 });
    await expect(provider.quote('BBRI')).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(status.status('yahoo-chart')).toMatchObject({ state: 'down', breaker: 'closed', consecutiveFailures: 3, lastError: 'unreachable' });
    const text = await registry.metrics();
    expect(text).toContain('hub_market_source_state{source="yahoo-chart",state="down"} 1');
    expect(text).toContain('hub_market_source_state{source="yahoo-chart",state="up"} 0');
    expect(text).toContain('hub_market_source_error_ratio{source="yahoo-chart"} 1');
    expect(text).toMatch(/hub_market_source_call_duration_seconds_count\{source="yahoo-chart",result="error"\} 3/);
    await provider.quote('BBRI');
    expect(await registry.metrics()).toContain('hub_market_source_state{source="yahoo-chart",state="degraded"} 1');
    await provider.client.shutdown();
  });
});
