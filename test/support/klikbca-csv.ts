/**
 * Writes a KlikBCA-style mutation CSV (Indonesian header block, 'DD/MM dates without a year, "DB"/"CR" column,
 * running balance, footer totals) of any length to a file, streamed, so tests and the import bench can use
 * realistic files of 1,000 or 1,000,000 rows without holding them in memory.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const MERCHANTS = ['QRIS 9360001430012345 KOPI KENANGAN', 'QRIS 9360008800112233 INDOMARET CIKINI', 'TRSF E-BANKING DB 0101/FTSCY/WS95051', 'SWITCHING CR TRF BANK BRI SITI AMINAH', 'TARIKAN ATM', 'BIAYA ADM', 'KR OTOMATIS LLG-ANZ PT MAJU JAYA GAJI'];

const money = (minor: number) => {
  const whole = Math.floor(minor / 100).toLocaleString('en-US');
  return `"${whole}.${String(minor % 100).padStart(2, '0')}"`;
};

/** Rows spread evenly over 2024 (so each date has rows), each unique by its reference number. */
export async function writeKlikBcaCsv(path: string, rows: number): Promise<{ creditMinor: number; debitMinor: number }> {
  const out = createWriteStream(path);
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  await write('Informasi Rekening - Mutasi Rekening');
  await write("No. rekening,:,'0123456789");
  await write('Nama,:,ANDI WIJAYA');
  await write('Periode,:,01/01/2024 - 31/12/2024');
  await write('Kode Mata Uang,:,Rp');
  await write('');
  await write('Tanggal Transaksi,Keterangan,Cabang,Jumlah,,Saldo');
  const opening = 1_000_000_000_000_00; // Rp1 trillion: the balance stays positive over a million debits
  let balance = opening;
  let creditMinor = 0;
  let debitMinor = 0;
  const perDay = Math.max(1, Math.ceil(rows / 366));
  const jan1 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    const day = new Date(jan1 + Math.floor(i / perDay) * 86_400_000);
    const dd = String(day.getUTCDate()).padStart(2, '0');
    const mm = String(day.getUTCMonth() + 1).padStart(2, '0');
    const credit = i % 5 === 3;
    const amount = ((i * 7919) % 250_000 + 1_000) * 100;
    if (credit) {
      balance += amount;
      creditMinor += amount;
    } else {
      balance -= amount;
      debitMinor += amount;
    }
    await write(`'${dd}/${mm},'${MERCHANTS[i % MERCHANTS.length]} REF${String(i).padStart(8, '0')},'0000,${money(amount)},${credit ? 'CR' : 'DB'},${money(balance)}`);
  }
  await write('');
  await write(`Saldo Awal,:,${money(opening)}`);
  await write(`Mutasi Kredit,:,${money(creditMinor)},${Math.floor((rows + 1) / 5)}`);
  await write(`Mutasi Debet,:,${money(debitMinor)},${rows - Math.floor((rows + 1) / 5)}`);
  await write(`Saldo Akhir,:,${money(balance)}`);
  out.end();
  await once(out, 'finish');
  return { creditMinor, debitMinor };
}
