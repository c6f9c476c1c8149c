/**
 * `npm start` as a real process: it starts with no configuration, and on SIGTERM it stops taking requests,
 * finishes what is in flight, stops its jobs and closes the database, then exits 0.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

let dataDir: string | undefined;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('starts with no configuration and shuts down gracefully on SIGTERM', async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'swh-shutdown-'));
  const child = spawn(path.resolve('node_modules/.bin/tsx'), ['src/main.ts'], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SANDBOX_SETTLE_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', () => {
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  expect(output).toMatch(/Admin API key:\s+swh_/);
  expect(output).toMatch(/Midtrans sandbox: http:\/\/127\.0\.0\.1:\d+\/_sandbox/);
  expect((await fetch(`${url}/ready`)).status).toBe(200);

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await exited;
  expect(code).toBe(0);
  expect(output).toMatch(/shutting down/);
  expect(output).toMatch(/"msg":"stopped"/);
  await expect(fetch(`${url}/health`)).rejects.toThrow();
}, 60_000);
