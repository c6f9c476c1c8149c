import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateUserResponse } from '../src/api/routes/users-create.js';
import type { AuditListResponse } from '../src/api/routes/admin-audit-list.js';
import { startTestHub, type TestHub } from './harness.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => t?.stop());

describe('ops endpoints', () => {
  it('reports liveness and readiness', async () => {
    const health = await t.anonymous.get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    const ready = await t.anonymous.get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('exposes Prometheus metrics labelled by matched route and status', async () => {
    await t.anonymous.get('/health');
    const metrics = await t.anonymous.get<string>('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(metrics.body).toMatch(/hub_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
    expect(metrics.body).toMatch(/hub_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/health",status="200"\}/);
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });

  it('serves an OpenAPI document generated from the route schemas and a docs page that works offline', async () => {
    const doc = await t.anonymous.get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/api/users', '/api/users/me', '/api/admin/audit']));
    expect(doc.body.paths['/api/users'].post.requestBody.content['application/json'].schema).toBeDefined();
    const page = await t.anonymous.get<string>('/docs');
    expect(page.status).toBe(200);
    expect(page.body).toContain('/docs/assets/swagger-ui-bundle.js');
    const asset = await t.anonymous.get<string>('/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
    expect(asset.body.length).toBeGreaterThan(100_000);
  });

  it('gives every response a request id and echoes a sane incoming one', async () => {
    const res = await t.anonymous.get('/health', { 'x-request-id': 'trace-abc-12345' });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-12345');
    const generated = await t.anonymous.get('/health', { 'x-request-id': 'bad id with spaces' });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with the error envelope', async () => {
    const res = await t.anonymous.get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', requestId: expect.any(String) });
  });
});

describe('authentication and access', () => {
  it('refuses /api without a key or with a wrong one (401, envelope, WWW-Authenticate)', async () => {
    const none = await t.anonymous.get('/api/users/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHORIZED');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await t.anonymous.withKey('swh_not-a-real-key').get('/api/users/me');
    expect(wrong.status).toBe(401);
  });

  it('lets only an administrator create users and shows the key once, storing only its hash', async () => {
    const created = await t.admin.post<CreateUserResponse>('/api/users', { name: 'Budi Santoso' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Budi Santoso', role: 'user', apiKey: expect.stringMatching(/^swh_/) });
    const stored = await t.hub.models.ApiKey.find({ userId: created.body.id }).lean();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(created.body.apiKey);

    const me = await t.anonymous.withKey(created.body.apiKey).get('/api/users/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: created.body.id, name: 'Budi Santoso', role: 'user', createdAt: expect.any(String) });

    const byUser = await t.anonymous.withKey(created.body.apiKey).post('/api/users', { name: 'Mallory' });
    expect(byUser.status).toBe(403);
    expect(await t.hub.models.User.countDocuments({ name: 'Mallory' })).toBe(0);
  });

  it("hides another user's resources as 404, not 403", async () => {
    const alice = await t.createUser('Alice');
    const bob = await t.createUser('Bob');
    const peek = await alice.client.get(`/api/users/${bob.id}`);
    expect(peek.status).toBe(404);
    expect(peek.body.error.code).toBe('NOT_FOUND');
    expect((await alice.client.get(`/api/users/${alice.id}`)).status).toBe(200);
    expect((await t.admin.get(`/api/users/${bob.id}`)).status).toBe(200);
  });

  it('keeps user-only routes away from admin routes (403 for a user key)', async () => {
    const carol = await t.createUser('Carol');
    const res = await carol.client.get('/api/admin/audit');
    expect(res.status).toBe(403);
  });
});

describe('validation', () => {
  it('answers 400 naming the field and the reason, and writes nothing', async () => {
    const before = await t.hub.models.User.countDocuments();
    const res = await t.admin.post('/api/users', { name: '', role: 'superuser' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = res.body.error.details.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'role']));
    expect(res.body.error.details.issues[0].reason).toEqual(expect.any(String));
    expect(await t.hub.models.User.countDocuments()).toBe(before);
  });

  it('rejects a body that is not JSON with 400', async () => {
    const res = await t.admin.post('/api/users', '{"name": ', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toMatch(/BAD_REQUEST|VALIDATION_FAILED/);
  });

  it('validates path params and query strings the same way', async () => {
    const user = await t.createUser();
    const badId = await user.client.get('/api/users/not-an-id');
    expect(badId.status).toBe(400);
    expect(badId.body.error.details.issues[0]).toMatchObject({ field: 'id', in: 'param' });
    const badQuery = await t.admin.get('/api/admin/audit?limit=5000');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.details.issues[0]).toMatchObject({ field: 'limit', in: 'query' });
  });
});

describe('audit log', () => {
  it('records who created which user, from which channel, under which request id, and pages newest first', async () => {
    const created = await t.admin.post<CreateUserResponse>('/api/users', { name: 'Dewi' }, { 'x-request-id': 'audit-test-req-1' });
    const page = await t.admin.get<AuditListResponse>('/api/admin/audit?action=user.create&limit=1');
    expect(page.status).toBe(200);
    expect(page.body.entries).toHaveLength(1);
    expect(page.body.entries[0]).toMatchObject({
      action: 'user.create',
      channel: 'api',
      actorRole: 'admin',
      target: { type: 'user', id: created.body.id },
      requestId: 'audit-test-req-1',
    });
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await t.admin.get<AuditListResponse>(`/api/admin/audit?action=user.create&limit=100&cursor=${page.body.nextCursor}`);
    expect(next.body.entries.length).toBeGreaterThan(0);
    expect(next.body.entries.map((e) => e.id)).not.toContain(page.body.entries[0].id);
    const bad = await t.admin.get('/api/admin/audit?cursor=garbage');
    expect(bad.status).toBe(400);
  });

  it('refuses to change or delete audit entries', async () => {
    await expect(t.hub.models.AuditEntry.updateMany({}, { $set: { action: 'x' } })).rejects.toThrow(/append-only/);
    await expect(t.hub.models.AuditEntry.deleteMany({})).rejects.toThrow(/append-only/);
  });

  it('refuses every other mongoose path to change or delete an entry, and still takes new ones', async () => {
    const { AuditEntry } = t.hub.models;
    const entry = await AuditEntry.create({ channel: 'system', action: 'test.append-only' });
    const id = entry._id;

    const loaded = (await AuditEntry.findById(id))!;
    loaded.action = 'test.rewritten';
    await expect(loaded.save()).rejects.toThrow(/append-only \(save of an existing entry refused\)/);
    await expect(loaded.deleteOne()).rejects.toThrow(/append-only/);
    await expect(loaded.updateOne({ $set: { action: 'test.rewritten' } })).rejects.toThrow(/append-only/);
    await expect(AuditEntry.findByIdAndUpdate(id, { $set: { outcome: 'failure' } })).rejects.toThrow(/append-only/);
    await expect(AuditEntry.findByIdAndDelete(id)).rejects.toThrow(/append-only/);
    await expect(AuditEntry.replaceOne({ _id: id }, { channel: 'system', action: 'x' })).rejects.toThrow(/append-only/);

    for (const op of [
      { updateOne: { filter: { _id: id }, update: { $set: { action: 'test.rewritten' } } } },
      { updateMany: { filter: {}, update: { $set: { action: 'test.rewritten' } } } },
      { replaceOne: { filter: { _id: id }, replacement: { channel: 'system', action: 'x' } } },
      { deleteOne: { filter: { _id: id } } },
      { deleteMany: { filter: {} } },
    ]) {
      // An insert beside the forbidden op does not smuggle it through, and is not written either.
      await expect(AuditEntry.bulkWrite([{ insertOne: { document: { channel: 'system', action: 'test.smuggled' } } }, op] as never)).rejects.toThrow(/append-only \(bulkWrite/);
    }
    loaded.action = 'test.bulk-saved';
    await expect(AuditEntry.bulkSave([loaded])).rejects.toThrow(/append-only/);

    const after = await AuditEntry.findById(id).lean();
    expect(after).toMatchObject({ action: 'test.append-only', outcome: 'success' });
    expect(await AuditEntry.countDocuments({ action: 'test.smuggled' })).toBe(0);

    // Appending still works every way.
    await new AuditEntry({ channel: 'system', action: 'test.saved-new' }).save();
    await AuditEntry.insertMany([{ channel: 'system', action: 'test.inserted-many' }]);
    await AuditEntry.bulkWrite([{ insertOne: { document: { channel: 'system', action: 'test.bulk-inserted' } } }]);
    expect(await AuditEntry.countDocuments({ action: { $in: ['test.saved-new', 'test.inserted-many', 'test.bulk-inserted'] } })).toBe(3);
  });
});
