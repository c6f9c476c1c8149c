/**
 * The simulator kit: what every simulator of an outside party needs, written once.
 *
 *   const kit = createSimulatorKit({ name: 'Bank BCA (SNAP BI)', errorBody: (status) => ({ responseCode: … }) });
 *   kit.api.post('/openapi/v1.0/balance-inquiry', …)      // the provider's API; faults and latency apply here
 *   kit.control.post('/accounts', …)                       // /_sandbox/…: controls for tests and people, no faults
 *   kit.page(() => '<h2>Accounts</h2>…')                   // the /_sandbox HTML page
 *   const running = await kit.listen({ port: 0 });        // { url, stop() }
 *   await kit.deliver({ url, body, headers })              // a signed callback, retried, duplicated or reordered on request
 *
 * Faults (`POST /_sandbox/faults {mode, count, paths?, delayMs?, field?, value?}` or `kit.injectFaults`) make the
 * next `count` API calls whose path matches time out, answer 500/503 (with the provider's error body), answer garbled
 * JSON, answer slowly, or (`malformed`) answer as usual but with one field of the JSON answer given the wrong type,
 * as a provider that changed its API would. Delivery modes (`POST /_sandbox/delivery {duplicate, outOfOrder}`) make each callback arrive twice,
 * or hold a callback back until the next one has been sent, as real providers sometimes do.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deliverWithRetries, escapeHtml } from './deliver.js';
import { listen } from './listen.js';

export type FaultMode = 'timeout' | 'slow' | 'http500' | 'http503' | 'bad_json' | 'malformed';
export const FAULT_MODES: readonly FaultMode[] = ['timeout', 'slow', 'http500', 'http503', 'bad_json', 'malformed'];

export interface FaultSpec {
  mode: FaultMode | (string & {});
  count: number;
  /** Only API paths matching this (default every path). */
  paths?: RegExp;
  /** For `slow`: how long to wait before answering normally (default 3 s). */
  delayMs?: number;
  /** For `malformed`: the dotted path of the answer's field to break, array items by index ("va_numbers.0.bank"); default its first field. */
  field?: string;
  /** For `malformed`: what to put there; default a number in place of text, text in place of anything else. */
  value?: unknown;
}

export interface DeliveryMode {
  duplicate?: boolean;
  outOfOrder?: boolean;
}

export interface Delivery {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** What the control page and tests call this delivery (e.g. an order id and status). */
  label: string;
}

export interface DeliveryAttempt {
  label: string;
  attempt: number;
  httpStatus: number | null;
  /** The start of the hub's answer (absent when it did not answer). */
  answer?: string;
  at: string;
}

export interface SimulatorKitOptions {
  /** Shown on the control page. */
  name: string;
  /** The provider's own error body for an injected 5xx (default `{error: …}`). */
  errorBody?: (status: 500 | 503) => unknown;
  /** Delays between callback retries after a non-2xx answer or no answer (default 200, 500, 1000, 2000 ms). */
  retryDelaysMs?: number[];
  /**
   * A provider-specific fault (e.g. Midtrans's `decline`): answer for it, or undefined to pass through.
   */
  customFault?: (mode: string, c: Context) => Response | Promise<Response> | undefined;
}

export interface SimulatorKit {
  /** The provider's API. Faults apply to every route registered here. */
  api: Hono;
  /** Routes under /_sandbox for tests and people; never faulted. */
  control: Hono;
  /** Sets the HTML body of the /_sandbox page (called on every view; may be async, e.g. to draw QR images). */
  page(render: () => string | Promise<string>): void;
  listen(options: { port?: number; host?: string }): Promise<{ url: string; stop(): Promise<void> }>;
  injectFaults(spec: FaultSpec): void;
  setDeliveryMode(mode: DeliveryMode): void;
  /** Sends a callback as the provider would (retries; duplicate/out-of-order per the delivery mode). */
  deliver(delivery: Delivery): Promise<void>;
  readonly deliveries: DeliveryAttempt[];
  /** True once stopped: timers and retries end. */
  readonly stopped: boolean;
  /** Runs `fn` after `ms` unless the simulator stops first (a simulated person acting later). */
  later(ms: number, fn: () => void | Promise<void>): void;
}

export function createSimulatorKit(options: SimulatorKitOptions): SimulatorKit {
  const retryDelaysMs = options.retryDelaysMs ?? [200, 500, 1000, 2000];
  const app = new Hono();
  const api = new Hono();
  const control = new Hono();
  const deliveries: DeliveryAttempt[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let fault: (FaultSpec & { remaining: number }) | undefined;
  let deliveryMode: DeliveryMode = {};
  let heldBack: Delivery | undefined;
  let renderPage: () => string | Promise<string> = () => '';
  let stopped = false;

  const faults: MiddlewareHandler = async (c, next) => {
    if (fault && fault.remaining > 0 && (!fault.paths || fault.paths.test(c.req.path))) {
      fault.remaining--;
      const mode = fault.mode;
      if (mode === 'timeout') {
        await new Promise((resolve) => setTimeout(resolve, 20_000).unref());
        return c.body(null, 504);
      }
      if (mode === 'slow') {
        await new Promise((resolve) => setTimeout(resolve, fault?.delayMs ?? 3000).unref());
        return next();
      }
      if (mode === 'http500' || mode === 'http503') {
        const status = mode === 'http500' ? 500 : 503;
        return c.json((options.errorBody?.(status) ?? { error: status === 500 ? 'internal error' : 'service unavailable' }) as object, status);
      }
      if (mode === 'bad_json') return c.body('{"status": "20', 200, { 'content-type': 'application/json' });
      if (mode === 'malformed') {
        const { field, value } = fault;
        await next();
        c.res = await malformed(c.res, field, value);
        return;
      }
      const custom = await options.customFault?.(mode, c);
      if (custom) return custom;
    }
    return next();
  };

  control.post('/faults', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { mode?: string; count?: number; paths?: string; delayMs?: number; field?: string; value?: unknown };
    if (!body.mode || typeof body.count !== 'number') return c.json({ error: 'mode and count are required' }, 400);
    kit.injectFaults({ mode: body.mode, count: body.count, paths: body.paths ? new RegExp(body.paths) : undefined, delayMs: body.delayMs, field: body.field, value: body.value });
    return c.json({ ok: true });
  });
  control.post('/delivery', async (c) => {
    kit.setDeliveryMode((await c.req.json().catch(() => ({}))) as DeliveryMode);
    return c.json({ ok: true, ...deliveryMode });
  });
  control.get('/deliveries', (c) => c.json(deliveries));

  const sendOne = async (d: Delivery) => {
    await deliverWithRetries({
      url: d.url,
      body: d.body,
      headers: d.headers,
      retryDelaysMs,
      isStopped: () => stopped,
      record: ({ attempt, httpStatus, answer }) => deliveries.push({ label: d.label, attempt, httpStatus, answer, at: new Date().toISOString() }),
    });
  };

  // The page, the controls and the API are mounted once, on the first listen (a retry on another port reuses them).
  let mounted = false;
  const mount = () => {
    mounted = true;
    app.get('/_sandbox', async (c) =>
      c.html(
        `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(options.name)} sandbox</title>` +
          '<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem}</style>' +
          `</head><body><h1>${escapeHtml(options.name)} sandbox</h1>${await renderPage()}` +
          `<h2>Faults</h2><p>POST /_sandbox/faults {"mode": "${FAULT_MODES.join('|')}", "count": 1, "paths": "regex", "field": "a.0.b"} · POST /_sandbox/delivery {"duplicate": true, "outOfOrder": true}</p>` +
          `<h2>Callbacks sent</h2><table><tr><th>what</th><th>attempt</th><th>answer</th><th>at</th></tr>${deliveries
            .slice(-50)
            .reverse()
            .map((d) => `<tr><td>${escapeHtml(d.label)}</td><td>${d.attempt}</td><td>${d.httpStatus ?? 'no answer'}</td><td>${d.at}</td></tr>`)
            .join('')}</table></body></html>`,
      ),
    );
    app.route('/_sandbox', control);
    app.use('*', faults);
    app.route('/', api);
  };

  const kit: SimulatorKit = {
    api,
    control,
    page(render) {
      renderPage = render;
    },
    async listen(listenOptions) {
      if (!mounted) mount();
      const running = await listen(app, listenOptions);
      return {
        url: running.url,
        stop: async () => {
          stopped = true;
          for (const timer of timers) clearTimeout(timer);
          await running.close();
        },
      };
    },
    injectFaults(spec) {
      fault = { ...spec, remaining: spec.count };
    },
    setDeliveryMode(mode) {
      deliveryMode = { duplicate: Boolean(mode.duplicate), outOfOrder: Boolean(mode.outOfOrder) };
    },
    async deliver(d) {
      if (stopped) return;
      if (deliveryMode.outOfOrder && !heldBack) {
        // Hold this one back; it goes out right after the next callback, as a late delivery would.
        heldBack = d;
        return;
      }
      await sendOne(d);
      if (deliveryMode.duplicate) await sendOne(d);
      if (heldBack && heldBack !== d) {
        const late = heldBack;
        heldBack = undefined;
        await sendOne(late);
      }
    },
    deliveries,
    get stopped() {
      return stopped;
    },
    later(ms, fn) {
      // Beyond setTimeout's range (about 24.8 days) a timer would fire at once; such a far moment never comes here.
      if (stopped || ms > 2_147_483_647) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopped) void Promise.resolve(fn()).catch(() => {});
      }, ms);
      timer.unref();
      timers.add(timer);
    },
  };
  return kit;
}

/**
 * The answer with one field given the wrong type (`malformed` fault). Only JSON answers are touched; the status and
 * headers stay, except the length, which the new body sets.
 */
async function malformed(res: Response, field: string | undefined, value: unknown): Promise<Response> {
  if (!(res.headers.get('content-type') ?? '').includes('json')) return res;
  let body: unknown;
  try {
    body = await res.clone().json();
  } catch {
    return res;
  }
  if (typeof body !== 'object' || body === null) return res;
  const path = (field ?? Object.keys(body)[0] ?? '').split('.');
  let parent = body as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    const next = parent[key];
    if (typeof next !== 'object' || next === null) return res;
    parent = next as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  parent[last] = value !== undefined ? value : typeof parent[last] === 'string' ? 12345 : 'malformed';
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(body), { status: res.status, headers });
}
