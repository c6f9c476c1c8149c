/**
 * A statement file as the importers read it: re-readable (detection sniffs the head, the XLSX zip check reads the
 * tail, then the importer streams the whole), backed by a spooled upload on disk or, in tests and chat, a buffer.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';

export interface StatementSource {
  size: number;
  /** A stream of bytes [start, end) (end exclusive; defaults to the whole file). */
  open(start?: number, end?: number): Readable;
}

export function sourceFromBuffer(buffer: Buffer): StatementSource {
  return {
    size: buffer.length,
    // Chunked like a file stream would be, so tests exercise chunk boundaries.
    open: (start = 0, end = buffer.length) => {
      const slice = buffer.subarray(start, end);
      const chunks: Buffer[] = [];
      for (let i = 0; i < slice.length; i += 64 * 1024) chunks.push(slice.subarray(i, i + 64 * 1024));
      return Readable.from(chunks, { objectMode: false });
    },
  };
}

export async function sourceFromFile(path: string): Promise<StatementSource> {
  const { size } = await stat(path);
  return { size, open: (start = 0, end = size) => createReadStream(path, { start, end: Math.max(start, end - 1), highWaterMark: 256 * 1024 }) };
}

export async function readRange(source: StatementSource, start: number, end: number): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of source.open(start, end)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function readAll(source: StatementSource, limit: number): Promise<Buffer> {
  if (source.size > limit) throw new RangeError(`file of ${source.size} bytes is over ${limit}`);
  return readRange(source, 0, source.size);
}

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/**
 * UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"), else Windows-1252 when the head is not
 * valid UTF-8 (older KlikBCA and Excel "CSV" saves on Indonesian Windows).
 */
export function detectEncoding(head: Buffer): TextEncoding {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  // A multi-byte character cut at the end of the sniffed head is not an encoding error.
  let end = head.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = head[end - back];
    if ((byte & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((byte & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** Decoded text, BOM stripped, streamed. */
export function openText(source: StatementSource, encoding: TextEncoding): Readable {
  return source.open().pipe(iconv.decodeStream(encoding, { stripBOM: true })) as unknown as Readable;
}

export function decodeHead(head: Buffer, encoding: TextEncoding): string {
  return iconv.decode(head, encoding, { stripBOM: true });
}
