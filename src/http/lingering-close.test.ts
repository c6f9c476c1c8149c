import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lingerOnClose } from './lingering-close.js';

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A server that refuses every body at once with `Connection: close`, before reading it (as the hub's 413s do). */
async function refusingServer(linger: boolean, lingerMs?: number): Promise<number> {
  server = http.createServer((_req, res) => {
    res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
    res.end('too large');
  });
  if (linger) lingerOnClose(server, lingerMs);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CHUNK = Buffer.alloc(64 * 1024, 'a');
const chunked = (data: Buffer) => `${data.length.toString(16)}\r\n${data.toString()}\r\n`;

/**
 * Sends more of the body, as a client that has not noticed the answer yet would, twice: a reset from a server that
 * closed fully only shows on the write after the one it answered.
 */
async function keepSending(socket: net.Socket, errors: string[]): Promise<string | undefined> {
  for (let i = 0; i < 2 && !socket.destroyed; i++) {
    socket.write(chunked(CHUNK));
    await sleep(50);
  }
  return errors[0];
}

/** Opens a chunked upload and resolves once the whole answer is in, with the socket still open on our side. */
async function upload(port: number): Promise<{ socket: net.Socket; answer: string; sawEnd: () => boolean; errors: string[] }> {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const errors: string[] = [];
  let ended = false;
  socket.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
  socket.on('end', () => (ended = true));
  let answer = '';
  await new Promise<void>((resolve) => {
    socket.on('data', (d) => {
      answer += d.toString();
      if (answer.includes('too large')) resolve();
    });
    socket.write('POST /upload HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
    socket.write(chunked(CHUNK));
  });
  await sleep(50);
  return { socket, answer, sawEnd: () => ended, errors };
}

describe('lingering close', () => {
  it('half-closes after a Connection: close answer and keeps reading, so a client still sending gets no reset', async () => {
    const { socket, answer, sawEnd, errors } = await upload(await refusingServer(true));
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(sawEnd()).toBe(true);
    expect(await keepSending(socket, errors)).toBeUndefined();
    socket.destroy();
  });

  it('without it, the same client meets a reset (the failure this guards against)', async () => {
    const { socket, answer, errors } = await upload(await refusingServer(false));
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(await keepSending(socket, errors)).toMatch(/ECONNRESET|EPIPE/);
    socket.destroy();
  });

  it('closes fully after the linger when the client never closes its side', async () => {
    const { socket, errors } = await upload(await refusingServer(true, 100));
    await sleep(300);
    expect(await keepSending(socket, errors)).toMatch(/ECONNRESET|EPIPE/);
    socket.destroy();
  });
});
