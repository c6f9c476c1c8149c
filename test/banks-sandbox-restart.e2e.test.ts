/**
 * A hub restarted on the same DATA_DIR and database talks to bank simulators with the same keys, as `npm start`
 * after a restart does. The simulators keep no state, though: an account bound in the earlier run is unknown to the
 * restarted bank, so its sync fails naming that, and disconnecting and connecting it again (history kept) heals it.
 */
import { rm } from 'node:fs/promises';
import { afterAll, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './harness.js';

const hubs: TestHub[] = [];
let dataDir: string | undefined;
afterAll(async () => {
  for (const hub of hubs.reverse()) await hub.stop();
  // The restarted hub was handed this DATA_DIR, so its stop leaves it.
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('keeps the bank keys across a restart; an account bound before it must be connected again', async () => {
  const first = await startTestHub();
  hubs.push(first);
  dataDir = first.dataDir;
  const bankKey = first.hub.sandboxes.bca!.publicKey;
  const user = await first.createUser();
  const connected = await user.client.post('/api/bank/connect', { bank: 'BCA', accountNumber: '0611104625' });
  expect(connected.status).toBe(201);
  const id = connected.body.account.id;
  const synced = await user.client.post(`/api/bank/sync/${id}`);
  expect(synced.body).toMatchObject({ status: 'succeeded' });
  expect(synced.body.new).toBeGreaterThan(0);
  await first.stop({ cleanup: false });
  hubs.pop();

  const again = await startTestHub({ dbName: first.dbName, dataDir: first.dataDir });
  hubs.push(again);
  expect(again.hub.sandboxes.bca!.publicKey).toBe(bankKey);
  const client = again.anonymous.withKey(user.apiKey);

  // The partner keys still work (the hub gets its B2B token); the account's binding is what the bank forgot.
  const stale = await client.post(`/api/bank/sync/${id}`);
  expect(stale.status).toBe(503);
  expect(stale.body.error.message).toMatch(/BCA: Unauthorized\. \[Account not bound to this partner\]/);

  expect((await client.delete(`/api/bank/disconnect/${id}`)).status).toBe(200);
  const reconnected = await client.post('/api/bank/connect', { bank: 'BCA', accountNumber: '0611104625' });
  expect(reconnected.status).toBe(201);
  expect(reconnected.body.account.id).toBe(id);
  const healed = await client.post(`/api/bank/sync/${id}`);
  expect(healed.body).toMatchObject({ status: 'succeeded', new: 0, errors: 0 });
  expect(healed.body.duplicates).toBe(healed.body.fetched);
});
