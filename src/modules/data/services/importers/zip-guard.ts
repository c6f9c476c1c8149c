/**
 * Reads a zip's central directory (the index at the end of the file) to refuse a zip bomb before anything is
 * inflated: too much declared uncompressed data, an entry compressed beyond any real spreadsheet, or ZIP64 sizes
 * (no honest statement needs 4 GB). The streaming reader never inflates more than these declared sizes allow for
 * a spreadsheet it accepts; the row and column caps in the XLSX reader back this up for a lying directory.
 */
import { LIMITS, StatementFileError } from '../model.js';
import { createInflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';
import { readRange, type StatementSource } from '../source.js';

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** 0 stored, 8 deflated (the only two an XLSX uses). */
  method: number;
  /** Where the entry's local header starts; its data follows that header. */
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

export async function readZipDirectory(source: StatementSource): Promise<ZipEntry[]> {
  const tailLength = Math.min(source.size, 22 + 0xffff);
  const tail = await readRange(source, source.size - tailLength, source.size);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new StatementFileError('UNPROCESSABLE', 'the spreadsheet is not a complete XLSX (zip) file');
  const count = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw new StatementFileError('UNPROCESSABLE', 'ZIP64 spreadsheets are not accepted: save it again as a normal XLSX');
  if (dirOffset + dirSize > source.size) throw new StatementFileError('UNPROCESSABLE', 'the XLSX zip directory points outside the file');
  const dir = await readRange(source, dirOffset, dirOffset + dirSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL_SIGNATURE) throw new StatementFileError('UNPROCESSABLE', 'the XLSX zip directory is corrupt');
    const method = dir.readUInt16LE(p + 10);
    const compressedSize = dir.readUInt32LE(p + 20);
    const uncompressedSize = dir.readUInt32LE(p + 24);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    const localHeaderOffset = dir.readUInt32LE(p + 42);
    const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
    entries.push({ name, compressedSize, uncompressedSize, method, localHeaderOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export function assertNotZipBomb(entries: ZipEntry[]): void {
  let total = 0;
  for (const e of entries) {
    if (e.uncompressedSize === 0xffffffff || e.compressedSize === 0xffffffff)
      throw new StatementFileError('UNPROCESSABLE', 'ZIP64 spreadsheets are not accepted: save it again as a normal XLSX');
    total += e.uncompressedSize;
    const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
    if (e.uncompressedSize > 1024 * 1024 && ratio > LIMITS.maxXlsxCompressionRatio)
      throw new StatementFileError('UNPROCESSABLE', `the spreadsheet looks like a zip bomb: ${e.name} expands ${Math.round(ratio)}×`, { entry: e.name });
    if (/sharedStrings\.xml$/i.test(e.name) && e.uncompressedSize > LIMITS.maxXlsxSharedStringsBytes)
      throw new StatementFileError('UNPROCESSABLE', `the spreadsheet's text table is over ${LIMITS.maxXlsxSharedStringsBytes >> 20} MB`, { entry: e.name });
  }
  if (total > LIMITS.maxXlsxUncompressedBytes)
    throw new StatementFileError('UNPROCESSABLE', `the spreadsheet expands to ${Math.round(total / 2 ** 20)} MB, over ${LIMITS.maxXlsxUncompressedBytes >> 20} MB`);
}

/**
 * One entry's bytes, found through the central directory (random access), so entries can be read in the order a
 * reader needs them rather than the order they were stored. Sizes come from the directory, which is right even when
 * the local header defers them to a data descriptor.
 */
export async function openZipEntry(source: StatementSource, entry: ZipEntry): Promise<Readable> {
  const header = await readRange(source, entry.localHeaderOffset, Math.min(source.size, entry.localHeaderOffset + 30));
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new StatementFileError('UNPROCESSABLE', `the XLSX zip entry ${entry.name} is corrupt`);
  const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (dataStart + entry.compressedSize > source.size) throw new StatementFileError('UNPROCESSABLE', `the XLSX zip entry ${entry.name} points outside the file`);
  const raw = source.open(dataStart, dataStart + entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method !== 8) throw new StatementFileError('UNPROCESSABLE', `the XLSX zip entry ${entry.name} uses compression method ${entry.method}: save it again from Excel`);
  const inflate = createInflateRaw();
  raw.on('error', (err) => inflate.destroy(err));
  return raw.pipe(inflate);
}
