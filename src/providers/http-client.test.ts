import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.js';
import { ProviderHttpClient } from './http-client.js';

/** A real HTTP server on port 0 whose next answers the test scripts. */
let server: Server;
let baseUrl: string;
let script: ({ status: number; body?: string; delayMs?: number })[] = [];
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    const next = script.shift() ?? { status: 200, body: '{"ok":true}' };
    setTimeout(() => {
      res.writeHead(next.status, { 'content-type': 'application/json' });
      res.end(next.body ?? '{}');
    }, next.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  hits = 0;
});

const client = (overrides: Partial<ConstructorParameters<typeof ProviderHttpClient>[0]> = {}) =>
  new ProviderHttpClient({ name: 'testpay', baseUrl, timeoutMs: 300, retries: 2, retryDelayMs: 5, ...overrides });

describe('ProviderHttpClient', () => {
  it('treats a cut-off 200 as an unreadable answer, never as an empty success, and does not repeat a charge over it', async () => {
    script = [{ status: 200, body: '{"status_code": "20' }];
    const err = await client({ timeoutMs: 5000 }).request({ method: 'POST', path: '/charge', body: {}, idempotent: false }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', details: { unreadable: true, status: 200 } });
    expect(hits).toBe(1);
    // Text is fine when text was asked for.
    script = [{ status: 200, body: 'Tanggal,Keterangan' }];
    expect((await client({ timeoutMs: 5000 }).request({ method: 'GET', path: '/statement.csv', idempotent: true, responseType: 'text' })).body).toBe('Tanggal,Keterangan');
  });

  it('retries an idempotent call after a 503 and returns the eventual answer', async () => {
    script = [{ status: 503 }, { status: 200, body: '{"status":"settlement"}' }];
    const res = await client().request<{ status: string }>({ method: 'GET', path: '/order-1/status', idempotent: true });
    expect(res.body.status).toBe('settlement');
    expect(hits).toBe(2);
  });

  it('never repeats a non-idempotent call, and reports the provider as unavailable', async () => {
    script = [{ status: 503 }, { status: 200 }];
    const err = await client().request({ method: 'POST', path: '/charge', body: { a: 1 }, idempotent: false }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    expect(hits).toBe(1);
  });

  it('turns a slow answer into a timeout error', async () => {
    script = [{ status: 200, delayMs: 1000 }];
    const err = await client({ retries: 0 }).request({ method: 'GET', path: '/slow', idempotent: true }).catch((e) => e);
    expect(err).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', details: { timeout: true } });
  });

  it('hands 4xx answers to the adapter to interpret', async () => {
    script = [{ status: 401, body: '{"status_message":"Unknown Merchant server_key/id"}' }];
    const res = await client().request<{ status_message: string }>({ method: 'GET', path: '/x', idempotent: true });
    expect(res.status).toBe(401);
    expect(res.body.status_message).toMatch(/Unknown Merchant/);
    expect(hits).toBe(1);
  });

  it('opens the circuit after repeated failures and then fails fast without calling out', async () => {
    const breaking = client({ retries: 0, breakerVolumeThreshold: 3, breakerErrorThresholdPercentage: 50, breakerResetTimeoutMs: 60_000 });
    script = Array.from({ length: 5 }, () => ({ status: 500 }));
    for (let i = 0; i < 4; i++) await breaking.request({ method: 'GET', path: '/s', idempotent: true }).catch(() => {});
    expect(breaking.circuitOpen).toBe(true);
    const before = hits;
    const err = await breaking.request({ method: 'GET', path: '/s', idempotent: true }).catch((e) => e);
    expect(err).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', details: { circuit: 'open' } });
    expect(hits).toBe(before);
    await breaking.shutdown();
  });

  it('resolves paths under a base URL that has a path', async () => {
    script = [{ status: 200, body: '{"ok":true}' }];
    const res = await client().request<{ ok: boolean }>({ method: 'GET', path: '/charge', idempotent: true });
    expect(res.body.ok).toBe(true);
  });
});
