/**
 * Outside production the hub makes its own secrets on first start and keeps them in DATA_DIR, so `npm start`
 * needs no configuration and a restart keeps the same admin key and can still decrypt stored data.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateApiKey } from '../lib/crypto.js';
import type { Config } from './env.js';

export interface LocalSecrets {
  adminApiKey: string;
  /** True when the admin key came from DATA_DIR or was just generated (so the banner may print it). */
  adminKeyIsLocal: boolean;
  encryptionKeyBase64: string;
  previousEncryptionKeysBase64: string[];
}

export async function resolveLocalSecrets(config: Config): Promise<LocalSecrets> {
  await mkdir(config.DATA_DIR, { recursive: true });
  const adminApiKey = config.ADMIN_API_KEY ?? (await readOrCreate(path.join(config.DATA_DIR, 'admin-api-key'), generateApiKey));
  const encryptionKeyBase64 =
    config.DATA_ENCRYPTION_KEY ?? (await readOrCreate(path.join(config.DATA_DIR, 'encryption-key'), () => randomBytes(32).toString('base64')));
  return {
    adminApiKey,
    adminKeyIsLocal: !config.ADMIN_API_KEY,
    encryptionKeyBase64,
    previousEncryptionKeysBase64: config.DATA_ENCRYPTION_PREVIOUS_KEYS?.split(',').map((k) => k.trim()) ?? [],
  };
}

async function readOrCreate(file: string, make: () => string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const value = make();
    // 'wx' fails if another process created it meanwhile; then read theirs so both agree.
    try {
      await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
      return value;
    } catch (writeErr) {
      if ((writeErr as NodeJS.ErrnoException).code !== 'EEXIST') throw writeErr;
      return (await readFile(file, 'utf8')).trim();
    }
  }
}
