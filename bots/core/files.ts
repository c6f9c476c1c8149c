/**
 * Downloading a file a user sent in the chat, with a hard size limit: the body is read chunk by chunk and the
 * download stops as soon as it passes the limit, whatever the platform announced (a Content-Length can lie).
 */
export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the file is larger than ${maxBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/** The platform would not hand the file over (expired link, missing permission). */
export class FileDownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileDownloadError';
  }
}

export async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new FileDownloadError(`file download answered ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body.cancel();
    throw new FileTooLargeError(maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new FileTooLargeError(maxBytes);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks, total);
}
