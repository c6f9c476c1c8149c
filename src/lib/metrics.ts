/**
 * Prometheus metrics. One registry per hub instance (not prom-client's global one), so tests can run
 * several hubs in one process and each /metrics shows only its own numbers.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'hub_http_requests_total',
      help: 'HTTP requests by method, matched route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'hub_http_request_duration_seconds',
      help: 'HTTP request latency by method, matched route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    webhooksReceived: new Counter({
      name: 'hub_webhooks_received_total',
      help: 'Webhook deliveries by provider and outcome (stored, duplicate, rejected, invalid)',
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry],
    }),
    webhooksApplied: new Counter({
      name: 'hub_webhooks_applied_total',
      help: 'Inbox events applied by the processor, by provider and result (applied, ignored, failed, dead)',
      labelNames: ['provider', 'result'] as const,
      registers: [registry],
    }),
    jobsRun: new Counter({
      name: 'hub_jobs_total',
      help: 'Agenda job runs by name and result',
      labelNames: ['job', 'result'] as const,
      registers: [registry],
    }),
    providerCalls: new Counter({
      name: 'hub_provider_calls_total',
      help: 'Calls to outside providers by provider, operation and result',
      labelNames: ['provider', 'operation', 'result'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
