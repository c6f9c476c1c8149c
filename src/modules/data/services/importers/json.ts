/**
 * JSON statements: a top-level array of row objects, an object holding one (`{transactions: [...]}`), or JSON Lines.
 * The array is split into elements as the text streams, so a large file is never parsed as one value.
 */
import { LIMITS, StatementFileError, type ImportEvent } from '../model.js';
import { openText, type StatementSource, type TextEncoding } from '../source.js';
import { isRowError, rowFromObject } from './record-fields.js';

/** Yields the source text of each element of the first JSON array in the stream, plus whether the input looked like JSON Lines. */
async function* arrayElements(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let arrayDepth = -1;
  let current = '';
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i];
      if (arrayDepth >= 0 && depth > arrayDepth) current += ch;
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === '[' || ch === '{') {
        if (ch === '[' && arrayDepth < 0) {
          arrayDepth = depth + 1;
          depth++;
          continue;
        }
        if (arrayDepth >= 0 && depth === arrayDepth) current = ch;
        depth++;
      } else if (ch === ']' || ch === '}') {
        depth--;
        if (arrayDepth >= 0 && depth === arrayDepth) {
          yield current;
          current = '';
        } else if (arrayDepth >= 0 && depth < arrayDepth) return;
      }
      if (current.length > LIMITS.maxLineBytes) throw new StatementFileError('UNPROCESSABLE', `a JSON element is longer than ${LIMITS.maxLineBytes} bytes: not a statement row`);
    }
  }
  if (arrayDepth < 0) throw new StatementFileError('UNPROCESSABLE', 'no JSON array of transactions found');
  if (depth !== 0) throw new StatementFileError('UNPROCESSABLE', 'the JSON ends in the middle of a value (truncated file?)');
}

async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of chunks) {
    rest += chunk;
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
    }
    if (rest.length > LIMITS.maxLineBytes) throw new StatementFileError('UNPROCESSABLE', `a line is longer than ${LIMITS.maxLineBytes} bytes: not a statement row`);
  }
  if (rest) yield rest;
}

export function looksLikeJsonLines(head: string): boolean {
  const first = head.split('\n').map((l) => l.trim()).filter(Boolean);
  return first.length > 1 && first[0].startsWith('{') && first[0].endsWith('}');
}

export async function* importJson(source: StatementSource, encoding: TextEncoding, head: string, currency = 'IDR'): AsyncGenerator<ImportEvent> {
  const text = openText(source, encoding).setEncoding('utf8') as AsyncIterable<string>;
  let n = 0;
  if (looksLikeJsonLines(head)) {
    for await (const line of lines(text)) {
      n++;
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        yield { kind: 'error', error: { row: n, field: 'row', message: 'not valid JSON' } };
        continue;
      }
      const row = rowFromObject(value, n, currency);
      yield isRowError(row) ? { kind: 'error', error: row } : { kind: 'row', row, line: n };
    }
    return;
  }
  for await (const element of arrayElements(text)) {
    n++;
    let value: unknown;
    try {
      value = JSON.parse(element);
    } catch {
      yield { kind: 'error', error: { row: n, field: 'row', message: 'not valid JSON' } };
      continue;
    }
    const row = rowFromObject(value, n, currency);
    yield isRowError(row) ? { kind: 'error', error: row } : { kind: 'row', row, line: n };
  }
}
