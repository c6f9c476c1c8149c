/**
 * What the market simulators share, on top of the simulator kit (sandbox/shared/kit.ts): the kit's faults
 * (timeout, slow, 500, 503, garbled JSON, via `faults.inject` or `POST /_sandbox/faults`) plus three a public data
 * source shows: `down` (the connection dropped without an answer), `http429` (rate limited) and `bad_data` (a
 * well-formed but wrong answer for that route). A request counter lets tests see whether a call reached the source.
 */
import type { Context, Hono } from 'hono';
import { createSimulatorKit, type FaultSpec as KitFaultSpec } from '../shared/kit.js';

export type MarketFaultMode = 'down' | 'timeout' | 'slow' | 'http500' | 'http503' | 'http429' | 'bad_json' | 'bad_data';

export interface FaultSpec {
  mode: MarketFaultMode;
  /** How many requests get the fault; unset = until cleared. */
  count?: number;
  /** For `slow`: how long to hold the answer. */
  delayMs?: number;
  /** Only requests whose path matches. */
  paths?: RegExp;
}

export interface FaultControl {
  inject(fault: FaultSpec): void;
  clear(): void;
}

export interface RunningSimulator {
  url: string;
  faults: FaultControl;
  /** Requests that reached the source's routes (faulted ones do not count). */
  readonly requests: number;
  /** Closes the listener: from then on the source refuses connections. */
  stop(): Promise<void>;
}

export async function runSimulator(
  name: string,
  build: (api: Hono) => void,
  badData: (c: Context) => Response,
  options: { port?: number } = {},
): Promise<RunningSimulator> {
  const kit = createSimulatorKit({
    name,
    customFault: (mode, c) => {
      if (mode === 'down') {
        // Drop the connection without an answer, as a dead host behind a load balancer does.
        (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming?.socket?.destroy();
        return c.body(null, 502);
      }
      if (mode === 'http429') return c.json({ error: 'too many requests' }, 429, { 'retry-after': '60' });
      if (mode === 'bad_data') return badData(c);
      return undefined;
    },
  });
  let requests = 0;
  kit.api.use('*', async (_c, next) => {
    requests++;
    await next();
  });
  build(kit.api);
  kit.page(() => `<p>${requests} requests served. Fault modes here also: down, http429, bad_data.</p>`);
  const running = await kit.listen({ port: options.port ?? 0 });
  return {
    url: running.url,
    faults: {
      inject: (fault) => kit.injectFaults({ ...fault, count: fault.count ?? Number.MAX_SAFE_INTEGER } as KitFaultSpec),
      clear: () => kit.injectFaults({ mode: 'slow', count: 0 }),
    },
    get requests() {
      return requests;
    },
    stop: () => running.stop(),
  };
}

/** Deterministic noise in [-1, 1] from a few integers: the same date and ticker always give the same price. */
export function noise(...parts: number[]): number {
  let h = 2166136261;
  for (const part of parts) {
    h ^= Math.floor(part) & 0xffffffff;
    h = Math.imul(h, 16777619);
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return ((h >>> 0) / 0xffffffff) * 2 - 1;
}

export function stringSeed(text: string): number {
  let h = 0;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

export const DAY_MS = 86_400_000;

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function dayIndex(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);
}
