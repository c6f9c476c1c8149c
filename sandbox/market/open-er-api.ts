/**
 * open.er-api.com simulator: GET /v6/latest/:base → the whole table against that base, updated once a day
 * (time_last_update_* is today 00:02 UTC). An unknown base is 404 {"result":"error","error-type":"unsupported-code"}.
 */
import { runSimulator, type RunningSimulator } from './simulator.js';
import { usdTable } from './rates-data.js';

export interface OpenErApiSimulatorOptions {
  port?: number;
  now?: () => Date;
}

export function startOpenErApiSimulator(options: OpenErApiSimulatorOptions = {}): Promise<RunningSimulator> {
  const now = options.now ?? (() => new Date());
  return runSimulator(
    'open.er-api.com',
    (app) => {
      app.get('/v6/latest/:base', (c) => {
        const base = c.req.param('base').toUpperCase();
        const today = now().toISOString().slice(0, 10);
        const usd = usdTable(today);
        if (!(base in usd)) return c.json({ result: 'error', 'error-type': 'unsupported-code' }, 404);
        const rates: Record<string, number> = {};
        for (const [code, perUsd] of Object.entries(usd).sort(([a], [b]) => a.localeCompare(b))) {
          rates[code] = code === base ? 1 : Number((perUsd / usd[base]).toPrecision(8));
        }
        const updated = Date.parse(`${today}T00:02:31Z`);
        return c.json({
          result: 'success',
          provider: 'https://www.exchangerate-api.com',
          documentation: 'https://www.exchangerate-api.com/docs/free',
          terms_of_use: 'https://www.exchangerate-api.com/terms',
          time_last_update_unix: updated / 1000,
          time_last_update_utc: new Date(updated).toUTCString().replace('GMT', '+0000'),
          time_next_update_unix: updated / 1000 + 86_400,
          time_next_update_utc: new Date(updated + 86_400_000).toUTCString().replace('GMT', '+0000'),
          time_eol_unix: 0,
          base_code: base,
          rates,
        });
      });
      app.notFound((c) => c.json({ result: 'error', 'error-type': 'unsupported-code' }, 404));
    },
    (c) => c.body('{"result":"success","base_code":"USD","rates":{"IDR":162', 200, { 'content-type': 'application/json' }),
    options,
  );
}
