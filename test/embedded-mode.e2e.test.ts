/**
 * The embedded default of `npm start`: no MONGODB_URI, data kept in DATA_DIR across restarts, and /ready
 * telling the truth when the database goes away.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../src/app.js';
import { loadConfig } from '../src/config/env.js';
import { resolveDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/lib/logger.js';
import { ApiClient } from './harness.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function embeddedHub(dataDir: string): Promise<{ hub: Hub; client: ApiClient }> {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1', SANDBOX_SETTLE_MS: '0' });
  const hub = await createHub({ config, logger: createLogger({ level: 'silent' }) });
  const { url } = await hub.listen(0, '127.0.0.1');
  return { hub, client: new ApiClient(url) };
}

describe('embedded mode', () => {
  it('generates the admin key and encryption key once and keeps users across a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'swh-embedded-'));
    dirs.push(dataDir);

    const first = await embeddedHub(dataDir);
    const adminKey = first.hub.adminApiKey;
    expect((await readFile(path.join(dataDir, 'admin-api-key'), 'utf8')).trim()).toBe(adminKey);
    const created = await first.client.withKey(adminKey).post('/api/users', { name: 'Persisted' });
    expect(created.status).toBe(201);
    const sealed = first.hub.cipher.encrypt('0123456789');
    await first.hub.stop();

    const second = await embeddedHub(dataDir);
    try {
      expect(second.hub.adminApiKey).toBe(adminKey);
      const me = await second.client.withKey(created.body.apiKey).get('/api/users/me');
      expect(me.status).toBe(200);
      expect(me.body.name).toBe('Persisted');
      // The same generated encryption key is back, so data sealed before the restart still opens.
      expect(second.hub.cipher.decrypt(sealed)).toBe('0123456789');
    } finally {
      await second.hub.stop();
    }
  });

  it('answers /ready and /api with 503 (Retry-After) while the database is unreachable, and /health stays 200', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'swh-ready-'));
    dirs.push(dataDir);
    // A private database server this test can pull away from under the hub.
    const database = await resolveDatabase({ force: 'emulator', log: () => {} });
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1' });
    const hub = await createHub({ config, database, dbName: 'readiness', logger: createLogger({ level: 'silent' }), runJobs: false });
    const { url } = await hub.listen(0, '127.0.0.1');
    const client = new ApiClient(url);
    try {
      expect((await client.get('/ready')).status).toBe(200);
      await database.stop();
      const ready = await client.get('/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.database).toBe('unreachable');
      expect((await client.get('/health')).status).toBe(200);
      // An outage, not a bug: an API call says so (503, come back later) instead of 500 INTERNAL.
      const api = await client.withKey(hub.adminApiKey).get('/api/users/me');
      expect(api.status).toBe(503);
      expect(api.body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', requestId: expect.any(String) });
      expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await hub.stop();
    }
  });
});
