import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { EnvSchema } from './env.js';

it('.env.example lists every variable the config schema reads', async () => {
  const example = await readFile(new URL('../../.env.example', import.meta.url), 'utf8');
  const listed = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
  const schemaKeys = Object.keys((EnvSchema as unknown as { _zod: { def: { in?: { shape: object }; shape?: object } } })._zod.def.in?.shape ?? {});
  const keys = schemaKeys.length ? schemaKeys : Object.keys((EnvSchema as unknown as { shape: object }).shape ?? {});
  expect(keys.length).toBeGreaterThan(20);
  expect(keys.filter((k) => !listed.has(k))).toEqual([]);
});
