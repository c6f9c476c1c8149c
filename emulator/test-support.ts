/**
 * For the emulator's own tests: one in-memory emulator and a driver client per test file, stopped after it.
 */
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type RunningEmulator } from './index.js';

export interface EmulatorForTests {
  emulator: RunningEmulator;
  client: MongoClient;
  db: Db;
}

/** Registers the file's beforeAll/afterAll; `started` receives the emulator, client and database once up. */
export function useEmulator(dbName: string, started: (running: EmulatorForTests) => void): void {
  let running: EmulatorForTests | undefined;
  beforeAll(async () => {
    const emulator = await startEmulator({ logger: () => {} });
    const client = await new MongoClient(emulator.uri).connect();
    running = { emulator, client, db: client.db(dbName) };
    started(running);
  });
  afterAll(async () => {
    await running?.client.close();
    await running?.emulator.stop();
  });
}
