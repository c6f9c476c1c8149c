/**
 * What makes a simulator usable from a developer's own tools: the same made-up keys and the same base URL after
 * every restart. Keys are generated once per DATA_DIR (like the hub's admin key) under DATA_DIR/sandbox/, owner-only;
 * the port is the configured one, else a fixed default, else (the default being taken, e.g. by a second hub) any
 * free port, which the banner then shows.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

export async function stableSandboxSecret(dataDir: string, name: string, make: () => string | Promise<string>): Promise<string> {
  const dir = path.join(dataDir, 'sandbox');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name);
  const existing = await readKept(file);
  if (existing !== undefined) return existing;

  const value = await make();
  // Written whole under a private name first, then linked into place: a reader never sees half a key (a PEM pair
  // is several lines), and a crash mid-write leaves only the temporary file.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${value}\n`);
  } finally {
    await handle.close();
  }
  try {
    // link() fails when a second process starting at the same moment got there first (rename() would silently
    // replace its key): then both use the first one's.
    await link(temp, file);
    return value;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return (await readKept(file))!;
    // Some filesystems (certain network or FUSE mounts) have no hard links; rename is still atomic there.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') {
      await rename(temp, file);
      return value;
    }
    throw err;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

async function readKept(file: string): Promise<string | undefined> {
  let contents: string;
  try {
    contents = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const value = contents.trim();
  if (!value) throw new Error(`${file} is empty; delete it to have a new sandbox key made`);
  return value;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * An RSA-2048 key pair kept per DATA_DIR (e.g. a SNAP partner's signing key). Only the private half is stored
 * (PKCS#8 PEM, `<name>.pem`), so the two halves can never come from different runs; the public half is derived.
 * Generated off the event loop: it takes a noticeable fraction of a second.
 */
export async function stableSandboxKeyPair(dataDir: string, name: string): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  const pem = await stableSandboxSecret(dataDir, `${name}.pem`, async () => {
    const pair = await generateKeyPairAsync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    return pair.privateKey;
  });
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(`${path.join(dataDir, 'sandbox', `${name}.pem`)} does not hold a PEM private key; delete it to have a new sandbox key pair made`);
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/**
 * Starts a simulator on its port: an explicitly configured one must be free (the start fails naming it); the fixed
 * default falls back to any free port when taken, so a second hub on the machine (or a test) still starts.
 */
export async function listenOnStablePort<T>(start: (port: number) => Promise<T>, port: { configured?: number; fallback: number }): Promise<{ running: T; note?: string }> {
  if (port.configured !== undefined) return { running: await start(port.configured) };
  try {
    return { running: await start(port.fallback) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return { running: await start(0), note: `port ${port.fallback} was taken` };
  }
}
