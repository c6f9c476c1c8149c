/**
 * A new capability is a folder plus one line: this test builds a tiny one (a model, a service, one route, one job
 * and one webhook with its inbox handler) exactly as docs/architecture.md describes, adds it to the module list the
 * hub runs, and drives it through the real HTTP surface, the inbox processor and Agenda.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { Schema, type Connection, type Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob } from '../jobs/define-job.js';
import type { HubEnv } from '../src/http/hub-env.js';
import { safeEqual } from '../src/lib/crypto.js';
import { validationFailed } from '../src/lib/errors.js';
import { defineModule, type ModuleDeps } from '../src/modules/contract.js';
import { hubModules } from '../src/modules/index.js';
import { eventually, startTestHub, type TestHub } from './harness.js';

// models/
interface Note { userId: string; text: string; source: string }
const noteModel = (conn: Connection): Model<Note> =>
  conn.model<Note>('DemoNote', new Schema<Note>({ userId: { type: String, required: true }, text: { type: String, required: true }, source: String }));

// services/
class NoteService {
  constructor(private readonly deps: Pick<ModuleDeps, 'models' | 'jobs'>) {}
  private get notes() {
    return (this.deps.models as unknown as { DemoNote: Model<Note> }).DemoNote;
  }
  add(userId: string, text: string, source: string) {
    return this.notes.create({ userId, text, source });
  }
  async list(userId: string) {
    return (await this.notes.find({ userId }).sort({ _id: 1 }).lean()).map((n) => ({ text: n.text, source: n.source }));
  }
  later(userId: string, text: string) {
    return this.deps.jobs.enqueue('demo.note', { userId, text });
  }
}
type DemoServices = { demoNotes: NoteService };
const demo = (services: unknown) => (services as DemoServices).demoNotes;

// api/routes/
const listRoute = createRoute({
  method: 'get',
  path: '/api/demo/notes',
  responses: { 200: { description: 'notes', content: { 'application/json': { schema: z.object({ notes: z.array(z.object({ text: z.string(), source: z.string() })) }) } } } },
});
const registerListNotes = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(listRoute, async (c) => c.json({ notes: await demo(c.var.services).list(c.var.actor.userId) }, 200));
const laterRoute = createRoute({
  method: 'post',
  path: '/api/demo/notes/later',
  request: { body: { content: { 'application/json': { schema: z.object({ text: z.string().min(1) }) } } } },
  responses: { 202: { description: 'queued', content: { 'application/json': { schema: z.object({ queued: z.boolean() }) } } } },
});
const registerNoteLater = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(laterRoute, async (c) => {
    await demo(c.var.services).later(c.var.actor.userId, c.req.valid('json').text);
    return c.json({ queued: true }, 202);
  });

// jobs/
const noteJob = defineJob({
  name: 'demo.note',
  schema: z.object({ userId: z.string(), text: z.string() }),
  retry: { maxRetries: 1, baseDelayMs: 100, maxDelayMs: 100 },
  handler: async ({ userId, text }, { services }) => void (await demo(services).add(userId, text, 'job')),
});

// the module
const WEBHOOK_TOKEN = 'demo-webhook-token-123';
const demoModule = defineModule({
  name: 'demo',
  models: { DemoNote: noteModel },
  services: (deps) => ({ demoNotes: new NoteService(deps) }) as never,
  routes: [registerListNotes, registerNoteLater],
  jobs: [noteJob],
  webhooks: () => [
    {
      provider: 'demo',
      kind: 'demo-note',
      path: '/webhooks/demo/:channel',
      body: 'form',
      verify: ({ headers }) => safeEqual(headers.get('x-demo-token') ?? '', WEBHOOK_TOKEN),
      normalize: (parsed, request) => {
        const form = parsed as Record<string, string>;
        if (!form.id || !form.user || !form.text) throw validationFailed([{ field: 'text', reason: 'id, user and text are required' }]);
        return { eventKey: form.id, user: form.user, text: `${request.params.channel}: ${form.text}` };
      },
      acknowledge: (c) => c.body(null, 204),
    },
  ],
  inboxHandlers: (services) => ({
    'demo-note': async (event) => {
      const { user, text } = event.normalized as { user: string; text: string };
      await demo(services).add(user, text, 'webhook');
      return { status: 'applied', outcome: 'note added' };
    },
  }),
});

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ hubOptions: { modules: [...hubModules, demoModule] } });
});
afterAll(async () => t?.stop());

describe('a capability added as a module', () => {
  it('serves its route behind the shared auth, and its job runs on Agenda', async () => {
    expect((await t.anonymous.get('/api/demo/notes')).status).toBe(401);
    const user = await t.createUser();
    expect((await user.client.post('/api/demo/notes/later', { text: '' })).status).toBe(400);
    expect((await user.client.post('/api/demo/notes/later', { text: 'beli beras' })).status).toBe(202);
    const notes = await eventually(() => user.client.get('/api/demo/notes'), (r) => r.body.notes.length === 1);
    expect(notes.body.notes).toEqual([{ text: 'beli beras', source: 'job' }]);
  });

  it('takes its webhook through the shared intake: verified, parsed as a form, stored once, applied by its handler, answered its own way', async () => {
    const user = await t.createUser();
    const body = new URLSearchParams({ id: 'evt-1', user: user.id, text: 'gaji masuk' }).toString();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await t.anonymous.post('/webhooks/demo/sms', body, { ...form, 'x-demo-token': 'wrong' })).status).toBe(401);
    const first = await t.anonymous.post('/webhooks/demo/sms', body, { ...form, 'x-demo-token': WEBHOOK_TOKEN });
    const again = await t.anonymous.post('/webhooks/demo/sms', body, { ...form, 'x-demo-token': WEBHOOK_TOKEN });
    expect([first.status, again.status]).toEqual([204, 204]);
    await t.hub.inboxProcessor.drain();
    const notes = await user.client.get('/api/demo/notes');
    expect(notes.body.notes).toEqual([{ text: 'sms: gaji masuk', source: 'webhook' }]);
    const inbox = await t.admin.get('/api/admin/webhooks?provider=demo');
    expect(inbox.body.events.map((e: { status: string }) => e.status)).toEqual(['applied']);
  });

  it('appears in the OpenAPI document with the core routes', async () => {
    const doc = await t.anonymous.get('/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/demo/notes', '/api/demo/notes/later', '/api/payment/process', '/api/users/me']));
  });
});
