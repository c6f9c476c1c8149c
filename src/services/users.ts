/**
 * Users and their API keys. A key is shown once at creation; only its hash is kept.
 * ADMIN_API_KEY authenticates as a built-in admin user, stored like any other key, so there is one auth path.
 */
import { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import type { UserRole } from '../db/models/user.js';
import { generateApiKey, hashApiKey } from '../lib/crypto.js';
import { AppError, notFound } from '../lib/errors.js';
import { toJakartaIso } from '../lib/time.js';
import type { Actor } from './actor.js';
import type { AuditService } from './audit.js';

const ADMIN_SYSTEM_KEY = 'admin-bootstrap';

export interface AuthenticatedKey {
  userId: string;
  role: UserRole;
  keyId: string;
  name: string;
}

export interface PublicUser {
  id: string;
  name: string;
  role: UserRole;
  createdAt: string;
}

export class UserService {
  constructor(
    private readonly models: Pick<Models, 'User' | 'ApiKey'>,
    private readonly audit: AuditService,
  ) {}

  /**
   * Makes ADMIN_API_KEY valid: the built-in admin gets exactly this key (a changed ADMIN_API_KEY revokes the old one).
   * Safe to run from several processes at once: the user is an upsert on a unique field, the key an upsert on its hash.
   */
  async ensureAdmin(adminApiKey: string): Promise<string> {
    const admin = await this.models.User.findOneAndUpdate(
      { systemKey: ADMIN_SYSTEM_KEY },
      { $setOnInsert: { name: 'Administrator', role: 'admin', systemKey: ADMIN_SYSTEM_KEY } },
      { upsert: true, returnDocument: 'after' },
    ).catch(async (err) => {
      if ((err as { code?: number }).code === 11000) return this.models.User.findOne({ systemKey: ADMIN_SYSTEM_KEY });
      throw err;
    });
    if (!admin) throw new Error('could not create the administrator');
    const keyHash = hashApiKey(adminApiKey);
    await this.models.ApiKey.updateOne(
      { keyHash },
      { $setOnInsert: { userId: admin._id, keyHash, prefix: adminApiKey.slice(0, 8), label: 'ADMIN_API_KEY' }, $unset: { revokedAt: 1 } },
      { upsert: true },
    ).catch((err) => {
      if ((err as { code?: number }).code !== 11000) throw err;
    });
    await this.models.ApiKey.updateMany(
      { userId: admin._id, label: 'ADMIN_API_KEY', keyHash: { $ne: keyHash }, revokedAt: { $exists: false } },
      { $set: { revokedAt: new Date() } },
    );
    return String(admin._id);
  }

  async createUser(actor: Actor, input: { name: string; role?: UserRole }): Promise<{ user: PublicUser; apiKey: string }> {
    if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'only an administrator can create users');
    const user = await this.models.User.create({ name: input.name, role: input.role ?? 'user' });
    const apiKey = await this.issueKey(String(user._id), 'default');
    await this.audit.record({ actor, action: 'user.create', target: { type: 'user', id: String(user._id) }, metadata: { role: user.role } });
    return { user: toPublicUser(user), apiKey };
  }

  async issueKey(userId: string, label: string): Promise<string> {
    const apiKey = generateApiKey();
    await this.models.ApiKey.create({ userId: new Types.ObjectId(userId), keyHash: hashApiKey(apiKey), prefix: apiKey.slice(0, 8), label });
    return apiKey;
  }

  async authenticate(apiKey: string): Promise<AuthenticatedKey | undefined> {
    const key = await this.models.ApiKey.findOne({ keyHash: hashApiKey(apiKey), revokedAt: { $exists: false } }).lean();
    if (!key) return undefined;
    const user = await this.models.User.findOne({ _id: key.userId, disabledAt: { $exists: false } }).lean();
    if (!user) return undefined;
    // Best effort and throttled: a write per request would double the cost of every authenticated call.
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
      void this.models.ApiKey.updateOne({ _id: key._id }, { $set: { lastUsedAt: new Date() } }).catch(() => {});
    }
    return { userId: String(user._id), role: user.role, keyId: String(key._id), name: user.name };
  }

  async getUser(actor: Actor, userId: string): Promise<PublicUser> {
    // Users see only themselves; an admin sees anyone. Anything else is "not found", never "forbidden".
    if (!Types.ObjectId.isValid(userId) || (actor.role !== 'admin' && actor.userId !== userId)) throw notFound('user');
    const user = await this.models.User.findById(userId).lean();
    if (!user) throw notFound('user');
    return toPublicUser(user);
  }
}

function toPublicUser(user: { _id: unknown; name: string; role: UserRole; createdAt: Date }): PublicUser {
  return { id: String(user._id), name: user.name, role: user.role, createdAt: toJakartaIso(user.createdAt) };
}
