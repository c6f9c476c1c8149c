/**
 * The contract between a capability module and the composition root (see docs/architecture.md).
 *
 * A capability (payments, banks, import/export, market data, chat…) is a folder under src/modules/ whose index.ts
 * exports one HubModule. The root loops over the module list in src/modules/index.ts: it merges the config
 * fragments, builds the models, sets up each provider (real adapter or paired simulator), calls `services` with the
 * shared dependencies, then mounts routes and webhook intakes, registers inbox handlers and jobs, and hands chat
 * commands to the chat core. No capability's name appears in the root.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Connection, Model } from 'mongoose';
import type { JobDefinition } from '../../jobs/define-job.js';
import type { WebhookIntake } from '../../webhooks/intake.js';
import type { HubEnv } from '../http/hub-env.js';
import type { Config } from '../config/env.js';
import type { ConfigFragment } from '../config/schema-parts.js';
import type { Models } from '../db/models/index.js';
import type { FieldCipher } from '../lib/crypto.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { Clock } from '../lib/clock.js';
import type { AuditService } from '../services/audit.js';
import type { JobQueue } from '../services/job-queue.js';
import type { NotificationService } from '../services/notifications.js';
import type { Services } from '../services/registry.js';
import type { UserService } from '../services/users.js';
import type { InboxHandler } from '../services/webhook-inbox.js';

/**
 * One outside party a capability talks to (a payment provider, a bank, a rates source). The root asks
 * `fromConfig` for real credentials; without them (never in production) it starts the simulator paired with the
 * same `name` in sandbox/registry.ts and builds the adapter from the settings the simulator hands back.
 */
export interface ProviderDescriptor<Settings = unknown, Adapter = unknown> {
  name: string;
  /** Which capability's registry the adapter lands in (deps.providers.of(capability)). */
  capability: string;
  /** False when configuration leaves this provider out: no adapter, webhooks refused. */
  enabled(config: Config): boolean;
  /** The real settings when credentials are configured, else undefined (simulator, outside production). */
  fromConfig(config: Config): Settings | undefined;
  /** The variable a person must set to use the real provider; named in the production refusal. */
  credentialVariable: string;
  /**
   * Builds the adapter from the real settings or the simulator's. `config` is for tuning that applies to either
   * (timeouts, circuit breakers), not for credentials, which come in `settings`.
   */
  create(settings: Settings, context: { logger: Logger; metrics: Metrics; config: Config }): Adapter;
  /**
   * Secrets incoming webhooks are checked with, by name (tests sign with these). A disabled provider gets an
   * unguessable value for each name, so its webhooks are refused.
   */
  webhookSecretNames: readonly string[];
  webhookSecrets(settings: Settings): Record<string, string>;
  /** One line for the start banner when the real provider is used. */
  describe?(settings: Settings): string;
}

export const defineProvider = <Settings, Adapter>(d: ProviderDescriptor<Settings, Adapter>): ProviderDescriptor<Settings, Adapter> => d;

/** The adapters set up for this run, by capability and name. */
export interface ProviderRegistry {
  of<Adapter>(capability: string): Map<string, Adapter>;
}

/** What the root hands a module to build its services from. */
export interface ModuleDeps {
  config: Config;
  models: Models;
  logger: Logger;
  metrics: Metrics;
  cipher: FieldCipher;
  clock: Clock;
  jobs: JobQueue;
  audit: AuditService;
  notifications: NotificationService;
  users: UserService;
  providers: ProviderRegistry;
  /** Services of the modules listed before this one (a module may use another's services, never its adapters). */
  services: Services;
  /** Every module's `commands`, for the chat module's command core (a capability listed later still contributes). */
  chatCommands?: readonly unknown[];
}

/** The secrets every webhook provider contributed, by name (ProviderDescriptor.webhookSecretNames). */
export type WebhookSecrets = Record<string, string>;

export interface HubModule {
  name: string;
  config?: ConfigFragment;
  /** Mongoose models by name; merged into `Models` (declare them there with `declare module`). */
  models?: Record<string, (connection: Connection) => Model<any>>;
  providers?: ProviderDescriptor<any, any>[];
  /** Builds the module's services; the result is merged into the services bag (declare them on `Services`). */
  services?(deps: ModuleDeps): Partial<Services>;
  /** REST routes, each a function registering one operation on the shared app (auth, errors, OpenAPI included). */
  routes?: ((app: OpenAPIHono<HubEnv>) => void)[];
  /** Webhook intakes; built once the providers' webhook secrets are known. */
  webhooks?(secrets: WebhookSecrets): WebhookIntake<any>[];
  /** Inbox handlers by event kind (the `kind` its intakes store). */
  inboxHandlers?(services: Services): Record<string, InboxHandler>;
  jobs?: JobDefinition<any>[];
  /** Chat commands this capability contributes to the command core in bots/. */
  commands?: unknown[];
  /** Runs after services exist and before traffic (e.g. scheduling repeating jobs); must be idempotent. */
  start?(services: Services): Promise<void>;
  /** Runs at shutdown, after jobs and the inbox stopped; gets the services bag so a module can close what they hold. */
  stop?(services: Services): Promise<void>;
}

export const defineModule = (module: HubModule): HubModule => module;
