/**
 * Frankfurter v1 simulator (ECB reference rates): /latest, /YYYY-MM-DD, /currencies, with `base` and `symbols`.
 * Historical dates answer with the last working day on or before them and say which; before 1999-01-04 or an
 * unknown currency is 404 {"message":"not found"}, as the real service answers.
 */
import { runSimulator, type RunningSimulator } from './simulator.js';
import { ECB_ANCHORS, FIRST_ECB_DAY, ecbTable, lastWorkingDay } from './rates-data.js';

const NAMES: Record<string, string> = {
  AUD: 'Australian Dollar', BGN: 'Bulgarian Lev', BRL: 'Brazilian Real', CAD: 'Canadian Dollar', CHF: 'Swiss Franc',
  CNY: 'Chinese Renminbi Yuan', CZK: 'Czech Koruna', DKK: 'Danish Krone', EUR: 'Euro', GBP: 'British Pound',
  HKD: 'Hong Kong Dollar', HUF: 'Hungarian Forint', IDR: 'Indonesian Rupiah', ILS: 'Israeli New Sheqel',
  INR: 'Indian Rupee', ISK: 'Icelandic Króna', JPY: 'Japanese Yen', KRW: 'South Korean Won', MXN: 'Mexican Peso',
  MYR: 'Malaysian Ringgit', NOK: 'Norwegian Krone', NZD: 'New Zealand Dollar', PHP: 'Philippine Peso',
  PLN: 'Polish Złoty', RON: 'Romanian Leu', SEK: 'Swedish Krona', SGD: 'Singapore Dollar', THB: 'Thai Baht',
  TRY: 'Turkish Lira', USD: 'United States Dollar', ZAR: 'South African Rand',
};

export interface FrankfurterSimulatorOptions {
  port?: number;
  now?: () => Date;
}

export function startFrankfurterSimulator(options: FrankfurterSimulatorOptions = {}): Promise<RunningSimulator> {
  const now = options.now ?? (() => new Date());
  return runSimulator(
    'Frankfurter (ECB rates)',
    (app) => {
      const notFound = () => new Response(JSON.stringify({ message: 'not found' }), { status: 404, headers: { 'content-type': 'application/json' } });

      const answer = (date: string, base: string, symbols: string | undefined) => {
        const table: Record<string, number> = { EUR: 1, ...ecbTable(date) };
        const wanted = symbols ? symbols.toUpperCase().split(',').filter(Boolean) : Object.keys(table);
        if (!(base in table) || wanted.some((s) => !(s in table))) return notFound();
        const rates: Record<string, number> = {};
        for (const code of wanted.sort()) {
          if (code === base) continue;
          const cross = table[code] / table[base];
          rates[code] = Number(cross.toPrecision(cross < 1 ? 5 : 6));
        }
        return Response.json({ amount: 1.0, base, date, rates });
      };
      const today = () => lastWorkingDay(now().toISOString().slice(0, 10));

      app.get('/v1/currencies', (c) => c.json(Object.fromEntries(['EUR', ...Object.keys(ECB_ANCHORS)].sort().map((k) => [k, NAMES[k] ?? k]))));
      app.get('/v1/latest', (c) => answer(today(), (c.req.query('base') ?? c.req.query('from') ?? 'EUR').toUpperCase(), c.req.query('symbols') ?? c.req.query('to')));
      app.get('/v1/:date{\\d{4}-\\d{2}-\\d{2}}', (c) => {
        const asked = c.req.param('date');
        if (Number.isNaN(Date.parse(`${asked}T00:00:00Z`)) || asked < FIRST_ECB_DAY) return notFound();
        const date = asked > today() ? today() : lastWorkingDay(asked);
        return answer(date, (c.req.query('base') ?? c.req.query('from') ?? 'EUR').toUpperCase(), c.req.query('symbols') ?? c.req.query('to'));
      });
      app.notFound(() => notFound());
    },
    // A broken deploy: JSON with the rates missing.
    (c) => c.json({ amount: 1.0, base: 'EUR', date: now().toISOString().slice(0, 10) }),
    options,
  );
}
