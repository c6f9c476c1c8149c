/** Small helpers shared by the market adapters. */
import { numberToDecimalString } from '../decimal.js';
import { SourceClient, type SourceCallObserver } from './source-client.js';
import type { SourceDescriptor } from './types.js';

export interface AdapterOptions {
  /** Defaults to the descriptor's real host. */
  baseUrl?: string;
  observer?: SourceCallObserver;
  timeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
  breakerResetTimeoutMs?: number;
  breakerVolumeThreshold?: number;
}

export function clientFor(descriptor: SourceDescriptor, options: AdapterOptions, userAgent?: string): SourceClient {
  return new SourceClient({
    source: descriptor.id,
    timeoutMs: options.timeoutMs ?? descriptor.timeoutMs,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
    observer: options.observer,
    userAgent,
    breaker: { resetTimeoutMs: options.breakerResetTimeoutMs, volumeThreshold: options.breakerVolumeThreshold },
  });
}

/** `${base}/${path}` keeping the base's own path ("https://api.frankfurter.dev/v1" + "latest"). */
export function joinUrl(base: string, path: string, query: Record<string, string | number | undefined> = {}): URL {
  const url = new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
  return url;
}

/**
 * A JSON number a source sent for a price or rate, as the decimal digits it was written with. Not a
 * conversion through arithmetic: 16250.5 stays "16250.5".
 */
export function decimalFromJson(value: number): string {
  return numberToDecimalString(value);
}
