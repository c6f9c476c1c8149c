/**
 * The hub's entry point as a real process: it starts with no configuration, and on SIGTERM it stops taking
 * requests, finishes what is in flight, stops its jobs and closes the database, then exits 0.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';

let dataDir: string | undefined;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('starts with no configuration and shuts down gracefully on SIGTERM, finishing the request in flight', async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'swh-shutdown-'));
  // Its own working directory, so a developer's .env in the checkout plays no part. Node itself runs src/main.ts
  // with tsx only as the loader, as `npm start` does, so SIGTERM reaches the hub as it does `node dist/src/main.js`
  // in the image. (Through the tsx CLI the signal is relayed, and tsx SIGKILLs a child that has not acknowledged it
  // within 30 ms: a hub busy with a request at that moment would be killed instead of shutting down.)
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsxLoader, path.resolve('src/main.ts')], {
    cwd: dataDir,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SANDBOX_SETTLE_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Each waiter looks at the output again whenever more arrives (or the process ends), instead of polling it.
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk;
    for (const check of [...waiters]) check();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // 'close' comes after the last output, so nothing is still on its way when a waiter gives up.
  let closed = false;
  child.once('close', () => {
    closed = true;
    for (const check of [...waiters]) check();
  });
  /** The first match of `pattern` in the output, as soon as it is there; fails at the deadline or if the process ends first. */
  const waitFor = (pattern: RegExp, ms: number) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const done = () => {
        clearTimeout(deadline);
        waiters.delete(check);
      };
      const check = () => {
        const match = pattern.exec(output);
        if (match) {
          done();
          resolve(match);
        } else if (closed) {
          done();
          reject(new Error(`the process ended without printing ${pattern}:\n${output}`));
        }
      };
      const deadline = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} within ${ms} ms:\n${output}`));
      }, ms);
      waiters.add(check);
      check();
    });
  try {
    // Generous: tsx compiles the whole hub first, which took over 30 s on a 2-core machine with other builds running.
    const url = (await waitFor(/running at (http:\/\/\S+)/, 75_000))[1];
    const adminKey = (await waitFor(/Admin API key:\s+(swh_\S+)/, 1_000))[1];
    expect(output).toMatch(/Midtrans sandbox: http:\/\/127\.0\.0\.1:\d+\/_sandbox/);
    expect((await fetch(`${url}/ready`)).status).toBe(200);

    // A request in flight when SIGTERM arrives: its headers are in, its body is still on the way, so the route
    // is waiting for it. Only after the hub has begun shutting down does the rest of the body arrive.
    // `Expect: 100-continue` tells us when the hub has read the headers and taken the request (Node answers
    // 100 Continue as it hands the request to the app), so the test waits for that rather than for a guess.
    const body = JSON.stringify({ name: 'Arrived during shutdown' });
    const inFlight = http.request(`${url}/api/users`, {
      method: 'POST',
      agent: false,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
    });
    const taken = new Promise<void>((resolve) => inFlight.once('continue', resolve));
    const answered = new Promise<{ status: number; body: any }>((resolve, reject) => {
      inFlight.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      inFlight.on('error', reject);
    });
    answered.catch(() => {}); // awaited below; a hang-up before then should fail the test there, not as unhandled
    inFlight.flushHeaders();
    await taken;
    inFlight.write(body.slice(0, 10));

    child.kill('SIGTERM');
    await waitFor(/shutting down/, 5_000);
    // New connections are refused while the one in flight is still being served…
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    expect(child.exitCode).toBeNull();
    // …and it finishes with a real answer, written to the still-open database.
    inFlight.end(body.slice(10));
    const res = await answered;
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Arrived during shutdown', apiKey: expect.stringMatching(/^swh_/) });

    expect(await exited).toBe(0);
    expect(output).toMatch(/"msg":"stopped"/);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 120_000);
