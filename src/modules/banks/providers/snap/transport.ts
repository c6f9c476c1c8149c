/**
 * The SNAP client's HTTP transport: one POST of an already-serialised (signed) body over a keep-alive agent, its
 * answer read as text. Node's own http/https rather than global fetch: a statement is a hundred sequential page
 * requests, and fetch's web-streams layer (undici) cost about twice the CPU per request of a plain request on the
 * same keep-alive socket (measured on the bank bench: ~2 ms a page more, which is most of a sync's fetch time).
 *
 * The timeout covers the whole exchange (connect, waiting, reading the body): a bank that stops halfway through an
 * answer times out like one that never answers.
 */
import http from 'node:http';
import https from 'node:https';

export interface PostAnswer {
  status: number;
  retryAfter: string | null;
  text: string;
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

export class SnapTransport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostAnswer> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    return new Promise<PostAnswer>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | undefined, answer?: PostAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(answer!);
      };
      const req = (secure ? https : http).request(
        target,
        {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: { 'content-type': 'application/json', accept: 'application/json', ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, retryAfter: (res.headers['retry-after'] as string | undefined) ?? null, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (err) => finish(err));
          res.on('aborted', () => finish(new Error('the answer was cut off')));
        },
      );
      const timer = setTimeout(() => {
        const err = new TimeoutError(`no complete answer within ${timeoutMs} ms`);
        finish(err);
        req.destroy(err);
      }, timeoutMs);
      req.on('error', (err) => finish(err));
      req.end(body);
    });
  }

  /** Closes the idle keep-alive sockets (at shutdown). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
