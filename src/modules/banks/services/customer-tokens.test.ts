/**
 * Renewing a holder's token when two hub processes find it ended at once. Banks rotate refresh tokens, so the one
 * that asks second is refused while the consent is alive: it must read back the winner's token, not end the
 * consent. Two CustomerTokens (one per process) over the same database and the SNAP simulator as the bank.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import mongoose, { Types, type Connection } from 'mongoose';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startSnapBankSandbox, type SnapBankSandbox } from '../../../../sandbox/snap-bank/index.js';
import { FieldCipher, encryptionKeyFromBase64 } from '../../../lib/crypto.js';
import { bankConnectionModel, type BankConnectionModel } from '../models/bank-connection.js';
import { BANK_PROFILES } from '../providers/profiles.js';
import { SnapClient } from '../providers/snap/client.js';
import { CustomerTokens } from './customer-tokens.js';

const hubKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const credentials = { clientKey: 'hub-client', clientSecret: 'hub-secret-value', privateKey: hubKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
const cipher = new FieldCipher(encryptionKeyFromBase64(randomBytes(32).toString('base64')));
let sandbox: SnapBankSandbox;
let conn: Connection;
let connections: BankConnectionModel;

beforeAll(async () => {
  conn = await mongoose.createConnection(inject('mongoUri'), { dbName: `banks_tokens_${process.pid}` }).asPromise();
  connections = bankConnectionModel(conn);
  await connections.init();
  sandbox = await startSnapBankSandbox({ partner: { ...credentials, publicKey: hubKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString() }, seed: 'tokens', retryDelaysMs: [] });
});
afterAll(async () => {
  await sandbox?.stop();
  await conn?.dropDatabase();
  await conn?.close();
});

/** Each process has its own client, as two hub processes would. */
const clientOf = () => new SnapClient({ profile: BANK_PROFILES.MANDIRI, baseUrl: sandbox.baseUrlFor('MANDIRI'), credentials, timeoutMs: 2000, retries: 0, retryDelayMs: 5 });

/** A consent by redirect, the holder approving on the bank's page: the tokens the code is exchanged for. */
async function consent(client: SnapClient, accountNo: string) {
  const binding = await client.bindAccount({ accountNo, redirect: { url: 'http://127.0.0.1:9/back', state: 'state-for-the-test', asked: true } });
  if (binding.status !== 'redirect') throw new Error(`expected a consent page, got ${binding.status}`);
  const approved = await fetch(binding.redirectUrl, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }), redirect: 'manual' });
  const authCode = new URL(approved.headers.get('location')!).searchParams.get('authCode')!;
  return client.exchangeAuthCode({ authCode });
}

it('two processes renewing the same ended token: one renews, the other reads its token back; the consent stays', async () => {
  const [clientA, clientB] = [clientOf(), clientOf()];
  try {
    const account = sandbox.createAccount('MANDIRI', { days: 3 });
    const bound = await consent(clientA, account.accountNo);
    const connection = await connections.create({
      userId: new Types.ObjectId(),
      bank: 'MANDIRI',
      accountId: new Types.ObjectId(),
      accountNumberHash: 'hash',
      accountNumberSealed: cipher.encrypt(account.accountNo),
      status: 'active',
      accountTokenSealed: cipher.encrypt(bound.accountToken),
      accountTokenExpiresAt: bound.tokenExpiresAt,
      refreshTokenSealed: cipher.encrypt(bound.refreshToken!),
      consecutiveFailures: 0,
    });
    const ended: string[] = [];
    const processOf = () => new CustomerTokens({ connections, cipher, now: () => new Date(), onConsentExpired: async (c) => void ended.push(String(c._id)) });
    const [a, b] = [processOf(), processOf()];
    sandbox.expireCustomerTokens();

    const doc = connection.toObject();
    // The race, made certain: both have read the connection (the same refresh token) before either asks the bank;
    // A asks first and stores its renewal, then B asks with the spent refresh token. The bank answers both.
    let aRenewed!: () => void;
    let bHasRead!: () => void;
    const aDone = new Promise<void>((resolve) => (aRenewed = resolve));
    const bRead = new Promise<void>((resolve) => (bHasRead = resolve));
    const refreshAtBankA = clientA.refreshCustomerToken.bind(clientA);
    const refreshAtBankB = clientB.refreshCustomerToken.bind(clientB);
    clientA.refreshCustomerToken = async (input) => {
      await bRead;
      return refreshAtBankA(input);
    };
    clientB.refreshCustomerToken = async (input) => {
      bHasRead();
      await aDone;
      return refreshAtBankB(input);
    };
    const balances = await Promise.all([
      a.withToken(clientA, doc, (token) => clientA.balanceInquiry({ accountNo: account.accountNo, accountToken: token })).finally(() => aRenewed()),
      b.withToken(clientB, doc, (token) => clientB.balanceInquiry({ accountNo: account.accountNo, accountToken: token })),
    ]);
    expect(balances.map((x) => x.balanceMinor)).toEqual([account.balanceMinor, account.balanceMinor]);
    // The bank renewed once more than it refused: one of the two asked with a refresh token already spent.
    expect(sandbox.stats.rejected['4017402']).toBe(1);
    expect(ended).toEqual([]);
    const after = (await connections.findById(connection._id).lean())!;
    expect(after.status).toBe('active');
    expect(cipher.decrypt(after.accountTokenSealed!)).not.toBe(bound.accountToken);
  } finally {
    clientA.shutdown();
    clientB.shutdown();
  }
});
