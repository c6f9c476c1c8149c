/**
 * A hub restarted on the same DATA_DIR and database talks to bank simulators with the same keys, as `npm start`
 * after a restart does. The simulators keep no state, though: an account bound in the earlier run is unknown to the
 * restarted bank, which answers as a bank that dropped the binding (401xx04, customer token not found). An OTP
 * binding has no refresh token, so the consent has ended: the sync says to connect again, and connecting again
 * (history kept) heals it.
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

it('keeps the bank keys across a restart; an account bound before it is told its consent ended and connects again', async () => {
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
  expect(stale.status).toBe(409);
  expect(stale.body.error.message).toMatch(/your consent at BCA has ended; connect this account again/);
  const notes = (await client.get('/api/notifications')).body.notifications as { kind: string }[];
  expect(notes.filter((n) => n.kind === 'bank.consent_expired')).toHaveLength(1);

  // No disconnect needed: the ended consent is not active, so connecting asks the bank again.
  const reconnected = await client.post('/api/bank/connect', { bank: 'BCA', accountNumber: '0611104625' });
  expect(reconnected.status).toBe(201);
  expect(reconnected.body.account.id).toBe(id);
  const healed = await client.post(`/api/bank/sync/${id}`);
  expect(healed.body).toMatchObject({ status: 'succeeded', new: 0, errors: 0 });
  expect(healed.body.duplicates).toBe(healed.body.fetched);
});
