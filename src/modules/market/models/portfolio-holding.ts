import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * One stock a user holds on IDX. Shares trade in lots of 100; the average price is per share, in IDR minor units
 * (sen), so Rp9.525 is 952500.
 */
export interface PortfolioHolding {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  ticker: string;
  lots: number;
  averagePriceMinor: number;
  currency: string;
  createdAt: Date;
  updatedAt: Date;
}

export const SHARES_PER_LOT = 100;

const holdingSchema = new Schema<PortfolioHolding>(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    ticker: { type: String, required: true },
    lots: { type: Number, required: true, min: 1 },
    averagePriceMinor: { type: Number, required: true, min: 1 },
    currency: { type: String, required: true, default: 'IDR' },
  },
  { timestamps: true, collection: 'portfolioHoldings' },
);
holdingSchema.index({ userId: 1, ticker: 1 }, { unique: true });

export type PortfolioHoldingModel = Model<PortfolioHolding>;
export const portfolioHoldingModel = (conn: Connection): PortfolioHoldingModel => conn.model<PortfolioHolding>('PortfolioHolding', holdingSchema);
