/**
 * Each import's upload waits on disk until its job runs, so a user may have only a few queued or running at once:
 * the next upload is refused before it is spooled. Jobs do not run in this hub, so queued imports stay queued.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './harness.js';

const FIX = join(import.meta.dirname, 'fixtures/statements');
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ runJobs: false });
});
afterAll(() => t?.stop());

async function upload(apiKey: string, name: string) {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(join(FIX, name))]), name);
  const res = await fetch(`${t.url}/api/data/import`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: form });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const spooled = () => (existsSync(join(t.dataDir, 'imports')) ? readdirSync(join(t.dataDir, 'imports')).length : 0);

it('refuses a sixth queued import with 429 and stores nothing of it; another user is not affected', async () => {
  const user = await t.createUser();
  const files = ['bca-klikbca-id.csv', 'bni-estatement.csv', 'bri.csv', 'cimb-niaga-estatement.csv', 'danamon-estatement.csv'];
  for (const name of files) expect((await upload(user.apiKey, name)).status).toBe(202);
  const onDisk = spooled();
  const jobs = await t.hub.models.ImportJob.countDocuments({});

  const refused = await upload(user.apiKey, 'mandiri-livin.csv');
  expect(refused.status).toBe(429);
  expect(refused.body.error.code).toBe('RATE_LIMITED');
  expect(refused.body.error.message).toMatch(/5 imports waiting or running/);
  expect(refused.headers.get('retry-after')).toBe('30');
  // Nothing of the refused upload was kept: no job, no file.
  expect(await t.hub.models.ImportJob.countDocuments({})).toBe(jobs);
  expect(spooled()).toBe(onDisk);

  // Refused before the body is read: an upload whose body never finishes still gets its 429 (and so the hub never
  // wrote it to disk). Had the route read the body first, this request would hang.
  const boundary = 'limit-test-boundary';
  let hold: () => void = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n${'x'.repeat(64 * 1024)}`));
      hold = () => controller.close();
    },
  });
  const unfinished = await fetch(`${t.url}/api/data/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
    duplex: 'half',
    signal: AbortSignal.timeout(10_000),
  } as RequestInit);
  hold();
  expect(unfinished.status).toBe(429);
  expect(spooled()).toBe(onDisk);

  const other = await t.createUser();
  expect((await upload(other.apiKey, 'mandiri-livin.csv')).status).toBe(202);

  // Once one of them has finished, the next is taken.
  await t.hub.models.ImportJob.updateOne({ userId: user.id, status: 'queued' }, { $set: { status: 'done' } });
  expect((await upload(user.apiKey, 'mandiri-livin.csv')).status).toBe(202);
});
