/**
 * A charge claimed by a process that died is resolved within minutes (issue 16 §3). The first hub is a real child
 * process (`node --import tsx src/main.ts`) with the test hook PAYMENT_TEST_EXIT_AFTER_CLAIM, so it kills itself
 * (SIGKILL: no shutdown, no cleanup) right after writing a charge claim and before calling the provider. A second
 * hub on the same database and DATA_DIR then lets its clock pass the claim's lease and runs reconciliation:
 *   - Midtrans (deduplicates by order_id): nothing there, so the charge is sent again, exactly once;
 *   - a Xendit invoice (external_id is not unique): nothing there, and a second call could charge twice, so the
 *     payment needs attention: the user is told, it is audited, and admins can list it.
 * The simulators run in this test process, so both hubs talk to the same ones (as to a real provider).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMidtransSandbox, type MidtransSandbox } from '../sandbox/midtrans/index.js';
import { startXenditSandbox, type XenditSandbox } from '../sandbox/xendit/index.js';
import { ManualClock } from '../src/lib/clock.js';
import type { PaymentMethod } from '../src/modules/payments/providers/types.js';
import { CHARGE_CLAIM_LEASE_MS } from '../src/modules/payments/services/charge-claim.js';
import { ApiClient, startTestHub, type TestHub } from './harness.js';

const adminKey = `admin-${randomBytes(16).toString('hex')}`;
const dbName = `t_${randomBytes(6).toString('hex')}`;
let dataDir: string;
let midtrans: MidtransSandbox;
let xendit: XenditSandbox;
let providerEnv: Record<string, string>;
let second: TestHub | undefined;
const clock = new ManualClock();
const children: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'swh-claim-'));
  const serverKey = `SB-Mid-server-claim-${randomBytes(8).toString('hex')}`;
  const secretKey = `xnd_development_claim_${randomBytes(8).toString('hex')}`;
  const callbackToken = randomBytes(16).toString('hex');
  midtrans = await startMidtransSandbox({ serverKey, settleMs: 0 });
  xendit = await startXenditSandbox({ secretKey, callbackToken, settleMs: 0 });
  providerEnv = {
    MIDTRANS_SERVER_KEY: serverKey,
    MIDTRANS_BASE_URL: midtrans.url,
    XENDIT_SECRET_KEY: secretKey,
    XENDIT_CALLBACK_TOKEN: callbackToken,
    XENDIT_BASE_URL: xendit.url,
    ADMIN_API_KEY: adminKey,
  };
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await second?.stop();
  await midtrans?.stop();
  await xendit?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `npm start`'s entry point as a child process that dies right after its first charge claim. */
async function startDoomedHub(): Promise<{ client: ApiClient; exited: Promise<NodeJS.Signals | number | null> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: String(port),
      MONGODB_URI: `${inject('mongoUri').replace(/\/?$/, '/')}${dbName}`,
      DATA_DIR: dataDir,
      SANDBOX_SETTLE_MS: '0',
      JOBS_POLL_MS: '100',
      PAYMENT_TEST_EXIT_AFTER_CLAIM: 'true',
      ...providerEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const client = new ApiClient(`http://127.0.0.1:${port}`, adminKey);
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the child hub exited at start: ${stderr}`);
    const ready = await client.get('/ready').catch(() => undefined);
    if (ready?.status === 200) return { client, exited };
    if (Date.now() - started > 30_000) throw new Error(`the child hub did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Posts a payment to a hub that dies while making it; resolves once the process is gone. */
async function payAndDie(body: object, userKey: string): Promise<void> {
  const doomed = await startDoomedHub();
  const res = await doomed.client
    .withKey(userKey)
    .post('/api/payment/process', body, { 'idempotency-key': `claim-${randomBytes(4).toString('hex')}` })
    .catch((err: Error) => err);
  expect(res).toBeInstanceOf(Error); // the connection died with the process: no answer was ever given
  expect(await doomed.exited).toBe('SIGKILL');
}

describe('a charge claimed by a process that died', () => {
  let userId: string;
  let userKey: string;

  beforeAll(async () => {
    // The surviving hub: same database and DATA_DIR, its own clock (which only moves when the test says so, so
    // its own reconciliation job cannot take the claims over before the test looks at them).
    second = await startTestHub({ dbName, dataDir, env: providerEnv, hubOptions: { clock } });
    ({ id: userId, apiKey: userKey } = await second.createUser('Claim Recovery'));

    await payAndDie({ method: 'va_bca', provider: 'midtrans', amountMinor: 15_000_000, description: 'Midtrans after a crash' }, userKey);
    await payAndDie({ method: 'invoice', amountMinor: 25_000_000, description: 'Xendit invoice after a crash' }, userKey);
  });

  const paymentBy = (method: PaymentMethod) => second!.hub.models.Payment.findOne({ userId: new Types.ObjectId(userId), method }).lean();

  it('left both charges claimed and unsent, and nothing reached either provider', async () => {
    for (const method of ['va_bca', 'invoice'] as const) {
      const doc = await paymentBy(method);
      expect(doc).toMatchObject({ status: 'pending', chargeState: 'not_sent' });
      expect(doc!.chargeClaimedAt).toBeInstanceOf(Date);
      expect(doc!.chargeClaimUntil!.getTime() - doc!.chargeClaimedAt!.getTime()).toBe(CHARGE_CLAIM_LEASE_MS);
    }
    expect(midtrans.chargeRequests).toBe(0);
  });

  it('does nothing while the claim holds, then resolves both once it runs out', async () => {
    await second!.hub.services.payments.reconcileStale();
    expect((await paymentBy('va_bca'))!.chargeState).toBe('not_sent');
    expect(midtrans.chargeRequests).toBe(0);

    await clock.advance(CHARGE_CLAIM_LEASE_MS + 60_000);
    await second!.hub.services.payments.reconcileStale();

    // Midtrans: looked up by order_id (not there), sent again once, accepted.
    const viaMidtrans = (await paymentBy('va_bca'))!;
    expect(viaMidtrans.chargeState).toBe('accepted');
    expect(viaMidtrans.instructions).toMatchObject({ kind: 'virtual_account' });
    expect(midtrans.chargeRequests).toBe(1);
    expect(midtrans.transactions.filter((tx) => tx.order_id === viaMidtrans.orderId)).toHaveLength(1);

    // Xendit invoice: not there, and a second create could make a second invoice, so a person decides.
    const viaXendit = (await paymentBy('invoice'))!;
    expect(viaXendit).toMatchObject({ status: 'pending', chargeState: 'needs_attention' });
    expect(viaXendit.attention!.reason).toMatch(/xendit has no charge for order .*could charge twice/);
    expect(xendit.payments.filter((p) => p.referenceId === viaXendit.orderId)).toHaveLength(0);

    // Another round changes nothing: no second send, no second notice.
    await clock.advance(5 * 60_000);
    await second!.hub.services.payments.reconcileStale();
    expect(midtrans.chargeRequests).toBe(1);
    expect((await paymentBy('invoice'))!.chargeState).toBe('needs_attention');
  });

  it('tells the user, audits it, and lists it for admins', async () => {
    const invoice = (await paymentBy('invoice'))!;
    const user = second!.anonymous.withKey(userKey);
    const notes = await user.get<{ notifications: { kind: string; data: { paymentId: string } }[] }>('/api/notifications');
    expect(notes.body.notifications.filter((n) => n.kind === 'payment.needs_attention').map((n) => n.data.paymentId)).toEqual([String(invoice._id)]);

    const listed = await second!.admin.get<{ payments: { id: string; chargeState: string; attention: { reason: string } }[] }>('/api/admin/payments/attention');
    expect(listed.status).toBe(200);
    expect(listed.body.payments.map((p) => p.id)).toEqual([String(invoice._id)]);
    expect(listed.body.payments[0]!.attention.reason).toContain('could charge twice');
    expect((await user.get('/api/admin/payments/attention')).status).toBe(403);

    const audit = await second!.hub.models.AuditEntry.find({ action: 'payment.needs_attention' }).lean();
    expect(audit.map((a) => a.targetId)).toEqual([String(invoice._id)]);

    // The payment itself says so, and cannot be cancelled from under the person checking it.
    const view = await user.get(`/api/payment/${invoice._id}`);
    expect(view.body.attention.reason).toContain('could charge twice');
    expect((await user.post(`/api/payment/${invoice._id}/cancel`)).status).toBe(409);
  });
});
