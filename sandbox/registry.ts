/**
 * Pairs each provider descriptor (by name) with the simulator that stands in for it when no credentials are
 * configured. Only the composition root imports this file, so the rest of the hub never depends on sandbox/.
 * A simulator hands back the settings its provider's adapter is built from, exactly as real credentials would be.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { startFrankfurterSimulator } from './market/frankfurter.js';
import { startOpenErApiSimulator } from './market/open-er-api.js';
import { startOpenMeteoSimulator } from './market/open-meteo.js';
import { startRssSimulator } from './market/rss.js';
import type { RunningSimulator as MarketSimulator } from './market/simulator.js';
import { startYahooChartSimulator } from './market/yahoo-chart.js';
import { startMidtransSandbox } from './midtrans/index.js';
import { startSnapBankSandbox, type SimBankCode } from './snap-bank/index.js';
import { startFakeSlack } from './slack/index.js';
import { startFakeTelegram } from './telegram/index.js';
import { startXenditSandbox } from './xendit/index.js';
import { listenOnStablePort, stableSandboxKeyPair, stableSandboxSecret } from './shared/stable-settings.js';

export interface SimulatorContext {
  /** SANDBOX_SETTLE_MS: how long a simulated person takes to complete what they started (0 = only by hand). */
  settleMs: number;
  log: (message: string, data?: object) => void;
  /** DATA_DIR: where a simulator keeps the keys it made up, so they survive restarts. */
  dataDir: string;
  /** SANDBOX_<NAME>_PORT when set; otherwise the simulator's fixed default (or any free port when `anyPort`). */
  port?: number;
  /** Tests: listen on any free port unless one is configured. */
  anyPort?: boolean;
}

/** Fixed default ports, so a developer's base URL stays the same across restarts (SANDBOX_<NAME>_PORT overrides). */
export const DEFAULT_SIMULATOR_PORTS = { midtrans: 3901, xendit: 3902, bca: 3903, mandiri: 3904, bni: 3905, bri: 3906, cimb: 3907, danamon: 3908 } as const;

const portFor = (ctx: SimulatorContext, name: keyof typeof DEFAULT_SIMULATOR_PORTS) => ({ configured: ctx.port ?? (ctx.anyPort ? 0 : undefined), fallback: DEFAULT_SIMULATOR_PORTS[name] });
const taken = (note?: string) => (note ? `   (${note}; set SANDBOX_*_PORT to choose)` : '');

export interface RunningSimulator<Settings, Handle> {
  /** What the adapter is built from (base URL pointing here, made-up keys for this run). */
  settings: Settings;
  url: string;
  /** The simulator itself, for tests and the banner (settle, inject faults…). */
  handle: Handle;
  /** Where the hub listens, once it does: the simulator sends its webhooks there. */
  setHubUrl(baseUrl: string): void;
  stop(): Promise<void>;
  /** One line for the start banner. */
  banner: string;
}

const pemOf = (key: KeyObject, type: 'pkcs8' | 'spki') => key.export({ type, format: 'pem' }).toString();

/**
 * The RSA key pairs the SNAP simulators share, kept per DATA_DIR: the hub's partner key, whose public half each
 * simulated bank verifies token requests with, and the simulated banks' notification key, whose public half the hub
 * verifies notifications with. One pair each for all six banks: 2048-bit generation is slow, and every fresh
 * DATA_DIR (each test's hub) starts six bank simulators.
 */
async function snapKeys(dataDir: string) {
  const [hub, bank] = await Promise.all([stableSandboxKeyPair(dataDir, 'snap-partner-key'), stableSandboxKeyPair(dataDir, 'snap-bank-signing-key')]);
  return { hub, bank };
}

/** One SNAP BI bank on its own loopback simulator, with partner credentials made up once per DATA_DIR. */
function snapBank(code: SimBankCode) {
  const name = code.toLowerCase() as Lowercase<SimBankCode>;
  return async (ctx: SimulatorContext) => {
    const keys = await snapKeys(ctx.dataDir);
    const clientKey = await stableSandboxSecret(ctx.dataDir, `snap-${name}-client-key`, () => `sandbox-${name}-${randomBytes(6).toString('hex')}`);
    const clientSecret = await stableSandboxSecret(ctx.dataDir, `snap-${name}-client-secret`, () => randomBytes(24).toString('hex'));
    const { running: sim, note } = await listenOnStablePort(
      (port) =>
        startSnapBankSandbox({
          partner: { clientKey, clientSecret, publicKey: pemOf(keys.hub.publicKey, 'spki') },
          signingKeys: keys.bank,
          // A demo is one step: the simulated holder consents at once (a request may still ask for the OTP step).
          bindingMode: 'auto',
          demoAccounts: [code],
          retryDelaysMs: [200, 500, 1000, 2000],
          log: ctx.log,
          port,
        }),
      portFor(ctx, name),
    );
    return {
      settings: {
        baseUrl: sim.baseUrlFor(code),
        credentials: { clientKey, clientSecret, privateKey: pemOf(keys.hub.privateKey, 'pkcs8') },
        bankPublicKey: sim.publicKey,
        // Loopback answers in milliseconds; a hang (injected timeout) should not hold a sync for long.
        timeoutMs: 2000,
        retryDelayMs: 100,
      },
      url: sim.url,
      handle: sim,
      setHubUrl: (base: string) => sim.setHubUrl(base),
      stop: () => sim.stop(),
      banner: `${`${code} (SNAP) sandbox:`.padEnd(34)}${sim.url}/_sandbox${taken(note)}`,
    };
  };
}

export const simulators = {
  async midtrans(ctx: SimulatorContext) {
    const serverKey = await stableSandboxSecret(ctx.dataDir, 'midtrans-server-key', () => `SB-Mid-server-local-${randomBytes(12).toString('hex')}`);
    const { running: sim, note } = await listenOnStablePort((port) => startMidtransSandbox({ serverKey, settleMs: ctx.settleMs, log: ctx.log, port }), portFor(ctx, 'midtrans'));
    return {
      settings: { serverKey, baseUrl: sim.url, timeoutMs: 5000 },
      url: sim.url,
      handle: sim,
      setHubUrl: (base: string) => sim.setNotificationUrl(`${base}/webhooks/midtrans`),
      stop: () => sim.stop(),
      banner:
        `Midtrans sandbox: ${sim.url}/_sandbox${ctx.settleMs ? `   (settles by itself after ${ctx.settleMs} ms)` : ''}${taken(note)}\n` +
        `                  Core API base URL ${sim.url}, server key ${serverKey}`,
    };
  },
  async xendit(ctx: SimulatorContext) {
    const secretKey = await stableSandboxSecret(ctx.dataDir, 'xendit-secret-key', () => `xnd_development_local_${randomBytes(12).toString('hex')}`);
    const callbackToken = await stableSandboxSecret(ctx.dataDir, 'xendit-callback-token', () => randomBytes(24).toString('hex'));
    const { running: sim, note } = await listenOnStablePort((port) => startXenditSandbox({ secretKey, callbackToken, settleMs: ctx.settleMs, log: ctx.log, port }), portFor(ctx, 'xendit'));
    return {
      settings: { secretKey, callbackToken, baseUrl: sim.url, timeoutMs: 5000 },
      url: sim.url,
      handle: sim,
      setHubUrl: (base: string) => sim.setCallbackUrl(`${base}/webhooks/xendit`),
      stop: () => sim.stop(),
      banner: `Xendit sandbox:   ${sim.url}/_sandbox${taken(note)}\n                  API base URL ${sim.url}, secret key ${secretKey}`,
    };
  },
  // Market data sources: public, keyless APIs; the simulators speak their URLs and JSON/RSS shapes.
  frankfurter: () => marketSimulator(startFrankfurterSimulator(), (url) => ({ baseUrl: `${url}/v1` }), 'Frankfurter (ECB rates)'),
  'open-er-api': () => marketSimulator(startOpenErApiSimulator(), (url) => ({ baseUrl: `${url}/v6` }), 'open.er-api.com rates'),
  'yahoo-chart': () => marketSimulator(startYahooChartSimulator(), (url) => ({ baseUrl: url }), 'Yahoo chart (IDX)'),
  'open-meteo': () => marketSimulator(startOpenMeteoSimulator(), (url) => ({ baseUrl: url }), 'Open-Meteo'),
  'rss-news': () => marketSimulator(startRssSimulator(), (url) => ({ origin: url }), 'RSS news feeds'),
  // Chat platforms
  async telegram() {
    const token = `7000000001:${randomBytes(18).toString('base64url')}`;
    const webhookSecret = randomBytes(24).toString('base64url');
    const sim = await startFakeTelegram({ token, botUsername: 'swhub_sandbox_bot' });
    return {
      settings: { token, apiRoot: sim.url, webhookSecret, botUsername: 'swhub_sandbox_bot' },
      url: sim.url,
      handle: sim,
      setHubUrl: (base: string) => sim.setWebhook(`${base}/webhooks/telegram`, webhookSecret),
      stop: () => sim.close(),
      banner: `Telegram sandbox: ${sim.url}/_sandbox   (chat with @swhub_sandbox_bot in the browser)`,
    };
  },
  async slack() {
    const botToken = `xoxb-local-${randomBytes(12).toString('hex')}`;
    const signingSecret = randomBytes(16).toString('hex');
    const sim = await startFakeSlack({ botToken, signingSecret });
    return {
      settings: { botToken, signingSecret, apiUrl: sim.apiUrl },
      url: sim.url,
      handle: sim,
      setHubUrl: (base: string) => sim.setHubUrl(base),
      stop: () => sim.close(),
      banner: `Slack sandbox:    ${sim.url}/_sandbox   (type /sw commands in the browser)`,
    };
  },
  bca: snapBank('BCA'),
  mandiri: snapBank('MANDIRI'),
  bni: snapBank('BNI'),
  bri: snapBank('BRI'),
  cimb: snapBank('CIMB'),
  danamon: snapBank('DANAMON'),
} satisfies Record<string, (ctx: SimulatorContext) => Promise<RunningSimulator<unknown, unknown>>>;

/** The running simulators by provider name, typed, for tests and the banner. */
export type SandboxHandles = { [Name in keyof typeof simulators]?: Awaited<ReturnType<(typeof simulators)[Name]>>['handle'] };

/** A market simulator as a registry entry: the adapter's settings point at it; it sends no webhooks. */
async function marketSimulator<Settings>(started: Promise<MarketSimulator>, settings: (url: string) => Settings, label: string) {
  const sim = await started;
  return {
    settings: settings(sim.url),
    url: sim.url,
    handle: sim,
    setHubUrl: () => {},
    stop: () => sim.stop(),
    banner: `${`${label} sandbox:`.padEnd(34)}${sim.url}/_sandbox`,
  };
}
