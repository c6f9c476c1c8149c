/**
 * Boots the whole hub (real HTTP on port 0, the run's MongoDB, its own database name, its own DATA_DIR) once per
 * test file, and gives tests a typed client plus helpers to create users.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { inject } from 'vitest';
import { createHub, type Hub, type HubOptions } from '../src/app.js';
import { loadConfig } from '../src/config/env.js';
import { createLogger } from '../src/lib/logger.js';

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  constructor(readonly baseUrl: string, private readonly apiKey?: string) {}

  withKey(apiKey: string): ApiClient {
    return new ApiClient(this.baseUrl, apiKey);
  }

  get<T = any>(path: string, headers: Record<string, string> = {}) {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = any>(path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.request<T>('POST', path, body, headers);
  }

  delete<T = any>(path: string, headers: Record<string, string> = {}) {
    return this.request<T>('DELETE', path, undefined, headers);
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
}

export interface TestHub {
  hub: Hub;
  url: string;
  dataDir: string;
  dbName: string;
  /** Client authenticated as the administrator. */
  admin: ApiClient;
  /** Client with no key. */
  anonymous: ApiClient;
  createUser(name?: string, role?: 'user' | 'admin'): Promise<{ id: string; apiKey: string; client: ApiClient }>;
  /** Stops the hub; keeps the database and DATA_DIR unless cleanup is true. */
  stop(options?: { cleanup?: boolean }): Promise<void>;
}

export interface StartTestHubOptions {
  env?: Record<string, string>;
  runJobs?: boolean;
  /** Reuse a database name and DATA_DIR (restart tests). */
  dbName?: string;
  dataDir?: string;
  hubOptions?: Partial<HubOptions>;
}

/** TEST_HUB_TIMING=1 prints how long each file's hub takes to start and stop (to find slow setup). */
const timing = process.env.TEST_HUB_TIMING === '1';

export async function startTestHub(options: StartTestHubOptions = {}): Promise<TestHub> {
  const startedAt = performance.now();
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'swh-test-')));
  const dbName = options.dbName ?? `t_${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SANDBOX_SETTLE_MS: '0',
    JOBS_POLL_MS: '100',
    HOST: '127.0.0.1',
    ...options.env,
  });
  const hub = await createHub({
    config,
    database: { uri: inject('mongoUri'), kind: inject('mongoKind') },
    dbName,
    logger: createLogger({ level: config.LOG_LEVEL }),
    runJobs: options.runJobs ?? true,
    ...options.hubOptions,
  });
  const { url } = await hub.listen(0, '127.0.0.1');
  if (timing) console.log(`[hub timing] start ${Math.round(performance.now() - startedAt)} ms`);
  const anonymous = new ApiClient(url);
  const admin = anonymous.withKey(hub.adminApiKey);
  let counter = 0;
  return {
    hub,
    url,
    dataDir,
    dbName,
    admin,
    anonymous,
    async createUser(name = `user-${++counter}`, role = 'user') {
      const res = await admin.post<{ id: string; apiKey: string }>('/api/users', { name, role });
      if (res.status !== 201) throw new Error(`could not create user: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.id, apiKey: res.body.apiKey, client: anonymous.withKey(res.body.apiKey) };
    },
    async stop({ cleanup = true } = {}) {
      const stoppingAt = performance.now();
      if (cleanup) await dropDatabase(hub, dbName).catch(() => {});
      const dropped = performance.now();
      await hub.stop();
      if (cleanup && !options.dataDir) await rm(dataDir, { recursive: true, force: true });
      if (timing) console.log(`[hub timing] stop ${Math.round(performance.now() - stoppingAt)} ms (drop ${Math.round(dropped - stoppingAt)} ms)`);
    },
  };
}

/**
 * Drops a test's database. A hub the test already stopped has closed its connection, and a drop issued on it
 * would wait out mongoose's 10 s command buffering before failing: use a short-lived client of our own instead.
 */
async function dropDatabase(hub: Hub, dbName: string): Promise<void> {
  if (hub.connection.readyState === 1) {
    await hub.connection.dropDatabase();
    return;
  }
  const client = await MongoClient.connect(inject('mongoUri'), { serverSelectionTimeoutMS: 5000 });
  try {
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
}

/** Polls `read` until `done` holds or the time runs out, and returns the last value (asynchronous effects). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() - started > timeoutMs) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
