/**
 * Each of the six bank adapters through the one SNAP client against the SNAP bank simulator over loopback HTTP:
 * token, account binding, balance, a multi-page multi-window statement that matches the bank's journal entry for
 * entry, and each bank's quirks (paths, channel ids, accountInfos form, remark layout, ids, C/D spelling).
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_BANK_BEHAVIOUR, startSnapBankSandbox, type SnapBankSandbox, type SimBankCode } from '../../../../sandbox/snap-bank/index.js';
import { BANK_PROFILES } from './profiles.js';
import { SnapClient } from './snap/client.js';
import type { BankCode } from './snap/types.js';

const hubKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const credentials = { clientKey: 'hub-client', clientSecret: 'hub-secret-value', privateKey: hubKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), partnerId: 'HUBCORP01' };
let sandbox: SnapBankSandbox;
const clients: SnapClient[] = [];

beforeAll(async () => {
  sandbox = await startSnapBankSandbox({ partner: { clientKey: credentials.clientKey, clientSecret: credentials.clientSecret, publicKey: hubKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), partnerId: credentials.partnerId }, seed: 'adapters' });
});
afterAll(async () => {
  for (const c of clients) c.shutdown();
  await sandbox?.stop();
});

const clientFor = (bank: BankCode) => {
  const client = new SnapClient({ profile: BANK_PROFILES[bank], baseUrl: sandbox.baseUrlFor(bank), credentials, timeoutMs: 2000, retries: 1, retryDelayMs: 10 });
  clients.push(client);
  return client;
};

describe.each(Object.keys(BANK_PROFILES) as BankCode[])('%s adapter', (bank) => {
  it('binds an account, reads its balance and its whole statement across windows and pages', async () => {
    const account = sandbox.createAccount(bank as SimBankCode, { days: 12, perDay: 25, name: 'DEWI LESTARI', seed: `adapter:${bank}`, startingBalanceMinor: 5_000_000_000 });
    const client = clientFor(bank);

    const binding = await client.bindAccount({ accountNo: account.accountNo });
    expect(binding.status).toBe('bound');
    const accountToken = binding.status === 'bound' ? binding.accountToken : '';

    const balance = await client.balanceInquiry({ accountNo: account.accountNo, accountToken });
    expect(balance).toMatchObject({ accountNo: account.accountNo, name: 'DEWI LESTARI', currency: 'IDR', balanceMinor: account.balanceMinor, availableBalanceMinor: account.balanceMinor });

    const from = new Date(Date.now() - 10 * 86_400_000);
    const to = new Date();
    const statement = await client.bankStatement({ accountNo: account.accountNo, accountToken, from, to });
    const expected = account.transactions.filter((t) => t.at >= new Date(Math.floor(from.getTime() / 1000) * 1000) && t.at <= to);
    expect(expected.length).toBeGreaterThan(BANK_PROFILES[bank].statementPageSize);
    expect(statement.entries.map((e) => [e.bookedAt.toISOString(), e.amountMinor, e.balanceMinor])).toEqual(expected.map((t) => [t.at.toISOString(), t.amountMinor, t.balanceAfterMinor]));
    // CIMB spells types C/D, the others CREDIT/DEBIT: the signed amounts above matching the journal covers both.
    // More pages than windows means paging really happened inside at least one window.
    expect(statement.pages).toBeGreaterThan(Math.ceil(10 / BANK_PROFILES[bank].maxStatementDays));
    expect(statement.endingBalanceMinor).toBe(expected[expected.length - 1].balanceAfterMinor);
    expect(client.tokensIssued).toBe(1);

    const sample = statement.entries.find((e) => e.description.startsWith('QRIS PAYMENT') || e.description.startsWith('DEBIT POS'));
    expect(sample?.amountMinor).toBeLessThan(0);
    expect(statement.entries.some((e) => e.amountMinor > 0)).toBe(true);
  });
});

describe('bank quirks', () => {
  it('BCA: 36-character remarks are read as two halves, no entry id (content fingerprint dedupes)', async () => {
    const account = sandbox.createAccount('BCA', { days: 2, transactions: [] });
    const client = clientFor('BCA');
    const bound = await client.bindAccount({ accountNo: account.accountNo });
    await sandbox.addTransaction('BCA', account.accountNo, { amountMinor: -15_000_000, parts: ['TRSF E-BANKING DB', '0112/FTSCY/WS95051'] });
    const { entries } = await client.bankStatement({ accountNo: account.accountNo, accountToken: bound.status === 'bound' ? bound.accountToken : '', from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 5000) });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ description: 'TRSF E-BANKING DB 0112/FTSCY/WS95051', amountMinor: -15_000_000, externalId: undefined });
  });

  it.each([
    ['BRI', 'transactionId'],
    ['MANDIRI', 'referenceNumber'],
    ['CIMB', 'transactionId'],
    ['BNI', 'transactionId'],
  ] as const)('%s: entries carry the bank id from %s', async (bank, field) => {
    expect(SIM_BANK_BEHAVIOUR[bank].idField).toBe(field);
    const account = sandbox.createAccount(bank, { days: 1, transactions: [] });
    const client = clientFor(bank);
    const bound = await client.bindAccount({ accountNo: account.accountNo });
    const credit = await sandbox.addTransaction(bank, account.accountNo, { amountMinor: 1_250_000_000, parts: ['GAJI', 'PT MAJU JAYA ABADI'] });
    const { entries } = await client.bankStatement({ accountNo: account.accountNo, accountToken: bound.status === 'bound' ? bound.accountToken : '', from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 5000) });
    expect(entries).toEqual([expect.objectContaining({ externalId: credit.id, amountMinor: 1_250_000_000, description: 'GAJI PT MAJU JAYA ABADI' })]);
  });

  it('a profile with the wrong channel id or path is refused by the bank (the simulator judges, it does not echo)', async () => {
    const account = sandbox.createAccount('BRI', { days: 1 });
    const wrongChannel = new SnapClient({ profile: { ...BANK_PROFILES.BRI, channelId: '95051' }, baseUrl: sandbox.baseUrlFor('BRI'), credentials, retries: 0 });
    clients.push(wrongChannel);
    await expect(wrongChannel.bindAccount({ accountNo: account.accountNo })).rejects.toMatchObject({ kind: 'bad_request', responseCode: { raw: '4000702' } });
    const wrongVersion = new SnapClient({ profile: { ...BANK_PROFILES.BRI, paths: { ...BANK_PROFILES.BRI.paths, statement: '/snap/v1.0/bank-statement' } }, baseUrl: sandbox.baseUrlFor('BRI'), credentials, retries: 0 });
    clients.push(wrongVersion);
    await expect(wrongVersion.bankStatement({ accountNo: account.accountNo, from: new Date(Date.now() - 60_000), to: new Date() })).rejects.toMatchObject({ kind: 'bad_request' });
  });
});
