/**
 * The composition root: builds config-driven pieces once and wires them by hand. Nothing else constructs services.
 * Order: database → models → providers → core services → each module's services → jobs and inbox handlers →
 * HTTP app (core routes, then each module's routes and webhooks) → listen. Capabilities come from the module list
 * (src/modules/index.ts); nothing here names one.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { MongoClient } from 'mongodb';
import type { Connection } from 'mongoose';
import { coreJobs } from '../jobs/catalog.js';
import { JobScheduler } from '../jobs/scheduler.js';
import { mountWebhook } from '../webhooks/intake.js';
import { InboxProcessor } from '../webhooks/processor.js';
import type { SandboxHandles } from '../sandbox/registry.js';
import { buildHttpApp } from './api/index.js';
import { lingerOnClose } from './http/lingering-close.js';
import { setUpProviders } from './composition/providers.js';
import { publicBaseUrl } from './config/env.js';
import type { Config } from './config/env.js';
import { resolveLocalSecrets } from './config/local-secrets.js';
import { DATABASE_TIMEOUTS } from './db/limits.js';
import { connectMongoose, databaseNameFrom, resolveDatabase, type DatabaseServer } from './db/connection.js';
import { createModels, ensureIndexes, type Models } from './db/models/index.js';
import { FieldCipher, encryptionKeyFromBase64 } from './lib/crypto.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createMetrics } from './lib/metrics.js';
import { systemClock, type Clock } from './lib/clock.js';
import type { HubModule, WebhookSecrets } from './modules/contract.js';
import { hubModules } from './modules/index.js';
import { AuditService } from './services/audit.js';
import { NotificationService } from './services/notifications.js';
import { DEFAULT_INBOX_POLICY, WebhookInbox, type InboxHandler } from './services/webhook-inbox.js';
import { RateLimiter } from './services/rate-limiter.js';
import type { Services } from './services/registry.js';
import { UserService } from './services/users.js';

export interface HubOptions {
  config: Config;
  /** An already running database (tests share one per run); resolved from config otherwise. */
  database?: Pick<DatabaseServer, 'uri' | 'kind'>;
  /** Overrides the database name (tests use one per file). */
  dbName?: string;
  logger?: Logger;
  /** Start the Agenda job loop and the webhook inbox processor (default true). */
  runJobs?: boolean;
  /** The capabilities to run (default: every module in src/modules/index.ts). Tests add example modules here. */
  modules?: readonly HubModule[];
  /** What time it is (default the system clock); tests pass a ManualClock to let time pass without sleeping. */
  clock?: Clock;
}

export interface Hub {
  config: Config;
  logger: Logger;
  services: Services;
  models: Models;
  connection: Connection;
  cipher: FieldCipher;
  scheduler: JobScheduler;
  app: ReturnType<typeof buildHttpApp>;
  databaseKind: DatabaseServer['kind'];
  inboxProcessor: InboxProcessor;
  /** The local provider simulators, when no real credentials are configured. */
  sandboxes: SandboxHandles;
  /** What incoming webhooks are verified with (tests sign with these; never logged or returned). */
  webhookSecrets: WebhookSecrets;
  /** Banner lines saying where each provider or simulator is. */
  providerBanner: string[];
  clock: Clock;
  adminApiKey: string;
  adminKeyIsLocal: boolean;
  /** Starts the HTTP server; port 0 picks a free one. */
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  /** Graceful stop: no new requests, in-flight work finishes, jobs drain, connections close. */
  stop(): Promise<void>;
}

export async function createHub(options: HubOptions): Promise<Hub> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const secrets = await resolveLocalSecrets(config, logger);

  const ownedDatabase = options.database
    ? undefined
    : await resolveDatabase({
        uri: config.MONGODB_URI,
        dataDir: config.DATA_DIR,
        systemBinary: config.MONGOMS_SYSTEM_BINARY,
        mongodVersion: config.MONGOMS_VERSION,
        allowDownload: config.MONGOMS_ALLOW_DOWNLOAD === '1' ? true : undefined,
        onCi: Boolean(config.CI),
        log: (m) => logger.warn(m),
      });
  const database = options.database ?? ownedDatabase!;
  const dbName = options.dbName ?? databaseNameFrom(database.uri);
  const modules = options.modules ?? hubModules;
  const clock = options.clock ?? systemClock;
  const connection = await connectMongoose(database.uri, dbName, clock);
  const models = createModels(connection, modules.flatMap((m) => (m.models ? [m.models] : [])));
  await ensureIndexes(models);

  const cipher = new FieldCipher(
    encryptionKeyFromBase64(secrets.encryptionKeyBase64),
    secrets.previousEncryptionKeysBase64.map(encryptionKeyFromBase64),
  );
  const metrics = createMetrics();

  // Agenda gets its own client of the driver version its backend was built against.
  const agendaClient = new MongoClient(database.uri, { ...DATABASE_TIMEOUTS });
  await agendaClient.connect();
  const scheduler = new JobScheduler({ db: agendaClient.db(dbName), logger, metrics, pollMs: config.JOBS_POLL_MS, clock });

  const providers = await setUpProviders(modules, config, { logger, metrics });
  const audit = new AuditService(models, logger);
  const users = new UserService(models, audit);
  const notifications = new NotificationService(models);
  const webhookInbox = new WebhookInbox(models, audit, metrics, logger, {
    ...DEFAULT_INBOX_POLICY,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    baseDelayMs: config.WEBHOOK_RETRY_BASE_MS,
  }, clock);
  const services = {
    users,
    audit,
    rateLimiter: new RateLimiter(models, clock),
    metrics,
    notifications,
    webhookInbox,
    health: {
      databaseReachable: async () => {
        try {
          await withTimeout(connection.db!.admin().ping(), 1500);
          return true;
        } catch {
          return false;
        }
      },
    },
  } as Services;
  for (const module of modules) {
    if (!module.services) continue;
    Object.assign(
      services,
      module.services({
        config,
        models,
        logger,
        metrics,
        cipher,
        clock,
        jobs: scheduler,
        audit,
        notifications,
        users,
        providers: providers.registry,
        services,
        chatCommands: modules.flatMap((m) => m.commands ?? []),
      }),
    );
  }
  await users.ensureAdmin(secrets.adminApiKey);

  scheduler.define([...coreJobs, ...modules.flatMap((m) => m.jobs ?? [])], services);
  for (const module of modules) {
    for (const [kind, handler] of Object.entries(module.inboxHandlers?.(services) ?? {}) as [string, InboxHandler][]) webhookInbox.registerHandler(kind, handler);
  }
  const inboxProcessor = new InboxProcessor(webhookInbox, logger);
  services.webhookProcessor = inboxProcessor;
  // Retries that a manual clock's jump made due run now rather than on the next real-time poll.
  clock.onAdvance?.(() => inboxProcessor.kick());
  for (const module of modules) await module.start?.(services);
  if (options.runJobs ?? true) {
    await scheduler.start();
    inboxProcessor.start();
  }

  const app = buildHttpApp({
    services,
    logger,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    extensions: modules.map((module) => (api) => {
      for (const register of module.routes ?? []) register(api);
      for (const intake of module.webhooks?.(providers.webhookSecrets) ?? []) mountWebhook(api, intake);
    }),
  });

  let server: ServerType | undefined;
  let stopping: Promise<void> | undefined;

  return {
    config,
    logger,
    services,
    models,
    connection,
    cipher,
    scheduler,
    app,
    databaseKind: database.kind,
    inboxProcessor,
    sandboxes: providers.sandboxes,
    webhookSecrets: providers.webhookSecrets,
    providerBanner: providers.banner,
    clock,
    adminApiKey: secrets.adminApiKey,
    adminKeyIsLocal: secrets.adminKeyIsLocal,
    listen: (port = config.PORT, host = config.HOST) =>
      new Promise((resolve, reject) => {
        const s = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
          const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${info.port}`;
          providers.setHubUrl(publicBaseUrl(config, info.port));
          resolve({ url, port: info.port });
        });
        s.once('error', reject);
        // A `Connection: close` answer sent before the body was read must reach the client, not be overtaken by a reset.
        lingerOnClose(s);
        server = s;
      }),
    // Once only (later calls share the first), and every step runs even if one before it failed, so a failed
    // step never leaves connections or the embedded database open; failures are logged, never thrown.
    stop: () =>
      (stopping ??= (async () => {
        const step = async (what: string, run: () => Promise<unknown>) => {
          try {
            await run();
          } catch (err) {
            logger.warn({ err }, `shutdown: ${what} failed`);
          }
        };
        if (server) await step('closing the HTTP server', () => closeServer(server!));
        await step('stopping the inbox processor', () => inboxProcessor.stop());
        await step('stopping the job scheduler', () => scheduler.stop());
        for (const module of modules) if (module.stop) await step(`stopping the ${module.name} module`, () => module.stop!(services));
        await step('stopping the provider simulators', () => providers.stop());
        await step('closing the job database client', () => agendaClient.close());
        await step('closing the database connection', () => connection.close());
        if (ownedDatabase) await step('stopping the embedded database', () => ownedDatabase.stop());
      })()),
  };
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive sockets would hold close() open forever; requests in flight still finish.
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}
