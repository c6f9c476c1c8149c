/**
 * `npm run chat`: a terminal chat with the running hub, through POST /api/chat/message, so it takes the same path
 * as the Telegram and Slack bots (command core, services, confirmations).
 *
 *   npm run chat                       against `npm start` on this machine: uses a "Terminal" user it creates once
 *                                      with the local admin key (kept in DATA_DIR/terminal-api-key)
 *   npm run chat -- --url http://host:3000 --key swh_…     any hub, as the key's user
 *   npm run chat -- "/pay 50rb qris"   one command, then exit
 *
 * Type commands as in Telegram (/pay 150rb qris). Buttons are numbered: type the number to press one.
 * QR images and files are saved next to you (./chat-files/).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../../src/config/env.js';
import { renderTerminal, type JsonReply } from './render.js';

interface Options {
  url: string;
  key?: string;
  once?: string;
  dataDir: string;
}

function parseArgs(argv: string[]): Options {
  const config = loadConfig();
  const options: Options = { url: `http://127.0.0.1:${config.PORT}`, dataDir: config.DATA_DIR };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--url') options.url = argv[++i];
    else if (argv[i] === '--key') options.key = argv[++i];
    else rest.push(argv[i]);
  }
  if (rest.length) options.once = rest.join(' ');
  return options;
}

/** A local hub keeps its admin key in DATA_DIR; the terminal makes its own ordinary user with it, once. */
async function resolveKey(options: Options): Promise<string> {
  if (options.key) return options.key;
  const saved = path.join(options.dataDir, 'terminal-api-key');
  const existing = await readFile(saved, 'utf8').catch(() => '');
  if (existing.trim()) return existing.trim();
  const admin = (await readFile(path.join(options.dataDir, 'admin-api-key'), 'utf8').catch(() => '')).trim();
  if (!admin) throw new Error(`no API key: pass --key, or start the hub on this machine first (npm start) so ${options.dataDir}/admin-api-key exists`);
  const res = await fetch(`${options.url}/api/users`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Terminal' }) });
  if (res.status !== 201) throw new Error(`could not create the terminal user (${res.status}): is the hub running at ${options.url}?`);
  const { apiKey } = (await res.json()) as { apiKey: string };
  await writeFile(saved, apiKey, { mode: 0o600 });
  return apiKey;
}

async function send(options: Options, key: string, body: { text?: string; button?: string }): Promise<{ replies: JsonReply[]; toast?: string }> {
  const res = await fetch(`${options.url}/api/chat/message`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as { replies?: JsonReply[]; toast?: string; error?: { message: string } };
  if (!res.ok) throw new Error(json.error?.message ?? `HTTP ${res.status}`);
  return { replies: json.replies ?? [], toast: json.toast };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const key = await resolveKey(options);
  let buttons: string[] = [];

  const show = async (result: { replies: JsonReply[]; toast?: string }) => {
    const rendered = renderTerminal(result.replies);
    if (rendered.buttons.length) buttons = rendered.buttons;
    if (result.toast && !result.replies.length) process.stdout.write(`(${result.toast})\n`);
    process.stdout.write(rendered.text);
    for (const file of rendered.files) {
      const dir = path.resolve('chat-files');
      await mkdir(dir, { recursive: true });
      const where = path.join(dir, file.filename);
      await writeFile(where, file.data);
      process.stdout.write(`  → ${where}\n`);
    }
  };

  const handle = async (line: string) => {
    const input = line.trim();
    if (!input) return;
    const number = /^\d{1,2}$/.test(input) ? Number(input) : undefined;
    const body = number !== undefined && buttons[number - 1] ? { button: buttons[number - 1] } : { text: input.startsWith('/') ? input : `/${input}` };
    try {
      await show(await send(options, key, body));
    } catch (err) {
      process.stdout.write(`! ${(err as Error).message}\n`);
    }
  };

  if (options.once) return handle(options.once);
  process.stdout.write(`SmartWealth chat — ${options.url}\nKetik /help. Tombol: ketik nomornya. Keluar: Ctrl+D.\n\n`);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
  rl.prompt();
  for await (const line of rl) {
    await handle(line);
    rl.prompt();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
