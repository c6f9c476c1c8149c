/**
 * `npm run bench`: runs every bench/*.bench.ts one after another (never in parallel: they would measure each
 * other) and prints each one's single JSON line.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o)))).sort();
let failed = false;
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { run?: () => Promise<Record<string, unknown>> };
  if (!mod.run) continue;
  try {
    const result = await mod.run();
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (err) {
    failed = true;
    process.stdout.write(`${JSON.stringify({ bench: file, error: (err as Error).message })}\n`);
  }
}
process.exit(failed ? 1 : 0);
