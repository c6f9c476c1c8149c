/**
 * `npm start` as a real process: it starts with no configuration, and on SIGTERM it stops taking requests,
 * finishes what is in flight, stops its jobs and closes the database, then exits 0.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

let dataDir: string | undefined;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Resolves once `output()` matches `pattern`, polling; rejects after `ms`. */
async function waitFor(output: () => string, pattern: RegExp, ms: number): Promise<RegExpExecArray> {
  const started = Date.now();
  for (;;) {
    const match = pattern.exec(output());
    if (match) return match;
    if (Date.now() - started > ms) throw new Error(`no ${pattern} within ${ms} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it('starts with no configuration and shuts down gracefully on SIGTERM, finishing the request in flight', async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'swh-shutdown-'));
  // Its own working directory, so a developer's .env in the checkout plays no part.
  const child = spawn(path.resolve('node_modules/.bin/tsx'), [path.resolve('src/main.ts')], {
    cwd: dataDir,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SANDBOX_SETTLE_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = (await waitFor(() => output, /running at (http:\/\/\S+)/, 30_000))[1];
    const adminKey = (await waitFor(() => output, /Admin API key:\s+(swh_\S+)/, 1_000))[1];
    expect(output).toMatch(/Midtrans sandbox: http:\/\/127\.0\.0\.1:\d+\/_sandbox/);
    expect((await fetch(`${url}/ready`)).status).toBe(200);

    // A request in flight when SIGTERM arrives: its headers are in, its body is still on the way, so the route
    // is waiting for it. Only after the hub has begun shutting down does the rest of the body arrive.
    const body = JSON.stringify({ name: 'Arrived during shutdown' });
    const inFlight = http.request(`${url}/api/users`, {
      method: 'POST',
      agent: false,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const answered = new Promise<{ status: number; body: any }>((resolve, reject) => {
      inFlight.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      inFlight.on('error', reject);
    });
    answered.catch(() => {}); // awaited below; a hang-up before then should fail the test there, not as unhandled
    inFlight.write(body.slice(0, 10));
    // Time for the hub to parse the headers, check the key and reach the route, which then waits for the body.
    await new Promise((resolve) => setTimeout(resolve, 500));

    child.kill('SIGTERM');
    await waitFor(() => output, /shutting down/, 5_000);
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
}, 60_000);
