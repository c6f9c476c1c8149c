/**
 * `npm start`: the hub with no configuration needed (embedded database, sandbox providers), or against real
 * MongoDB and providers when configured.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from './config/env.js';
import { createHub } from './app.js';
import { printBanner } from './banner.js';

/**
 * `.env` in the working directory, as .env.example tells people to create. Only here, never in createHub: tests
 * and other embedders pass their configuration explicitly. Variables already set in the environment win, since
 * loadEnvFile never overwrites one, so a deployment's own settings beat a stray file.
 */
function loadDotEnv(): void {
  const file = path.resolve('.env');
  if (!existsSync(file)) return;
  // process.loadEnvFile arrived in Node 20.12; package.json asks for 20.15.
  process.loadEnvFile(file);
}

async function main() {
  let config;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  const hub = await createHub({ config });
  const { url } = await hub.listen();
  printBanner(hub, url, hub.providerBanner.map((line) => `  ${line}`));

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    hub.logger.info({ signal }, 'shutting down: finishing in-flight work');
    const forced = setTimeout(() => {
      hub.logger.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, 25_000);
    forced.unref();
    await hub.stop();
    hub.logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('the hub could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
