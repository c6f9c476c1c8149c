/**
 * Pairs each provider descriptor (by name) with the simulator that stands in for it when no credentials are
 * configured. Only the composition root imports this file, so the rest of the hub never depends on sandbox/.
 * A simulator hands back the settings its provider's adapter is built from, exactly as real credentials would be.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { startMidtransSandbox } from './midtrans/index.js';
import { startSnapBankSandbox, type SimBankCode } from './snap-bank/index.js';
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

/**
 * RSA key pairs for the SNAP simulators, made once per process (2048-bit generation is slow, and every hub a test
 * boots starts six bank simulators): the hub's partner key, whose public half each simulated bank verifies token
 * requests with, and the simulated banks' notification key, whose public half the hub verifies notifications with.
 */
let snapKeys: { hub: { privateKey: KeyObject; publicKey: KeyObject }; bank: { privateKey: KeyObject; publicKey: KeyObject } } | undefined;
const pemOf = (key: KeyObject, type: 'pkcs8' | 'spki') => key.export({ type, format: 'pem' }).toString();

/** One SNAP BI bank on its own loopback simulator, with partner credentials made up for this run. */
function snapBank(code: SimBankCode) {
  return async (ctx: SimulatorContext) => {
    snapKeys ??= { hub: generateKeyPairSync('rsa', { modulusLength: 2048 }), bank: generateKeyPairSync('rsa', { modulusLength: 2048 }) };
    const clientKey = `sandbox-${code.toLowerCase()}-${randomBytes(6).toString('hex')}`;
    const clientSecret = randomBytes(24).toString('hex');
    const sim = await startSnapBankSandbox({
      partner: { clientKey, clientSecret, publicKey: pemOf(snapKeys.hub.publicKey, 'spki') },
      signingKeys: snapKeys.bank,
      // A demo is one step: the simulated holder consents at once (a request may still ask for the OTP step).
      bindingMode: 'auto',
      demoAccounts: [code],
      retryDelaysMs: [200, 500, 1000, 2000],
      log: ctx.log,
    });
    return {
      settings: {
        baseUrl: sim.baseUrlFor(code),
        credentials: { clientKey, clientSecret, privateKey: pemOf(snapKeys.hub.privateKey, 'pkcs8') },
        bankPublicKey: sim.publicKey,
        // Loopback answers in milliseconds; a hang (injected timeout) should not hold a sync for long.
        timeoutMs: 2000,
        retryDelayMs: 100,
      },
      url: sim.url,
      handle: sim,
      setHubUrl: (base: string) => sim.setHubUrl(base),
      stop: () => sim.stop(),
      banner: `${code} (SNAP) sandbox:`.padEnd(18) + `${sim.url}/_sandbox`,
    };
  };
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
  bca: snapBank('BCA'),
  mandiri: snapBank('MANDIRI'),
  bni: snapBank('BNI'),
  bri: snapBank('BRI'),
  cimb: snapBank('CIMB'),
  danamon: snapBank('DANAMON'),
} satisfies Record<string, (ctx: SimulatorContext) => Promise<RunningSimulator<unknown, unknown>>>;

/** The running simulators by provider name, typed, for tests and the banner. */
export type SandboxHandles = { [Name in keyof typeof simulators]?: Awaited<ReturnType<(typeof simulators)[Name]>>['handle'] };
