/**
 * The layering is enforced, not described: dependency-cruiser with the project's rules over the whole tree, a
 * self-test proving each rule fires on a deliberate violation, and config as the only reader of process.env.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const rules = require(path.join(root, '.dependency-cruiser.cjs'));

async function violationsIn(baseDir: string, roots: string[]) {
  const result = await cruise(roots, { ...rules.options, validate: true, ruleSet: { forbidden: rules.forbidden }, baseDir });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('layering', () => {
  it('holds across the whole tree', async () => {
    const roots = ['src', 'bots', 'webhooks', 'jobs', 'sandbox', 'emulator', 'bench', 'test'];
    expect(await violationsIn(root, roots)).toEqual([]);
  }, 60_000);

  describe('fires on deliberate violations', () => {
    let tmp: string;
    afterAll(async () => {
      if (tmp) await rm(tmp, { recursive: true, force: true });
    });

    it('a service importing a route, a route-free module file importing a simulator, an intake importing the REST layer, anything but the connection importing the emulator', async () => {
      tmp = await mkdtemp(path.join(tmpdir(), 'swh-layering-'));
      const files: Record<string, string> = {
        'src/modules/demo/api/routes/demo-get.ts': 'export const route = 1;\n',
        'src/modules/demo/services/demo-service.ts': "import { route } from '../api/routes/demo-get.js';\nexport const s = route;\n",
        'src/modules/demo/providers/demo.ts': "import { sim } from '../../../../sandbox/demo/server.js';\nexport const p = sim;\n",
        'sandbox/demo/server.ts': 'export const sim = 1;\n',
        'src/api/helpers.ts': 'export const h = 1;\n',
        'webhooks/demo.ts': "import { h } from '../src/api/helpers.js';\nexport const w = h;\n",
        'emulator/index.ts': 'export const e = 1;\n',
        'src/services/cheat.ts': "import { e } from '../../emulator/index.js';\nexport const c = e;\n",
        'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
      };
      for (const [file, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(tmp, file)), { recursive: true });
        await writeFile(path.join(tmp, file), text);
      }
      const found = await violationsIn(tmp, ['src', 'webhooks', 'sandbox', 'emulator']);
      expect(found).toEqual(
        expect.arrayContaining([
          'domain-imports-adapter: src/modules/demo/services/demo-service.ts → src/modules/demo/api/routes/demo-get.ts',
          'only-the-root-imports-sandbox: src/modules/demo/providers/demo.ts → sandbox/demo/server.ts',
          'webhook-intake-imports-rest-layer: webhooks/demo.ts → src/api/helpers.ts',
          'only-the-connection-imports-emulator: src/services/cheat.ts → emulator/index.ts',
        ]),
      );
    }, 60_000);
  });

  it('has config as the only reader of process.env in the hub', async () => {
    const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'src', 'bots', 'webhooks', 'jobs', 'sandbox'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const readers: string[] = [];
    for (const file of listed) {
      const text = await readFile(path.join(root, file), 'utf8').catch(() => '');
      // A read is process.env.X or process.env[...] not being assigned; the connection's write for
      // mongodb-memory-server (which reads its settings from the environment) is allowed.
      for (const line of text.split('\n')) {
        if (/process\.env\b/.test(line) && !/process\.env\.\w+\s*(\?\?|\|\|)?=(?!=)/.test(line) && !line.trim().startsWith('*') && !line.trim().startsWith('//')) readers.push(`${file}: ${line.trim()}`);
      }
    }
    expect(readers.filter((r) => !r.startsWith('src/config/env.ts'))).toEqual([]);
  });
});
