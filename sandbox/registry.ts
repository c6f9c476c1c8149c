/**
 * Pairs each provider descriptor (by name) with the simulator that stands in for it when no credentials are
 * configured. Only the composition root imports this file, so the rest of the hub never depends on sandbox/.
 * A simulator hands back the settings its provider's adapter is built from, exactly as real credentials would be.
 */
import { randomBytes } from 'node:crypto';
import { startMidtransSandbox } from './midtrans/index.js';
import { startXenditSandbox } from './xendit/index.js';

export interface SimulatorContext {
  /** SANDBOX_SETTLE_MS: how long a simulated person takes to complete what they started (0 = only by hand). */
  settleMs: number;
  log: (message: string, data?: object) => void;
}

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

export const simulators = {
  async midtrans(ctx: SimulatorContext) {
    const serverKey = `SB-Mid-server-local-${randomBytes(12).toString('hex')}`;
    const sim = await startMidtransSandbox({ serverKey, settleMs: ctx.settleMs, log: ctx.log });
    return {
      settings: { serverKey, baseUrl: sim.url, timeoutMs: 5000 },
      url: sim.url,
      handle: sim,
      setHubUrl: (base: string) => sim.setNotificationUrl(`${base}/webhooks/midtrans`),
      stop: () => sim.stop(),
      banner: `Midtrans sandbox: ${sim.url}/_sandbox${ctx.settleMs ? `   (settles by itself after ${ctx.settleMs} ms)` : ''}`,
    };
  },
  async xendit(ctx: SimulatorContext) {
    const secretKey = `xnd_development_local_${randomBytes(12).toString('hex')}`;
    const callbackToken = randomBytes(24).toString('hex');
    const sim = await startXenditSandbox({ secretKey, callbackToken, settleMs: ctx.settleMs, log: ctx.log });
    return {
      settings: { secretKey, callbackToken, baseUrl: sim.url, timeoutMs: 5000 },
      url: sim.url,
      handle: sim,
      setHubUrl: (base: string) => sim.setCallbackUrl(`${base}/webhooks/xendit`),
      stop: () => sim.stop(),
      banner: `Xendit sandbox:   ${sim.url}/_sandbox`,
    };
  },
} satisfies Record<string, (ctx: SimulatorContext) => Promise<RunningSimulator<unknown, unknown>>>;

/** The running simulators by provider name, typed, for tests and the banner. */
export type SandboxHandles = { [Name in keyof typeof simulators]?: Awaited<ReturnType<(typeof simulators)[Name]>>['handle'] };
