/**
 * The market-data simulators, one real HTTP server per source on loopback, so a test (or a person running
 * `npm start`) can stop one source and watch the hub fall back to its cache. `baseUrls` are what the composition
 * root hands the adapters in place of the real hosts.
 */
import { startFrankfurterSimulator } from './frankfurter.js';
import { startOpenErApiSimulator } from './open-er-api.js';
import { startOpenMeteoSimulator } from './open-meteo.js';
import { startRssSimulator } from './rss.js';
import type { RunningSimulator } from './simulator.js';
import { startYahooChartSimulator } from './yahoo-chart.js';

export type { FaultSpec, MarketFaultMode, RunningSimulator } from './simulator.js';

export interface MarketSandbox {
  frankfurter: RunningSimulator;
  openErApi: RunningSimulator;
  yahoo: RunningSimulator;
  openMeteo: RunningSimulator;
  rss: RunningSimulator;
  /** Base URLs in the shape each adapter's `baseUrl`/`origin` option takes. */
  baseUrls: { frankfurter: string; openErApi: string; yahoo: string; openMeteo: string; rssOrigin: string };
  stop(): Promise<void>;
}

export async function startMarketSandbox(options: { now?: () => Date } = {}): Promise<MarketSandbox> {
  const [frankfurter, openErApi, yahoo, openMeteo, rss] = await Promise.all([
    startFrankfurterSimulator(options),
    startOpenErApiSimulator(options),
    startYahooChartSimulator(options),
    startOpenMeteoSimulator(options),
    startRssSimulator(options),
  ]);
  const all = [frankfurter, openErApi, yahoo, openMeteo, rss];
  return {
    frankfurter,
    openErApi,
    yahoo,
    openMeteo,
    rss,
    baseUrls: {
      frankfurter: `${frankfurter.url}/v1`,
      openErApi: `${openErApi.url}/v6`,
      yahoo: yahoo.url,
      openMeteo: openMeteo.url,
      rssOrigin: rss.url,
    },
    stop: async () => void (await Promise.all(all.map((s) => s.stop()))),
  };
}
