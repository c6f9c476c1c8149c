/**
 * The little kit every market simulator shares: fault injection (down, slow, 5xx, 429, bad data) in front of the
 * real routes, a request counter, and stop/restart on the same port so a test can take a source away and bring it
 * back while the hub keeps its configured URL.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { listen } from '../shared/listen.js';

export type MarketFaultMode = 'down' | 'slow' | 'http500' | 'http503' | 'http429' | 'bad_data';

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
  /** Requests that reached the routes (not counting faulted ones). */
  readonly requests: number;
  /** Closes the listener: the source is down (connection refused). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

/**
 * Fault middleware. `badData` answers with something the real API could plausibly send when broken (a truncated
 * or wrong-shaped body) for that route.
 */
export function faultMiddleware(state: { fault?: FaultSpec & { remaining: number } }, badData: (c: Context) => Response): MiddlewareHandler {
  return async (c, next) => {
    const fault = state.fault;
    if (fault && fault.remaining > 0 && (!fault.paths || fault.paths.test(c.req.path))) {
      fault.remaining--;
      switch (fault.mode) {
        case 'down': {
          // Drop the connection without an answer, as a dead host behind a load balancer does.
          const incoming = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming;
          incoming?.socket?.destroy();
          return c.body(null, 502);
        }
        case 'slow':
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 10_000).unref());
          break;
        case 'http500':
          return c.json({ error: 'internal server error' }, 500);
        case 'http503':
          return c.text('Service Temporarily Unavailable', 503);
        case 'http429':
          return c.json({ error: 'too many requests' }, 429, { 'retry-after': '60' });
        case 'bad_data':
          return badData(c);
      }
    }
    return next();
  };
}

export async function runSimulator(
  build: (middleware: MiddlewareHandler, count: () => void) => Hono,
  badData: (c: Context) => Response,
  options: { port?: number } = {},
): Promise<RunningSimulator> {
  const state: { fault?: FaultSpec & { remaining: number } } = {};
  let requests = 0;
  const app = build(faultMiddleware(state, badData), () => void requests++);
  let server = await listen(app, { port: options.port ?? 0 });
  const port = Number(new URL(server.url).port);
  let running = true;
  return {
    url: server.url,
    faults: {
      inject: (fault) => void (state.fault = { ...fault, remaining: fault.count ?? Number.POSITIVE_INFINITY }),
      clear: () => void (state.fault = undefined),
    },
    get requests() {
      return requests;
    },
    async stop() {
      if (!running) return;
      running = false;
      await server.close();
    },
    async restart() {
      if (running) return;
      server = await listen(app, { port });
      running = true;
    },
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
