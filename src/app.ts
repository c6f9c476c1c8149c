/**
 * The composition root: builds config-driven pieces once and wires them by hand. Nothing else constructs services.
 * Order: database → models → services → job scheduler → HTTP app (+ webhooks) → listen.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { MongoClient } from 'mongodb';
import type { Connection } from 'mongoose';
import { jobCatalog } from '../jobs/catalog.js';
import { JobScheduler } from '../jobs/scheduler.js';
import { registerInboxHandlers, registerWebhooks } from '../webhooks/index.js';
import { InboxProcessor } from '../webhooks/processor.js';
import { buildHttpApp } from './api/index.js';
import { setUpPaymentProviders, type PaymentProviderSetup } from './composition/payment-providers.js';
import { publicBaseUrl } from './config/env.js';
import type { Config } from './config/env.js';
import { resolveLocalSecrets } from './config/local-secrets.js';
import { connectMongoose, databaseNameFrom, resolveDatabase, type DatabaseServer } from './db/connection.js';
import { createModels, ensureIndexes, type Models } from './db/models/index.js';
import { FieldCipher, encryptionKeyFromBase64 } from './lib/crypto.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createMetrics } from './lib/metrics.js';
import { AuditService } from './services/audit.js';
import { NotificationService } from './services/notifications.js';
import { PaymentBatchService } from './modules/payments/services/batch-service.js';
import { PaymentQueries } from './modules/payments/services/payment-queries.js';
import { PaymentService } from './modules/payments/services/payment-service.js';
import { RecurringPaymentService } from './modules/payments/services/recurring-service.js';
import { DEFAULT_INBOX_POLICY, WebhookInbox } from './services/webhook-inbox.js';
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
  sandboxes: PaymentProviderSetup['sandboxes'];
  /** What incoming webhooks are verified with (tests sign with these; never logged or returned). */
  webhookSecrets: PaymentProviderSetup['webhookSecrets'];
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
    : await resolveDatabase({ uri: config.MONGODB_URI, dataDir: config.DATA_DIR, log: (m) => logger.warn(m) });
  const database = options.database ?? ownedDatabase!;
  const dbName = options.dbName ?? databaseNameFrom(database.uri);
  const connection = await connectMongoose(database.uri, dbName);
  const models = createModels(connection);
  await ensureIndexes(models);

  const cipher = new FieldCipher(
    encryptionKeyFromBase64(secrets.encryptionKeyBase64),
    secrets.previousEncryptionKeysBase64.map(encryptionKeyFromBase64),
  );
  const metrics = createMetrics();

  // Agenda gets its own client of the driver version its backend was built against.
  const agendaClient = new MongoClient(database.uri, { serverSelectionTimeoutMS: 5000 });
  await agendaClient.connect();
  const scheduler = new JobScheduler({ db: agendaClient.db(dbName), logger, metrics, pollMs: config.JOBS_POLL_MS });

  const paymentProviders = await setUpPaymentProviders(config, logger);
  const audit = new AuditService(models, logger);
  const users = new UserService(models, audit);
  const notifications = new NotificationService(models);
  const payments = new PaymentService({
    models,
    providers: paymentProviders.providers,
    audit,
    notifications,
    jobs: scheduler,
    cipher,
    logger,
    routing: config.PAYMENT_ROUTING,
  });
  const webhookInbox = new WebhookInbox(models, audit, metrics, logger, {
    ...DEFAULT_INBOX_POLICY,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    baseDelayMs: config.WEBHOOK_RETRY_BASE_MS,
  });
  const services: Services = {
    users,
    audit,
    rateLimiter: new RateLimiter(models),
    metrics,
    notifications,
    payments,
    paymentQueries: new PaymentQueries(models),
    paymentBatches: new PaymentBatchService({ models, payments, jobs: scheduler, audit, cipher, logger }),
    recurringPayments: new RecurringPaymentService({ models, payments, jobs: scheduler, audit, notifications, cipher, logger }),
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
  };
  await users.ensureAdmin(secrets.adminApiKey);

  scheduler.define(jobCatalog, services);
  registerInboxHandlers(services);
  const inboxProcessor = new InboxProcessor(webhookInbox, logger);
  services.webhookProcessor = inboxProcessor;
  if (options.runJobs ?? true) {
    await scheduler.start();
    inboxProcessor.start();
  }

  const app = buildHttpApp({
    services,
    logger,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    extensions: [(api) => registerWebhooks(api, paymentProviders.webhookSecrets)],
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
    sandboxes: paymentProviders.sandboxes,
    webhookSecrets: paymentProviders.webhookSecrets,
    adminApiKey: secrets.adminApiKey,
    adminKeyIsLocal: secrets.adminKeyIsLocal,
    listen: (port = config.PORT, host = config.HOST) =>
      new Promise((resolve, reject) => {
        const s = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
          const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${info.port}`;
          paymentProviders.setHubUrl(publicBaseUrl(config, info.port));
          resolve({ url, port: info.port });
        });
        s.once('error', reject);
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
        await step('stopping the payment simulators', () => paymentProviders.stop());
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
