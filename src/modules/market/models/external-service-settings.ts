import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** The market services a user can switch on or off. */
export const EXTERNAL_SERVICES = ['currency', 'stocks', 'weather', 'news'] as const;
export type ExternalServiceName = (typeof EXTERNAL_SERVICES)[number];

/**
 * A user's market-data settings (the product spec's ExternalService settings; collection externalServices): the
 * currency analytics and exports are shown in, the city for weather and the seasonal analysis, the tickers they
 * watch, and which services are on. One document per user; absent means the defaults.
 */
export interface ExternalServiceSettings {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  homeCurrency: string;
  city: string;
  watchList: string[];
  enabledServices: ExternalServiceName[];
  createdAt: Date;
  updatedAt: Date;
}

export const DEFAULT_EXTERNAL_SETTINGS = {
  homeCurrency: 'IDR',
  city: 'Jakarta',
  watchList: ['BBCA', 'TLKM'],
  enabledServices: [...EXTERNAL_SERVICES],
};

const settingsSchema = new Schema<ExternalServiceSettings>(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    homeCurrency: { type: String, required: true },
    city: { type: String, required: true },
    watchList: { type: [String], default: [] },
    enabledServices: { type: [String], enum: EXTERNAL_SERVICES, default: [...EXTERNAL_SERVICES] },
  },
  { timestamps: true, collection: 'externalServices' },
);
settingsSchema.index({ userId: 1 }, { unique: true });

export type ExternalServiceSettingsModel = Model<ExternalServiceSettings>;
export const externalServiceSettingsModel = (conn: Connection): ExternalServiceSettingsModel =>
  conn.model<ExternalServiceSettings>('ExternalServiceSettings', settingsSchema);
