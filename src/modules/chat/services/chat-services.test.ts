/**
 * The chat services against the run's database: link codes (ten minutes, once, hashed), settings, the button
 * store under concurrent presses, and notification deliveries (once per chat, retry_after, only chats linked
 * before the notification).
 */
import { randomBytes } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectMongoose } from '../../../db/connection.js';
import { createModels, ensureIndexes, type Models } from '../../../db/models/index.js';
import { createLogger } from '../../../lib/logger.js';
import { AuditService } from '../../../services/audit.js';
import { chatModels } from '../models/index.js';
import { ChatConfirmationStore } from './confirmation-store.js';
import { ChatDeliveryService } from './delivery-service.js';
import { ChatIdentityService, LINK_CODE_TTL_MS } from './identity-service.js';

let conn: Connection;
let models: Models;
let now = new Date('2026-03-12T07:00:00Z');
const clock = () => now;
let identities: ChatIdentityService;

beforeAll(async () => {
  conn = await connectMongoose(inject('mongoUri'), `t_chat_${randomBytes(4).toString('hex')}`);
  models = createModels(conn, [chatModels]);
  await ensureIndexes(models);
  identities = new ChatIdentityService({ models, audit: new AuditService(models, createLogger({ level: 'silent' })), now: clock });
});
afterAll(async () => {
  await conn?.dropDatabase().catch(() => {});
  await conn?.close();
});

const newUser = async () => String((await models.User.create({ name: `u-${randomBytes(3).toString('hex')}`, role: 'user' }))._id);
const actor = (userId: string) => ({ userId, role: 'user' as const, channel: 'api' as const });

describe('link codes', () => {
  it('link once, within ten minutes, and are stored only as a hash', async () => {
    const userId = await newUser();
    const { code, expiresAt } = await identities.createLinkCode(actor(userId));
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(expiresAt.getTime() - now.getTime()).toBe(LINK_CODE_TTL_MS);
    expect(await models.ChatLinkCode.countDocuments({ codeHash: code })).toBe(0);

    const [a, b] = await Promise.allSettled([
      identities.link({ channel: 'telegram', externalUserId: '1' }, code.toLowerCase()),
      identities.link({ channel: 'slack', externalUserId: 'T1:U1' }, code),
    ]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);

    const late = await identities.createLinkCode(actor(userId));
    now = new Date(now.getTime() + LINK_CODE_TTL_MS + 1);
    await expect(identities.link({ channel: 'telegram', externalUserId: '2' }, late.code)).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    expect(await identities.resolve({ channel: 'telegram', externalUserId: '2' })).toBeNull();
  });

  it('relinking with the same user keeps settings; another user\'s code is refused until /unlink', async () => {
    const first = await newUser();
    const second = await newUser();
    await identities.link({ channel: 'telegram', externalUserId: '50', directChatId: '50' }, (await identities.createLinkCode(actor(first))).code);
    await identities.updateSettings({ channel: 'telegram', externalUserId: '50' }, { language: 'en', zone: 'WIT' });
    expect(await identities.link({ channel: 'telegram', externalUserId: '50' }, (await identities.createLinkCode(actor(first))).code)).toMatchObject({ userId: first, language: 'en', zone: 'WIT' });
    const othersCode = (await identities.createLinkCode(actor(second))).code;
    await expect(identities.link({ channel: 'telegram', externalUserId: '50' }, othersCode)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await identities.resolve({ channel: 'telegram', externalUserId: '50' })).toMatchObject({ userId: first });
    expect(await identities.unlink({ channel: 'telegram', externalUserId: '50' })).toBe(true);
    expect(await identities.resolve({ channel: 'telegram', externalUserId: '50' })).toBeNull();
    expect(await identities.link({ channel: 'telegram', externalUserId: '50' }, othersCode)).toMatchObject({ userId: second });
  });
});

describe('confirmation store', () => {
  it('lets exactly one of many concurrent presses through, only for its owner, only before it expires', async () => {
    const store = new ChatConfirmationStore(models);
    const options = [
      { command: 'pay', action: 'confirm', payload: { amountMinor: 100 } },
      { command: 'pay', action: 'cancel', payload: {} },
    ];
    await store.save({ groupId: 'group-one-abc', ownerKey: 'telegram:1', options, expiresAt: new Date(now.getTime() + 60_000) });
    expect(await store.consume('group-one-abc', 0, 'telegram:2', now)).toEqual({ status: 'not_owner' });
    expect(await store.consume('group-one-abc', 7, 'telegram:1', now)).toEqual({ status: 'missing' });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => store.consume('group-one-abc', i % 2, 'telegram:1', now)));
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'used')).toHaveLength(5);

    await store.save({ groupId: 'group-two-abc', ownerKey: 'telegram:1', options, expiresAt: new Date(now.getTime() + 1000) });
    expect(await store.consume('group-two-abc', 0, 'telegram:1', new Date(now.getTime() + 2000))).toEqual({ status: 'expired' });
  });
});

describe('notification deliveries', () => {
  it('go to each chat linked before the notification, once, waiting out retry_after, skipping muted topics', async () => {
    const deliveries = new ChatDeliveryService({ models, identities, now: clock });
    const userId = await newUser();
    await identities.link({ channel: 'telegram', externalUserId: '700', directChatId: '700' }, (await identities.createLinkCode(actor(userId))).code);
    await identities.link({ channel: 'slack', externalUserId: 'T1:U700' }, (await identities.createLinkCode(actor(userId))).code);
    await identities.updateSettings({ channel: 'slack', externalUserId: 'T1:U700' }, { mutedTopics: ['recurring'] });
    now = new Date(now.getTime() + 1000);
    const paid = await models.Notification.create({ userId: new Types.ObjectId(userId), kind: 'payment.success', title: 'Payment received', body: 'x', createdAt: now });
    await models.Notification.create({ userId: new Types.ObjectId(userId), kind: 'payment.recurring.failed', title: 'Run failed', body: 'y', createdAt: now });

    const first = await deliveries.claimDue();
    expect(first.map((d) => `${d.notification.kind}→${d.identity.channel}`).sort()).toEqual(['payment.recurring.failed→telegram', 'payment.success→slack', 'payment.success→telegram']);
    expect(await deliveries.claimDue()).toEqual([]);

    for (const d of first) {
      if (d.identity.channel === 'telegram' && d.notification.kind === 'payment.success') await deliveries.markWaiting(d.deliveryId, 3, 'Too Many Requests: retry after 3');
      else await deliveries.markSent(d.deliveryId);
    }
    expect(await deliveries.claimDue()).toEqual([]);
    now = new Date(now.getTime() + 3000);
    const retried = await deliveries.claimDue();
    expect(retried.map((d) => d.identity.channel)).toEqual(['telegram']);
    await deliveries.markSent(retried[0].deliveryId);
    expect(await deliveries.claimDue()).toEqual([]);
    expect((await models.Notification.findById(paid._id).lean())?.deliveredAt).toBeDefined();
    expect(await models.ChatDelivery.countDocuments({ notificationId: paid._id, status: 'sent' })).toBe(2);
  });
});
