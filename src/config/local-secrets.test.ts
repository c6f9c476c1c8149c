import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from './env.js';
import { resolveLocalSecrets } from './local-secrets.js';

const posix = process.platform !== 'win32';
let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'swh-secrets-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;
const configFor = (dataDir: string) => loadConfig({ DATA_DIR: dataDir });

describe('resolveLocalSecrets', () => {
  it.runIf(posix)('creates DATA_DIR owner-only and writes whole key files, 0600, with nothing left behind', async () => {
    const dataDir = path.join(root, 'nested', 'data');
    const secrets = await resolveLocalSecrets(configFor(dataDir));
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(path.join(dataDir, 'admin-api-key'))).toBe(0o600);
    expect(await modeOf(path.join(dataDir, 'encryption-key'))).toBe(0o600);
    expect((await readFile(path.join(dataDir, 'admin-api-key'), 'utf8')).trim()).toBe(secrets.adminApiKey);
    expect(Buffer.from(secrets.encryptionKeyBase64, 'base64')).toHaveLength(32);
    expect((await readdir(dataDir)).sort()).toEqual(['admin-api-key', 'encryption-key']);
    // A restart reads the same keys back.
    expect(await resolveLocalSecrets(configFor(dataDir))).toEqual(secrets);
  });

  it('gives processes starting together on an empty DATA_DIR the same keys', async () => {
    const dataDir = path.join(root, 'data');
    const all = await Promise.all(Array.from({ length: 6 }, () => resolveLocalSecrets(configFor(dataDir))));
    expect(new Set(all.map((s) => s.adminApiKey)).size).toBe(1);
    expect(new Set(all.map((s) => s.encryptionKeyBase64)).size).toBe(1);
    expect((await readFile(path.join(dataDir, 'admin-api-key'), 'utf8')).trim()).toBe(all[0].adminApiKey);
    expect((await readdir(dataDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.runIf(posix)('makes a key file others can read owner-only again, and says so', async () => {
    const dataDir = path.join(root, 'data');
    await resolveLocalSecrets(configFor(dataDir));
    const file = path.join(dataDir, 'encryption-key');
    await chmod(file, 0o644);
    const logger = { warn: vi.fn() };
    await resolveLocalSecrets(configFor(dataDir), logger);
    expect(await modeOf(file)).toBe(0o600);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ file, was: '0644' }), expect.stringMatching(/owner-only/));
  });

  it('stops with the file named when a key file holds no usable key', async () => {
    const dataDir = path.join(root, 'data');
    await resolveLocalSecrets(configFor(dataDir));
    const adminFile = path.join(dataDir, 'admin-api-key');
    const keyFile = path.join(dataDir, 'encryption-key');
    const good = await readFile(keyFile, 'utf8');

    await writeFile(adminFile, '\n');
    await expect(resolveLocalSecrets(configFor(dataDir))).rejects.toThrow(`${adminFile} is empty`);
    await writeFile(adminFile, 'swh_short\n');
    await expect(resolveLocalSecrets(configFor(dataDir))).rejects.toThrow(`${adminFile} must hold one API key of at least 24 characters`);
    await writeFile(adminFile, `swh_${randomBytes(32).toString('base64url')}\n`);

    for (const bad of [randomBytes(16).toString('base64'), `${good.trim().slice(0, 10)}!${good.trim().slice(10)}`]) {
      await writeFile(keyFile, `${bad}\n`);
      await expect(resolveLocalSecrets(configFor(dataDir))).rejects.toThrow(`${keyFile} must hold exactly 32 bytes in standard base64`);
      // Never replaced behind the operator's back: data may be encrypted with what that file should hold.
      expect(await readFile(keyFile, 'utf8')).toBe(`${bad}\n`);
    }
  });

  it('leaves DATA_DIR files alone when the keys come from the environment', async () => {
    const dataDir = path.join(root, 'data');
    const key = randomBytes(32).toString('base64');
    const secrets = await resolveLocalSecrets(loadConfig({ DATA_DIR: dataDir, ADMIN_API_KEY: 'k'.repeat(30), DATA_ENCRYPTION_KEY: key }));
    expect(secrets).toMatchObject({ adminApiKey: 'k'.repeat(30), adminKeyIsLocal: false, encryptionKeyBase64: key });
    expect(await readdir(dataDir)).toEqual([]);
  });
});
