/**
 * Outside production the hub makes its own secrets on first start and keeps them in DATA_DIR, so `npm start`
 * needs no configuration and a restart keeps the same admin key and can still decrypt stored data.
 *
 * These files are as sensitive as the variables they stand in for, so: DATA_DIR is created owner-only, a key
 * file appears whole or not at all (written to a temporary file, then linked into place), a file others can read
 * is made owner-only again, and a file whose contents are not a usable key stops the start with its path.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { generateApiKey } from '../lib/crypto.js';
import type { Logger } from '../lib/logger.js';
import { ADMIN_API_KEY_MIN_LENGTH, isBase64Key32, type Config } from './env.js';

export interface LocalSecrets {
  adminApiKey: string;
  /** True when the admin key came from DATA_DIR or was just generated (so the banner may print it). */
  adminKeyIsLocal: boolean;
  encryptionKeyBase64: string;
  previousEncryptionKeysBase64: string[];
}

interface SecretFile {
  file: string;
  make(): string;
  /** Why the contents are unusable, or undefined when they are fine. */
  problem(value: string): string | undefined;
  /** What to do about unusable contents. */
  remedy: string;
}

export async function resolveLocalSecrets(config: Config, logger?: Pick<Logger, 'warn'>): Promise<LocalSecrets> {
  // Applies only to directories created here; an existing DATA_DIR keeps the mode its owner gave it.
  await mkdir(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const adminApiKey =
    config.ADMIN_API_KEY ??
    (await readOrCreate(
      {
        file: path.join(config.DATA_DIR, 'admin-api-key'),
        make: generateApiKey,
        problem: (v) => (v.length < ADMIN_API_KEY_MIN_LENGTH || /\s/.test(v) ? `must hold one API key of at least ${ADMIN_API_KEY_MIN_LENGTH} characters` : undefined),
        remedy: 'delete it to have a new admin key generated, or set ADMIN_API_KEY',
      },
      logger,
    ));
  const encryptionKeyBase64 =
    config.DATA_ENCRYPTION_KEY ??
    (await readOrCreate(
      {
        file: path.join(config.DATA_DIR, 'encryption-key'),
        make: () => randomBytes(32).toString('base64'),
        problem: (v) => (isBase64Key32(v) ? undefined : 'must hold exactly 32 bytes in standard base64'),
        remedy: 'restore the key it held (data encrypted with it cannot be read without it), or set DATA_ENCRYPTION_KEY',
      },
      logger,
    ));
  return {
    adminApiKey,
    adminKeyIsLocal: !config.ADMIN_API_KEY,
    encryptionKeyBase64,
    previousEncryptionKeysBase64: config.DATA_ENCRYPTION_PREVIOUS_KEYS?.split(',').map((k) => k.trim()) ?? [],
  };
}

async function readOrCreate(secret: SecretFile, logger?: Pick<Logger, 'warn'>): Promise<string> {
  const existing = await readSecret(secret, logger);
  if (existing !== undefined) return existing;

  const value = secret.make();
  // Written whole under a private name first, so a crash mid-write never leaves a half key where a reader looks.
  const temp = `${secret.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${value}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // link() fails if another process put its key there meanwhile (rename() would silently replace it), and
    // then both must use theirs.
    await link(temp, secret.file);
    return value;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return (await readSecret(secret, logger))!;
    // Some filesystems (certain network or FUSE mounts) have no hard links; rename is still atomic there.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') {
      await rename(temp, secret.file);
      return value;
    }
    throw err;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** The file's key, checked; undefined when there is no file yet. */
async function readSecret(secret: SecretFile, logger?: Pick<Logger, 'warn'>): Promise<string | undefined> {
  let contents: string;
  try {
    contents = await readFile(secret.file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const value = contents.trim();
  const problem = value === '' ? 'is empty' : secret.problem(value);
  if (problem) throw new Error(`${secret.file} ${problem}; ${secret.remedy}`);
  await keepPrivate(secret.file, logger);
  return value;
}

async function keepPrivate(file: string, logger?: Pick<Logger, 'warn'>): Promise<void> {
  if (process.platform === 'win32') return;
  const { mode } = await stat(file);
  if ((mode & 0o077) === 0) return;
  await chmod(file, 0o600);
  logger?.warn({ file, was: `0${(mode & 0o777).toString(8)}` }, 'a secret file was readable by others; made it owner-only (0600)');
}
