/**
 * Statement import as users with real files meet it, through the real HTTP surface: a KlikBCA CSV re-saved by Excel
 * on Indonesian Windows (Indonesian numbers in a layout that normally prints US ones), typed rupiah (`Rp 25.000,-`),
 * JSON with UTC timestamps near midnight Jakarta, the same statement uploaded twice without an account id, a
 * statement of an account the bank capability already synced, and a statement of another account sent to the wrong one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestHub } from './harness.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => t?.stop());

async function upload(apiKey: string, path: string, name: string, content: string | Buffer, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([content]), name);
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

async function importAndWait(user: { apiKey: string; client: TestHub['admin'] }, name: string, content: string | Buffer, fields: Record<string, string> = {}) {
  const started = await upload(user.apiKey, '/api/data/import', name, content, fields);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const done = await eventually(() => user.client.get(`/api/data/import/${started.body.id}`), (r) => r.body.status === 'done' || r.body.status === 'failed');
  return { ...done.body, accountId: started.body.accountId };
}

const klikbca = (accountNo: string, rows: string[]) =>
  [
    'Informasi Rekening - Mutasi Rekening',
    `No. rekening,:,'${accountNo}`,
    'Nama,:,ANDI WIJAYA',
    'Periode,:,01/12/2024 - 31/12/2024',
    'Kode Mata Uang,:,Rp',
    '',
    'Tanggal Transaksi,Keterangan,Cabang,Jumlah,,Saldo',
    ...rows,
  ].join('\r\n');

describe('amounts as Indonesian files write them', () => {
  it('a KlikBCA CSV re-saved with Indonesian numbers keeps its rupiah (not a thousandth of them)', async () => {
    const user = await t.createUser();
    const csv = klikbca('0123456789', [
      "'16/12,'TRSF E-BANKING DB 1612 ANDI,'0000,\"150.000,00\",DB,\"9.850.000,00\"",
      "'18/12,'KR OTOMATIS GAJI DES,'0998,\"12.500.000,00\",CR,\"22.350.000,00\"",
    ]);
    const dry = await upload(user.apiKey, '/api/data/validate', 'mutasi.csv', csv);
    expect(dry.status).toBe(200);
    expect(dry.body.rows.map((r: any) => [r.amountMinor, r.balanceMinor])).toEqual([
      [-15_000_000, 985_000_000],
      [1_250_000_000, 2_235_000_000],
    ]);
  });

  it('"Rp 25.000,-" is twenty-five thousand rupiah spent or received as written, not a rejected row', async () => {
    const user = await t.createUser();
    const csv = ['Tanggal,Keterangan,Jumlah', '05/12/2024,Makan siang,"-Rp 25.000,-"', '06/12/2024,Uang kembali,"Rp 10.000,-"'].join('\n');
    const dry = await upload(user.apiKey, '/api/data/validate', 'catatan.csv', csv);
    expect(dry.status).toBe(200);
    expect(dry.body.errors).toEqual([]);
    expect(dry.body.rows.map((r: any) => r.amountMinor)).toEqual([-2_500_000, 1_000_000]);
  });
});

describe('dates near midnight Jakarta', () => {
  it('a JSON timestamp in UTC is booked on its Jakarta day', async () => {
    const user = await t.createUser();
    const json = JSON.stringify([
      // 18:30 UTC on the 17th is 01:30 on the 18th in Jakarta.
      { bookedAt: '2024-12-17T18:30:00.000Z', description: 'GRAB FOOD', amount: '-45000.00' },
      { date: '2024-12-17T23:10:00+07:00', description: 'INDOMARET', amount: '-12000' },
      { date: '2024-12-17', description: 'GAJI', amount: '5000000' },
    ]);
    const dry = await upload(user.apiKey, '/api/data/validate', 'app-export.json', json);
    expect(dry.status).toBe(200);
    expect(dry.body.rows.map((r: any) => r.date)).toEqual(['2024-12-18', '2024-12-17', '2024-12-17']);
  });
});

describe('which account a statement lands in', () => {
  const rows = ["'16/12,'TRSF E-BANKING DB ANDI,'0000,150000.00,DB,9850000.00", "'18/12,'KR OTOMATIS GAJI DES,'0998,\"12,500,000.00\",CR,\"22,350,000.00\""];

  it('the same statement uploaded again without an account id (or a retried request) adds nothing', async () => {
    const user = await t.createUser();
    const csv = klikbca('0123456789', rows);
    const first = await importAndWait(user, 'mutasi.csv', csv);
    expect(first).toMatchObject({ status: 'done', imported: 2 });
    // The dry run says what the import will do: it compares with the account the statement names.
    const dry = await upload(user.apiKey, '/api/data/validate', 'mutasi (1).csv', csv);
    expect(dry.body).toMatchObject({ accountId: first.accountId, summary: { valid: 2, duplicates: 2 } });
    const again = await importAndWait(user, 'mutasi (1).csv', csv);
    expect(again).toMatchObject({ status: 'done', imported: 0, duplicates: 2 });
    expect(again.accountId).toBe(first.accountId);
    const all = await user.client.get('/api/data/export?format=json');
    expect(all.body).toHaveLength(2);
  });

  it('a statement of an account the bank sync already holds lands in that account, and its rows are not doubled', async () => {
    const user = await t.createUser();
    const sim = t.hub.sandboxes.bca!.createAccount('BCA', { days: 5, name: 'ANDI WIJAYA' });
    const connected = await user.client.post('/api/bank/connect', { bank: 'BCA', accountNumber: sim.accountNo });
    expect(connected.status).toBe(201);
    const accountId = connected.body.account.id;
    const sync = await user.client.post(`/api/bank/sync/${accountId}`);
    expect(sync.body.status).toBe('succeeded');
    const synced = await user.client.get(`/api/data/export?format=json&accountId=${accountId}`);
    expect(synced.body.length).toBeGreaterThan(0);
    // The same rows as the bank's own CSV would print them.
    const lines = synced.body.map((r: any) => {
      const [y, m, d] = r.date.split('-');
      const amount = (Math.abs(r.amountMinor) / 100).toFixed(2);
      return `'${d}/${m}/${y},'${r.description.replace(/,/g, ' ')},'0000,${amount},${r.amountMinor < 0 ? 'DB' : 'CR'},`;
    });
    const from = synced.body[0].date.split('-').reverse().join('/');
    const to = synced.body[synced.body.length - 1].date.split('-').reverse().join('/');
    const csv = klikbca(sim.accountNo, lines).replace('01/12/2024 - 31/12/2024', `${from} - ${to}`);
    const imported = await importAndWait(user, 'mutasi.csv', csv);
    expect(imported).toMatchObject({ status: 'done', imported: 0, duplicates: synced.body.length });
    expect(imported.accountId).toBe(accountId);
    expect((await user.client.get('/api/data/export?format=json')).body).toHaveLength(synced.body.length);
  });

  it('Mandiri MCM names its account on every row: two accounts stay two, and the same file again adds nothing', async () => {
    const user = await t.createUser();
    const mcm = (accountNo: string) =>
      [
        'Account No,Date,Val. Date,Transaction Code,Description,Description,Reference No.,Debit,Credit',
        `${accountNo},02/01/25,02/01/25,7101,"MCM InhouseTrf","KE 1370012345678 PT ANUGERAH","MCM2501020001","453,684.00",.00`,
        `${accountNo},06/01/25,06/01/25,7102,"Biaya Transfer SKN","","","2,900.00",.00`,
      ].join('\r\n');
    const operasional = await importAndWait(user, 'mcm.csv', mcm('1230004567890'));
    const payroll = await importAndWait(user, 'mcm.csv', mcm('1230009999999'));
    expect([operasional.imported, payroll.imported]).toEqual([2, 2]);
    expect(payroll.accountId).not.toBe(operasional.accountId);
    const again = await importAndWait(user, 'mcm.csv', mcm('1230004567890'));
    expect(again).toMatchObject({ accountId: operasional.accountId, imported: 0, duplicates: 2 });
  });

  it('a statement that names another account number is refused for an account whose number is known, and changes nothing', async () => {
    const user = await t.createUser();
    const mine = await importAndWait(user, 'bca.csv', klikbca('0123456789', rows));
    expect(mine.status).toBe('done');
    const other = klikbca('9876543210', ["'20/12,'TARIKAN ATM,'0061,\"1,000,000.00\",DB,\"21,350,000.00\""]);
    const wrong = await upload(user.apiKey, '/api/data/import', 'istri.csv', other, { accountId: mine.accountId });
    expect(wrong.status).toBe(422);
    expect(JSON.stringify(wrong.body.error)).toContain('accountId');
    expect((await user.client.get('/api/data/export?format=json')).body).toHaveLength(2);
    expect(await t.hub.models.ImportJob.countDocuments({ userId: user.id })).toBe(1);
  });
});
