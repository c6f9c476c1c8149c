/**
 * Where the database comes from (DESIGN §3), in order:
 *   1. MONGODB_URI (never falls back: an explicit URI that does not answer is an error);
 *   2. a mongod that mongodb-memory-server finds locally (MONGOMS_SYSTEM_BINARY or its cache);
 *   3. a mongod download, only when allowed and the download host answers quickly;
 *   4. the project's MongoDB wire-protocol emulator (offline machines; test support and single-user local mode).
 * The embedded backends (2–4) keep their data under DATA_DIR when given one, so a restart loses nothing.
 */
import { mkdir } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';

export type DatabaseKind = 'uri' | 'memory-server' | 'emulator';

export interface DatabaseServer {
  uri: string;
  kind: DatabaseKind;
  /** Stops an embedded server; a no-op for an external URI. */
  stop(): Promise<void>;
}

export interface ResolveDatabaseOptions {
  uri?: string;
  /** Persist embedded data here; in memory when absent. */
  dataDir?: string;
  /** Force a backend (TEST_MONGO / tests). */
  force?: DatabaseKind;
  /** Permit downloading a mongod (default: only outside CI and when the host resolves). */
  allowDownload?: boolean;
  /** mongodb-memory-server settings from config (MONGOMS_SYSTEM_BINARY, MONGOMS_VERSION). */
  systemBinary?: string;
  mongodVersion?: string;
  /** True on a CI machine (the CI variable), where downloads are off unless allowDownload says otherwise. */
  onCi?: boolean;
  log?: (message: string) => void;
}

export async function resolveDatabase(options: ResolveDatabaseOptions): Promise<DatabaseServer> {
  const log = options.log ?? ((m: string) => console.warn(m));

  if (options.uri && options.force !== 'memory-server' && options.force !== 'emulator') {
    await pingOrThrow(options.uri);
    log(`[mongo] using MONGODB_URI (${redactUri(options.uri)})`);
    return { uri: options.uri, kind: 'uri', stop: async () => {} };
  }
  if (options.force === 'uri') throw new Error('a real MongoDB was required but MONGODB_URI is not set');

  if (options.force !== 'emulator') {
    const memory = await tryMemoryServer(options, log);
    if (memory) return memory;
    if (options.force === 'memory-server') throw new Error('mongodb-memory-server was required but no mongod could be started');
  }

  const { startEmulator } = await import('../../emulator/index.js');
  const dataDir = options.dataDir ? path.join(options.dataDir, 'emulator') : undefined;
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const emulator = await startEmulator({ dataDir, port: 0, logger: () => {} });
  log(
    `[mongo] using the built-in MongoDB emulator at ${emulator.uri}${dataDir ? ` (data in ${dataDir})` : ' (in memory)'}. ` +
      'It is for tests and single-user local use only: no transactions, change streams, $text or geo queries. Set MONGODB_URI for production.',
  );
  return { uri: emulator.uri, kind: 'emulator', stop: () => emulator.stop() };
}

async function tryMemoryServer(options: ResolveDatabaseOptions, log: (m: string) => void): Promise<DatabaseServer | undefined> {
  // Fail fast: the default of three retries with backoff costs seconds on an offline machine. (A write for the
  // library, which reads its settings from the environment; config stays the only reader.)
  process.env.MONGOMS_MAX_RETRIES ??= '1';
  if (options.systemBinary) process.env.MONGOMS_SYSTEM_BINARY = options.systemBinary;
  try {
    const core = await import('mongodb-memory-server');
    const { DryMongoBinary, MongoMemoryServer } = core;
    const localBinary = options.systemBinary || (await DryMongoBinary.locateBinary({ version: options.mongodVersion ?? '8.2.6' }));
    if (!localBinary && !(await downloadAllowed(options))) return undefined;

    const dbPath = options.dataDir ? path.join(options.dataDir, 'mongod') : undefined;
    if (dbPath) await mkdir(dbPath, { recursive: true });
    const server = await MongoMemoryServer.create({
      instance: dbPath ? { dbPath, storageEngine: 'wiredTiger' } : {},
    });
    const uri = server.getUri();
    log(`[mongo] using a local mongod via mongodb-memory-server at ${uri}${dbPath ? ` (data in ${dbPath})` : ''}`);
    return { uri, kind: 'memory-server', stop: async () => void (await server.stop({ doCleanup: !dbPath, force: false })) };
  } catch (err) {
    log(`[mongo] mongodb-memory-server unavailable (${(err as Error).message.split('\n')[0]}); falling back`);
    return undefined;
  }
}

async function downloadAllowed(options: ResolveDatabaseOptions): Promise<boolean> {
  const allowed = options.allowDownload ?? !options.onCi;
  if (!allowed) return false;
  // A network that resolves nothing answers at once; only try the download when the host resolves within 2 s.
  try {
    await Promise.race([lookup('fastdl.mongodb.org'), new Promise((_, reject) => setTimeout(() => reject(new Error('dns timeout')), 2000))]);
    return true;
  } catch {
    return false;
  }
}

async function pingOrThrow(uri: string): Promise<void> {
  const conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 2000 });
  try {
    await conn.asPromise();
    await conn.db!.admin().ping();
  } catch (err) {
    throw new Error(`MONGODB_URI does not answer (${redactUri(uri)}): ${(err as Error).message}`);
  } finally {
    await conn.close().catch(() => {});
  }
}

export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^@/]+)@/, '//***@');
}

/** The database name in the URI path, or the default. */
export function databaseNameFrom(uri: string, fallback = 'smartwealth'): string {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return match?.[1] ? decodeURIComponent(match[1]) : fallback;
}

export async function connectMongoose(uri: string, dbName: string): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    dbName,
    serverSelectionTimeoutMS: 5000,
    // Indexes are built explicitly before traffic (ensureIndexes), not racing in the background.
    autoIndex: false,
    autoCreate: true,
  });
  await conn.asPromise();
  return conn;
}
