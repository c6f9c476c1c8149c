/**
 * Multipart upload for statement routes: the `file` part is streamed (busboy) to a temporary file with a size cap,
 * never buffered in memory; other parts are small text fields (template, accountId, mapping as JSON).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { AppError, validationFailed } from '../../../lib/errors.js';
import { sourceFromFile, type StatementSource } from '../services/source.js';

export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export interface Upload {
  source: StatementSource;
  fileName: string;
  fields: Record<string, string>;
  release(): Promise<void>;
}

export async function receiveUpload(request: Request, maxBytes = MAX_UPLOAD_BYTES): Promise<Upload> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the statement as multipart/form-data with a "file" part');
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes + 64 * 1024) throw new AppError('PAYLOAD_TOO_LARGE', `uploads are limited to ${maxBytes >> 20} MB`);
  if (!request.body) throw validationFailed([{ field: 'file', reason: 'required' }]);
  const dir = await mkdtemp(join(tmpdir(), 'swh-upload-'));
  const release = () => rm(dir, { recursive: true, force: true });
  const fields: Record<string, string> = {};
  let fileName: string | undefined;
  let tooLarge = false;
  const path = join(dir, 'statement');
  try {
    const parser = busboy({ headers: { 'content-type': type }, limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 64 * 1024 } });
    const writes: Promise<void>[] = [];
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') return void stream.resume();
      fileName = info.filename || 'statement';
      stream.on('limit', () => (tooLarge = true));
      writes.push(pipeline(stream, createWriteStream(path)));
    });
    await pipeline(Readable.fromWeb(request.body as import('node:stream/web').ReadableStream), parser);
    await Promise.all(writes);
    if (tooLarge) throw new AppError('PAYLOAD_TOO_LARGE', `uploads are limited to ${maxBytes >> 20} MB`);
    if (!fileName) throw validationFailed([{ field: 'file', reason: 'required: a multipart part named "file"' }]);
    return { source: await sourceFromFile(path), fileName, fields, release };
  } catch (err) {
    await release();
    if (err instanceof AppError) throw err;
    throw new AppError('BAD_REQUEST', `the upload could not be read: ${(err as Error).message}`);
  }
}
