/**
 * `npm start` (src/main.ts) as a real process, for what happens before the hub is built: reading .env, and
 * refusing configurations that must never run.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Runs src/main.ts in `cwd` with exactly `env` (plus PATH) and returns its exit code and output. */
async function runMain(cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(path.resolve('node_modules/.bin/tsx'), [path.resolve('src/main.ts')], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  // A process that starts instead of refusing would run forever; stop it so the test fails rather than hangs. The
  // budget is generous: tsx compiles the whole hub before main runs, which took over 20 s on a 2-core machine busy
  // with the rest of the suite and other builds.
  const timer = setTimeout(() => child.kill('SIGKILL'), 75_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'swh-startup-'));
  dirs.push(dir);
  return dir;
}

it('reads .env from the working directory, and the real environment wins over it', async () => {
  const cwd = await tempDir();
  await writeFile(path.join(cwd, '.env'), 'PORT=not-a-port\nWEBHOOK_MAX_ATTEMPTS=999\n');
  const { code, output } = await runMain(cwd, { PORT: '0', DATA_DIR: path.join(cwd, 'data') });
  expect(code).toBe(1);
  // The file was read (its bad WEBHOOK_MAX_ATTEMPTS stops the start) but its PORT lost to the environment's.
  expect(output).toMatch(/WEBHOOK_MAX_ATTEMPTS: must be between 1 and 50/);
  expect(output).not.toMatch(/PORT:/);
}, 90_000);

it('refuses to start in production with a payment provider that has no keys, naming the variables', async () => {
  const cwd = await tempDir();
  const { code, output } = await runMain(cwd, {
    NODE_ENV: 'production',
    PORT: '0',
    DATA_DIR: path.join(cwd, 'data'),
    // Nothing listens here: a start that got past the configuration would fail differently.
    MONGODB_URI: 'mongodb://127.0.0.1:9/smartwealth',
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_API_KEY: randomBytes(24).toString('hex'),
  });
  expect(code).toBe(1);
  expect(output).toMatch(/MIDTRANS_SERVER_KEY: is required when NODE_ENV=production/);
  expect(output).toMatch(/XENDIT_SECRET_KEY: is required when NODE_ENV=production/);
  expect(output).not.toMatch(/sandbox/i);
}, 90_000);
