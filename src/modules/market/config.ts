/**
 * The market capability's variables. The public sources need no keys, so what decides between the real hosts and
 * the local simulators is one switch: MARKET_DATA_SOURCES=live|sandbox (default sandbox, and live whenever
 * NODE_ENV=production: simulated rates must never be shown as real ones).
 */
import { z } from 'zod';
import { defineConfigFragment, optionalString } from '../../config/schema-parts.js';

export const MARKET_DATA_MODES = ['live', 'sandbox'] as const;

export const marketConfig = defineConfigFragment({
  shape: {
    MARKET_DATA_SOURCES: optionalString.pipe(z.enum(MARKET_DATA_MODES, { error: `must be one of ${MARKET_DATA_MODES.join(', ')}` }).optional()),
  },
  check(env, issue) {
    if (env.NODE_ENV === 'production' && env.MARKET_DATA_SOURCES === 'sandbox') {
      issue('MARKET_DATA_SOURCES', 'cannot be sandbox when NODE_ENV=production (simulated market data would be shown as real)');
    }
  },
});

export type MarketConfig = z.infer<z.ZodObject<typeof marketConfig.shape>>;

declare module '../../config/env.js' {
  interface ModuleConfig extends MarketConfig {}
}

/** True when the real public hosts are used. */
export const marketSourcesLive = (config: { NODE_ENV: string; MARKET_DATA_SOURCES?: 'live' | 'sandbox' }) =>
  config.MARKET_DATA_SOURCES === 'live' || (config.MARKET_DATA_SOURCES === undefined && config.NODE_ENV === 'production');
