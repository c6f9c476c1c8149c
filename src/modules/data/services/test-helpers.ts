/** Test support: fixture files as statement sources. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { sourceFromBuffer, type StatementSource } from './source.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/statements');

export function fixture(name: string): StatementSource {
  return sourceFromBuffer(readFileSync(join(FIXTURES, name)));
}
