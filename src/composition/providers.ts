/**
 * Part of the composition root: for every provider descriptor the modules declare, the real adapter when its
 * credentials are configured, otherwise (never in production) the simulator paired with it by name in
 * sandbox/registry.ts, on a loopback port with secrets it made up (the payment and bank simulators keep theirs in
 * DATA_DIR/sandbox/ across restarts). A provider the configuration leaves out is not registered, and its webhooks
 * are checked against a secret nobody has.
 */
import { randomBytes } from 'node:crypto';
import { simulators, type RunningSimulator, type SandboxHandles, type SimulatorContext } from '../../sandbox/registry.js';
import type { Config } from '../config/env.js';
import { ConfigError } from '../config/schema-parts.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { HubModule, ProviderDescriptor, ProviderRegistry, WebhookSecrets } from '../modules/contract.js';

export interface ProviderSetup {
  registry: ProviderRegistry;
  /** Adapters by capability, then name. */
  adapters: Map<string, Map<string, unknown>>;
  webhookSecrets: WebhookSecrets;
  sandboxes: SandboxHandles;
  /** Banner lines: where each provider (or its simulator) is. */
  banner: string[];
  /** Tells the simulators where the hub listens, once it does. */
  setHubUrl(url: string): void;
  stop(): Promise<void>;
}

/** What a disabled provider's webhooks are checked against: a secret nobody has, so each is refused (401). */
const unguessableSecret = () => randomBytes(32).toString('hex');

export async function setUpProviders(
  modules: readonly HubModule[],
  config: Config,
  context: { logger: Logger; metrics: Metrics },
): Promise<ProviderSetup> {
  const { logger } = context;
  const adapters = new Map<string, Map<string, unknown>>();
  const webhookSecrets: WebhookSecrets = {};
  const sandboxes: Record<string, unknown> = {};
  const running: RunningSimulator<unknown, unknown>[] = [];
  const banner: string[] = [];
  const log = (msg: string, data?: object) => logger.debug({ sandbox: true, ...data }, msg);
  const createContext = { ...context, config };

  const register = (descriptor: ProviderDescriptor, adapter: unknown) => {
    if (!adapters.has(descriptor.capability)) adapters.set(descriptor.capability, new Map());
    adapters.get(descriptor.capability)!.set(descriptor.name, adapter);
  };

  try {
    for (const descriptor of modules.flatMap((m) => m.providers ?? [])) {
      if (!descriptor.enabled(config)) {
        logger.info(`${descriptor.name} is turned off by configuration: it is unavailable and its webhooks are refused`);
        for (const name of descriptor.webhookSecretNames) webhookSecrets[name] = unguessableSecret();
        continue;
      }
      const settings = descriptor.fromConfig(config);
      if (settings !== undefined) {
        register(descriptor, descriptor.create(settings, createContext));
        Object.assign(webhookSecrets, descriptor.webhookSecrets(settings));
        if (descriptor.describe) banner.push(descriptor.describe(settings));
        continue;
      }
      // A simulator completes every payment by itself: a production hub that fell back to one would record fake
      // payments as paid. The config schema refuses this already; this is the last line before one starts.
      if (config.NODE_ENV === 'production') {
        throw new ConfigError([
          { variable: descriptor.credentialVariable, message: `is required when NODE_ENV=production: the ${descriptor.name} simulator never runs in production` },
        ]);
      }
      const start = (simulators as Record<string, ((ctx: SimulatorContext) => Promise<RunningSimulator<unknown, unknown>>) | undefined>)[descriptor.name];
      if (!start) throw new ConfigError([{ variable: descriptor.credentialVariable, message: `is required: ${descriptor.name} has no local simulator` }]);
      // A simulator's port variable is named after it (SANDBOX_<NAME>_PORT, declared by its module's config); tests
      // listen on any free port.
      const port = (config as unknown as Record<string, unknown>)[`SANDBOX_${descriptor.name.toUpperCase()}_PORT`];
      const simulator = await start({
        settleMs: config.SANDBOX_SETTLE_MS,
        log,
        dataDir: config.DATA_DIR,
        port: typeof port === 'number' ? port : undefined,
        anyPort: config.NODE_ENV === 'test',
      });
      running.push(simulator);
      sandboxes[descriptor.name] = simulator.handle;
      // The adapter's wait for an answer, when its settings have one, is the sandbox's (SANDBOX_PROVIDER_TIMEOUT_MS).
      const simulated = withSandboxTimeout(simulator.settings, config.SANDBOX_PROVIDER_TIMEOUT_MS);
      register(descriptor, descriptor.create(simulated, createContext));
      Object.assign(webhookSecrets, descriptor.webhookSecrets(simulated));
      banner.push(...simulator.banner.split('\n'));
    }
  } catch (err) {
    // Do not leave simulators listening behind a failed start.
    await Promise.allSettled(running.map((s) => s.stop()));
    throw err;
  }

  return {
    registry: { of: <Adapter>(capability: string) => (adapters.get(capability) ?? new Map()) as Map<string, Adapter> },
    adapters,
    webhookSecrets,
    sandboxes: sandboxes as SandboxHandles,
    banner,
    setHubUrl: (url) => running.forEach((s) => s.setHubUrl(url)),
    stop: async () => {
      await Promise.allSettled(running.map((s) => s.stop()));
    },
  };
}

function withSandboxTimeout(settings: unknown, timeoutMs: number): unknown {
  return settings && typeof settings === 'object' && 'timeoutMs' in settings ? { ...settings, timeoutMs } : settings;
}
