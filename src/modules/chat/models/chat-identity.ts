import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * A Telegram/Slack (or terminal) account linked to a hub user through a one-time code. One identity per platform
 * account; a hub user may have several. Settings live here because they are per chat account: someone may want
 * English in Slack at work and Indonesian in Telegram.
 */
export const CHAT_CHANNELS = ['telegram', 'slack', 'terminal'] as const;
export const NOTIFICATION_TOPICS = ['payments', 'recurring', 'other'] as const;
export type NotificationTopic = (typeof NOTIFICATION_TOPICS)[number];

const chatIdentitySchema = new Schema(
  {
    channel: { type: String, enum: CHAT_CHANNELS, required: true },
    /** Telegram user id, Slack "T…:U…". */
    externalUserId: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** Where private messages and notifications go: the Telegram private chat, the Slack DM channel once opened. */
    directChatId: { type: String },
    displayName: { type: String },
    language: { type: String, enum: ['id', 'en'], default: 'id' },
    zone: { type: String, enum: ['WIB', 'WITA', 'WIT'], default: 'WIB' },
    /** Topics the user muted; everything else is delivered. */
    mutedTopics: { type: [String], default: [] },
    linkedAt: { type: Date, required: true },
  },
  { timestamps: true, collection: 'chatIdentities' },
);
chatIdentitySchema.index({ channel: 1, externalUserId: 1 }, { unique: true });
chatIdentitySchema.index({ userId: 1 });

export interface ChatIdentityDoc {
  _id: Types.ObjectId;
  channel: (typeof CHAT_CHANNELS)[number];
  externalUserId: string;
  userId: Types.ObjectId;
  directChatId?: string;
  displayName?: string;
  language: 'id' | 'en';
  zone: 'WIB' | 'WITA' | 'WIT';
  mutedTopics: NotificationTopic[];
  linkedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const chatIdentityModel = (conn: Connection): Model<ChatIdentityDoc> => conn.model<ChatIdentityDoc>('ChatIdentity', chatIdentitySchema as never);
