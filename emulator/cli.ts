/**
 * `npm run emulator -- [--port 27017] [--host 127.0.0.1] [--data ./data/emulator] [--compact-at-bytes N]`
 */
import { startEmulator } from './index.js';

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const emulator = await startEmulator({ port: Number(arg('port') ?? 27017), host: arg('host'), dataDir: arg('data'), compactAtBytes: arg('compact-at-bytes') ? Number(arg('compact-at-bytes')) : undefined });
process.stdout.write(`${emulator.uri}\n`);
const stop = async () => {
  try {
    await emulator.stop();
  } catch (err) {
    process.stderr.write(`emulator: stopping failed: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
