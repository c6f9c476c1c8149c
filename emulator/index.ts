/**
 * The project's MongoDB wire-protocol emulator (bson + mingo): what the tests and the embedded `npm start` mode
 * run on where no mongod is available. Test support and a single-user local mode, not a database product;
 * see emulator/README.md for what it does and does not do.
 */
import { EmulatorServer } from './server.js';
import { Store } from './store.js';

export interface EmulatorOptions {
  /** Keep data here (journal + snapshot); in memory when absent. */
  dataDir?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  logger?: (message: string) => void;
  /** Journal size that triggers compaction (default 64 MB); small values let tests compact often. */
  compactAtBytes?: number;
}

export interface RunningEmulator {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const log = options.logger ?? ((message: string) => console.warn(message));
  const host = options.host ?? '127.0.0.1';
  const store = new Store(options.dataDir, { compactAtBytes: options.compactAtBytes, log });
  const server = new EmulatorServer(store, log);
  const port = await server.listen(options.port ?? 0, host);
  log(
    `[emulator] SmartWealth MongoDB emulator listening on mongodb://${host}:${port}/ ` +
      `(${options.dataDir ? `data in ${options.dataDir}` : 'in memory'}). Test support and single-user local mode only: ` +
      'no transactions, change streams, $text or geo queries.',
  );
  let stopped = false;
  return {
    uri: `mongodb://${host}:${port}/`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      store.close();
    },
  };
}
