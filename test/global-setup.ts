/**
 * Picks the database for the whole test run, in the order of DESIGN §3, and says which one it picked.
 * TEST_MONGO=uri|memory-server|emulator forces a choice (a CI job that insists on a real server sets uri).
 * Each test file then uses its own database name on this server.
 */
import type { TestProject } from 'vitest/node';
import { resolveDatabase, type DatabaseKind } from '../src/db/connection.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    mongoKind: DatabaseKind;
  }
}

export default async function setup(project: TestProject) {
  const forced = process.env.TEST_MONGO as DatabaseKind | undefined;
  const server = await resolveDatabase({
    uri: process.env.MONGODB_URI,
    force: forced,
    // Tests never download a mongod: they must run offline and fast.
    allowDownload: false,
    systemBinary: process.env.MONGOMS_SYSTEM_BINARY,
    log: (message) => console.log(message),
  });
  project.provide('mongoUri', server.uri);
  project.provide('mongoKind', server.kind);
  return async () => server.stop();
}
