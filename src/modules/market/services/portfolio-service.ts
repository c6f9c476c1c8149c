/**
 * A user's IDX portfolio: holdings in lots with an average price, valued at the latest quotes (value, day change,
 * gain/loss in IDR minor units). Every query is scoped to the user: another user's holding is "not found".
 */
import type { Types } from 'mongoose';
import type { AuditService } from '../../../services/audit.js';
import type { Actor } from '../../../services/actor.js';
import { AppError, notFound } from '../../../lib/errors.js';
import { SHARES_PER_LOT, type PortfolioHoldingModel } from '../models/portfolio-holding.js';
import { div, ratio, toDecimalString } from '../decimal.js';
import { parseMajorToMinor } from './currencies.js';
import { normaliseTicker, type QuoteView, type StocksService } from './stocks-service.js';
import { toJakartaIso } from '../../../lib/time.js';

export interface HoldingValuation {
  ticker: string;
  name?: string;
  lots: number;
  shares: number;
  averagePriceMinor: number;
  priceMinor: number;
  costMinor: number;
  valueMinor: number;
  gainLossMinor: number;
  gainLossPercent: string;
  dayChangeMinor: number;
  stale: boolean;
  ageSeconds: number;
  /** Why the price is stale, when its source just failed (absent while a stale price is merely being refreshed). */
  sourceError?: string;
}

export interface PortfolioValuation {
  currency: 'IDR';
  holdings: HoldingValuation[];
  totals: { costMinor: number; valueMinor: number; gainLossMinor: number; gainLossPercent: string; dayChangeMinor: number };
  /** True when any price came from cache because its source is down or being refreshed. */
  stale: boolean;
  valuedAt: string;
}

export class PortfolioService {
  constructor(private readonly deps: { model: PortfolioHoldingModel; stocks: StocksService; audit: AuditService; now: () => Date }) {}

  /** Sets a holding (replacing lots and average price); the ticker must quote on IDX. */
  async upsert(actor: Actor, input: { ticker: string; lots: number; averagePrice: string }) {
    const ticker = normaliseTicker(input.ticker, 'ticker');
    if (!Number.isSafeInteger(input.lots) || input.lots < 1) {
      throw new AppError('VALIDATION_FAILED', 'lots: a whole number of lots (1 lot = 100 shares), at least 1', { details: { issues: [{ field: 'lots', reason: 'a whole number of lots, at least 1' }] } });
    }
    const averagePriceMinor = Number(parseMajorToMinor(input.averagePrice, 'IDR', 'averagePrice'));
    if (averagePriceMinor <= 0) {
      throw new AppError('VALIDATION_FAILED', 'averagePrice: must be more than zero', { details: { issues: [{ field: 'averagePrice', reason: 'must be more than zero' }] } });
    }
    // Value, cost and gain are whole sen in JSON numbers: a holding whose cost is past 2^53 sen (about Rp90 trillion)
    // would be valued with rounded, wrong figures. Refused rather than shown wrong.
    if (BigInt(input.lots) * BigInt(SHARES_PER_LOT) * BigInt(averagePriceMinor) > BigInt(Number.MAX_SAFE_INTEGER) || !Number.isSafeInteger(averagePriceMinor)) {
      throw new AppError('VALIDATION_FAILED', 'lots: lots × 100 × averagePrice is too large to value exactly', { details: { issues: [{ field: 'lots', reason: 'lots × 100 × averagePrice is too large to value exactly' }] } });
    }
    await this.deps.stocks.quote(ticker, 'ticker'); // unknown ticker → 400 naming it, nothing stored
    const userId = actor.userId;
    const doc = await this.deps.model.findOneAndUpdate(
      { userId, ticker },
      { $set: { lots: input.lots, averagePriceMinor, currency: 'IDR' } },
      { upsert: true, returnDocument: 'after' },
    );
    await this.deps.audit.record({ actor, action: 'market.portfolio.set', target: { type: 'portfolioHolding', id: ticker }, metadata: { lots: input.lots, averagePriceMinor } });
    return { ticker: doc!.ticker, lots: doc!.lots, averagePriceMinor: doc!.averagePriceMinor, currency: doc!.currency };
  }

  async remove(actor: Actor, ticker: string): Promise<void> {
    const symbol = normaliseTicker(ticker, 'ticker');
    const { deletedCount } = await this.deps.model.deleteOne({ userId: actor.userId, ticker: symbol });
    if (!deletedCount) throw notFound(`holding ${symbol}`);
    await this.deps.audit.record({ actor, action: 'market.portfolio.remove', target: { type: 'portfolioHolding', id: symbol } });
  }

  async valuation(userId: Types.ObjectId | string): Promise<PortfolioValuation> {
    const holdings = await this.deps.model.find({ userId }).sort({ ticker: 1 }).lean();
    const quotes = holdings.length ? await this.deps.stocks.quotes(holdings.map((h) => h.ticker), 'ticker') : [];
    const byTicker = new Map<string, QuoteView>(quotes.map((q) => [q.ticker, q]));
    const rows: HoldingValuation[] = holdings.map((h) => {
      const quote = byTicker.get(h.ticker)!;
      const shares = h.lots * SHARES_PER_LOT;
      const costMinor = shares * h.averagePriceMinor;
      const valueMinor = shares * quote.priceMinor;
      return {
        ticker: h.ticker,
        ...(quote.name ? { name: quote.name } : {}),
        lots: h.lots,
        shares,
        averagePriceMinor: h.averagePriceMinor,
        priceMinor: quote.priceMinor,
        costMinor,
        valueMinor,
        gainLossMinor: valueMinor - costMinor,
        gainLossPercent: percent(valueMinor - costMinor, costMinor),
        dayChangeMinor: shares * quote.changeMinor,
        stale: quote.stale,
        ageSeconds: quote.ageSeconds,
        ...(quote.sourceError ? { sourceError: quote.sourceError } : {}),
      };
    });
    const sum = (pick: (r: HoldingValuation) => number) => rows.reduce((s, r) => s + pick(r), 0);
    const costMinor = sum((r) => r.costMinor);
    const valueMinor = sum((r) => r.valueMinor);
    return {
      currency: 'IDR',
      holdings: rows,
      totals: { costMinor, valueMinor, gainLossMinor: valueMinor - costMinor, gainLossPercent: percent(valueMinor - costMinor, costMinor), dayChangeMinor: sum((r) => r.dayChangeMinor) },
      stale: rows.some((r) => r.stale),
      valuedAt: toJakartaIso(this.deps.now()),
    };
  }
}

function percent(part: number, whole: number): string {
  return whole ? toDecimalString(div(ratio(BigInt(part) * 100n), ratio(BigInt(whole))), 2) : '0';
}
