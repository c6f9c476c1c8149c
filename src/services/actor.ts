import type { AuditChannel } from '../db/models/audit-entry.js';
import type { UserRole } from '../db/models/user.js';

/** Who is acting, from where. Every service call that reads or changes user data takes one. */
export interface Actor {
  userId: string;
  role: UserRole;
  channel: AuditChannel;
  requestId?: string;
  /** The API key used, when the channel is the REST API (rate limits are per key). */
  apiKeyId?: string;
}
