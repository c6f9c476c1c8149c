/**
 * What makes a simulator usable from a developer's own tools: the same made-up keys and the same base URL after
 * every restart. Keys are generated once per DATA_DIR (like the hub's admin key) under DATA_DIR/sandbox/, owner-only;
 * the port is the configured one, else a fixed default, else (the default being taken, e.g. by a second hub) any
 * free port, which the banner then shows.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';

export async function stableSandboxSecret(dataDir: string, name: string, make: () => string): Promise<string> {
  const dir = path.join(dataDir, 'sandbox');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name);
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const value = make();
  try {
    // 'wx': a second process starting at the same moment keeps the first one's key.
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(`${value}\n`);
    } finally {
      await handle.close();
    }
    return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim();
    throw err;
  }
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
