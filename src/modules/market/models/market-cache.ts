import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One cached answer from a market source, shared by every hub process on the database (collection marketCache).
 * Entries are overwritten in place per key, never piled up; there is no TTL index because an expired entry is
 * still worth keeping: it is what the hub answers with, marked stale, while its source is down.
 */
export interface MarketCacheEntry {
  key: string;
  /** Which source gave the value (a rates answer may come from the fallback). */
  source: string;
  value: unknown;
  fetchedAt: Date;
  /** A process refreshing this entry in the background holds the lease until then, so others do not pile on. */
  refreshLeaseUntil?: Date;
  updatedAt: Date;
}

const marketCacheSchema = new Schema<MarketCacheEntry>(
  {
    key: { type: String, required: true },
    source: { type: String, required: true },
    value: { type: Schema.Types.Mixed, required: true },
    fetchedAt: { type: Date, required: true },
    refreshLeaseUntil: { type: Date },
  },
  { timestamps: { createdAt: false, updatedAt: true }, collection: 'marketCache', minimize: false },
);
marketCacheSchema.index({ key: 1 }, { unique: true });

export type MarketCacheModel = Model<MarketCacheEntry>;
export const marketCacheModel = (conn: Connection): MarketCacheModel => conn.model<MarketCacheEntry>('MarketCache', marketCacheSchema);
