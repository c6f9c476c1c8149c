/**
 * Direct debit, the way the channels work: a user links a bank account once (the provider's customer, then a
 * payment method the account holder approves with the OTP the bank texts them — BRI — or on the bank's own page —
 * Mandiri), and each direct-debit payment is then a payment request against that linked account. The provider's
 * token for the account is a bearer credential, so it is kept encrypted and only decrypted for the charge call.
 * Without an active link a direct-debit payment is refused (409) with the steps to link one.
 */
import { Types } from 'mongoose';
import type { Models } from '../../../db/models/index.js';
import type { FieldCipher } from '../../../lib/crypto.js';
import { AppError, notFound, validationFailed } from '../../../lib/errors.js';
import type { Logger } from '../../../lib/logger.js';
import { toJakartaIso } from '../../../lib/time.js';
import type { Actor } from '../../../services/actor.js';
import type { AuditService } from '../../../services/audit.js';
import type { NotificationService } from '../../../services/notifications.js';
import { findOwned } from '../../../services/ownership.js';
import type { LinkedAccountDoc } from '../models/linked-account.js';
import type { DirectDebitChannel, LinkState, PaymentMethod, PaymentProvider, PaymentProviderName } from '../providers/types.js';

export const DIRECT_DEBIT_CHANNELS: Record<LinkedAccountDoc['method'], DirectDebitChannel> = { direct_debit_bri: 'BRI', direct_debit_mandiri: 'MANDIRI' };
/** Wrong OTPs allowed before a link attempt is abandoned (the user starts a new one). */
const MAX_OTP_ATTEMPTS = 5;

export interface LinkedAccountView {
  id: string;
  method: LinkedAccountDoc['method'];
  channel: DirectDebitChannel;
  provider: PaymentProviderName;
  status: LinkedAccountDoc['status'];
  accountLabel?: string;
  /** While pending: what the account holder does next, and how. */
  nextStep?: { kind: 'otp'; how: string } | { kind: 'redirect'; url: string; how: string };
  createdAt: string;
  activatedAt?: string;
}

export interface StartLinkInput {
  method: LinkedAccountDoc['method'];
  /** BRI: the phone number registered with the card (the OTP goes there), and the card's last four digits and expiry. */
  mobileNumber?: string;
  cardLastFour?: string;
  cardExpiry?: string;
  email?: string;
  /** Mandiri: where the bank's page sends the account holder back. */
  returnUrl?: string;
  name?: string;
}

/** What the payment service asks before recording and before charging a direct-debit payment. */
export interface LinkedAccountLookup {
  /** Throws 409 with how to link when the user has no active linked account for this method. */
  requireLinked(userId: string, method: PaymentMethod): Promise<void>;
  /** The linked account to debit, decrypted for the charge call; undefined when there is none (any more). */
  forCharge(userId: string, method: PaymentMethod): Promise<{ customerRef: string; token: string } | undefined>;
}

export interface DirectDebitServiceDeps {
  models: Pick<Models, 'LinkedAccount'>;
  providers: Map<PaymentProviderName, PaymentProvider>;
  cipher: FieldCipher;
  audit: AuditService;
  logger: Logger;
  /** Tells the user when a link they approved on the bank's page became active. */
  notifications?: Pick<NotificationService, 'notify'>;
  now?: () => Date;
}

export const isDirectDebit = (method: PaymentMethod): method is LinkedAccountDoc['method'] => method in DIRECT_DEBIT_CHANNELS;

export class DirectDebitService implements LinkedAccountLookup {
  private readonly now: () => Date;

  constructor(private readonly deps: DirectDebitServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** How to link, said the same way everywhere a link is missing. */
  static howToLink(method: PaymentMethod): string {
    const channel = isDirectDebit(method) ? DIRECT_DEBIT_CHANNELS[method] : 'the bank';
    const steps =
      channel === 'BRI'
        ? 'POST /api/payment/direct-debit/links {"method":"direct_debit_bri","mobileNumber":…,"cardLastFour":…,"cardExpiry":"MM/YY"}, then POST /api/payment/direct-debit/links/{id}/otp {"otp":…} with the code BRI texts you'
        : `POST /api/payment/direct-debit/links {"method":"${method}","returnUrl":…}, then approve the link on the bank's page it returns`;
    return `link your ${channel} account first: ${steps}`;
  }

  private linking(): { provider: PaymentProvider & { directDebit: NonNullable<PaymentProvider['directDebit']> }; name: LinkedAccountDoc['provider'] } {
    const provider = this.deps.providers.get('xendit');
    if (!provider?.directDebit) throw new AppError('SERVICE_UNAVAILABLE', 'direct debit is not available: its provider (xendit) is not configured', { retryable: true });
    return { provider: provider as PaymentProvider & { directDebit: NonNullable<PaymentProvider['directDebit']> }, name: 'xendit' };
  }

  async startLink(actor: Actor, input: StartLinkInput): Promise<LinkedAccountView> {
    const channel = DIRECT_DEBIT_CHANNELS[input.method];
    const issues = [];
    if (channel === 'BRI') {
      if (!input.mobileNumber) issues.push({ field: 'mobileNumber', reason: 'is required for BRI: the OTP is texted to it' });
      if (!input.cardLastFour) issues.push({ field: 'cardLastFour', reason: 'is required for BRI (the last four digits of the debit card)' });
      if (!input.cardExpiry) issues.push({ field: 'cardExpiry', reason: 'is required for BRI (MM/YY)' });
    } else if (!input.returnUrl) {
      issues.push({ field: 'returnUrl', reason: "is required for Mandiri: the bank's page sends the account holder back there" });
    }
    if (issues.length) throw validationFailed(issues);
    const { provider, name } = this.linking();
    const userId = new Types.ObjectId(actor.userId);
    // One provider customer per user, reused for every account they link.
    const earlier = await this.deps.models.LinkedAccount.findOne({ userId, provider: name }, { customerRef: 1 }).lean();
    const customerRef =
      earlier?.customerRef ??
      (await provider.directDebit.createCustomer({ referenceId: `swh-user-${actor.userId}-${new Types.ObjectId().toHexString()}`, name: input.name ?? 'SmartWealth user', email: input.email, mobileNumber: input.mobileNumber })).customerRef;
    const linkId = new Types.ObjectId();
    const state = await provider.directDebit.startLink({
      customerRef,
      channel,
      mobileNumber: input.mobileNumber,
      cardLastFour: input.cardLastFour,
      cardExpiry: input.cardExpiry,
      email: input.email,
      returnUrl: input.returnUrl ?? 'https://smartwealth.id/direct-debit/linked',
      referenceId: `swh-link-${linkId.toHexString()}`,
    });
    await this.deps.models.LinkedAccount.create({
      _id: linkId,
      userId,
      provider: name,
      method: input.method,
      channel,
      customerRef,
      tokenEnc: this.deps.cipher.encrypt(state.token),
      ...this.stateFields(state),
    });
    await this.deps.audit.record({ actor, action: 'payment.direct_debit.link_started', target: { type: 'linkedAccount', id: String(linkId) }, metadata: { method: input.method } });
    return toView((await this.deps.models.LinkedAccount.findById(linkId).lean())!);
  }

  async confirmOtp(actor: Actor, linkId: string, otp: string): Promise<LinkedAccountView> {
    const doc = await this.owned(actor, linkId);
    if (doc.status !== 'pending') throw new AppError('CONFLICT', `this link is ${doc.status}; ${doc.status === 'active' ? 'it needs no OTP' : 'start a new one'}`);
    if (doc.nextStep?.kind !== 'otp') throw new AppError('CONFLICT', `${doc.channel} links on the bank's page, not with an OTP: open ${doc.nextStep?.url ?? 'the link page'}`);
    if (doc.otpAttempts >= MAX_OTP_ATTEMPTS) throw new AppError('CONFLICT', 'too many wrong OTPs for this link; start a new one');
    const { provider } = this.linking();
    let state: LinkState;
    try {
      state = await provider.directDebit.confirmOtp(this.deps.cipher.decrypt(doc.tokenEnc), otp);
    } catch (err) {
      if (err instanceof AppError && err.code === 'PROVIDER_REJECTED') {
        await this.deps.models.LinkedAccount.updateOne({ _id: doc._id }, { $inc: { otpAttempts: 1 } });
        throw validationFailed([{ field: 'otp', reason: `the bank did not accept it (${err.message.replace(/^Xendit: /, '')})` }]);
      }
      throw err;
    }
    const updated = await this.save(doc, state);
    await this.deps.audit.record({ actor, action: 'payment.direct_debit.otp_confirmed', target: { type: 'linkedAccount', id: linkId }, metadata: { status: updated.status } });
    return toView(updated);
  }

  /** The user's links, newest first; pending ones are asked again (a Mandiri approval happens on the bank's page). */
  async list(actor: Actor): Promise<LinkedAccountView[]> {
    const docs = await this.deps.models.LinkedAccount.find({ userId: new Types.ObjectId(actor.userId), status: { $ne: 'unlinked' } }).sort({ createdAt: -1 }).lean();
    const views: LinkedAccountView[] = [];
    for (const doc of docs) {
      let current: LinkedAccountDoc = doc;
      if (doc.status === 'pending' && doc.nextStep?.kind === 'redirect') {
        try {
          current = await this.refresh(doc);
        } catch (err) {
          this.deps.logger.warn({ err, linkId: String(doc._id) }, 'could not refresh a pending direct-debit link; showing what is stored');
        }
      }
      views.push(toView(current));
    }
    return views;
  }

  /**
   * Xendit called back about a link (payment_method.activated / .expired). Its callback token is a static secret, so
   * the callback only says which link to look at: the state recorded is the one Xendit answers for it, and the user
   * is told when a link they approved on the bank's page is active. A reference that is not one of our links, or
   * whose payment method is not the one we hold, is kept for a person.
   */
  async applyLinkCallback(callback: { paymentMethodId: string; referenceId: string }): Promise<'applied' | 'unchanged' | `unmatched: ${string}`> {
    const id = /^swh-link-([0-9a-f]{24})$/.exec(callback.referenceId)?.[1];
    const doc = id ? await this.deps.models.LinkedAccount.findById(id).lean() : null;
    if (!doc) return `unmatched: no direct-debit link with reference ${callback.referenceId}`;
    if (this.deps.cipher.decrypt(doc.tokenEnc) !== callback.paymentMethodId) return 'unmatched: the callback names another payment method than the link holds';
    if (doc.status !== 'pending') return 'unchanged';
    const updated = await this.refresh(doc);
    if (updated.status === doc.status) return 'unchanged';
    await this.deps.audit.record({ actor: { userId: String(doc.userId), role: 'user', channel: 'webhook' }, action: 'payment.direct_debit.link_updated', target: { type: 'linkedAccount', id: String(doc._id) }, metadata: { status: updated.status } });
    if (updated.status === 'active') {
      await this.deps.notifications?.notify({
        userId: String(doc.userId),
        kind: 'payment.direct_debit.linked',
        title: `${doc.channel} direct debit linked`,
        body: `Your ${doc.channel} account${updated.accountLabel ? ` ${updated.accountLabel}` : ''} is linked for direct debit.`,
        data: { linkId: String(doc._id), method: doc.method },
        dedupeKey: `direct-debit-linked:${String(doc._id)}`,
      });
    }
    return 'applied';
  }

  async unlink(actor: Actor, linkId: string): Promise<LinkedAccountView> {
    const doc = await this.owned(actor, linkId);
    if (doc.status === 'unlinked') return toView(doc);
    await this.linking().provider.directDebit.unlink(this.deps.cipher.decrypt(doc.tokenEnc));
    const updated = await this.deps.models.LinkedAccount.findOneAndUpdate(
      { _id: doc._id },
      { $set: { status: 'unlinked', unlinkedAt: this.now(), nextStep: { kind: 'none' } } },
      { returnDocument: 'after' },
    ).lean();
    await this.deps.audit.record({ actor, action: 'payment.direct_debit.unlinked', target: { type: 'linkedAccount', id: linkId } });
    return toView(updated!);
  }

  async requireLinked(userId: string, method: PaymentMethod): Promise<void> {
    if (!isDirectDebit(method)) return;
    if (await this.activeLink(userId, method)) return;
    throw new AppError('CONFLICT', `no linked ${DIRECT_DEBIT_CHANNELS[method]} account for direct debit: ${DirectDebitService.howToLink(method)}`, {
      details: { method, needsLink: true, linkWith: 'POST /api/payment/direct-debit/links' },
    });
  }

  async forCharge(userId: string, method: PaymentMethod): Promise<{ customerRef: string; token: string } | undefined> {
    if (!isDirectDebit(method)) return undefined;
    const link = await this.activeLink(userId, method);
    return link ? { customerRef: link.customerRef, token: this.deps.cipher.decrypt(link.tokenEnc) } : undefined;
  }

  private activeLink(userId: string, method: LinkedAccountDoc['method']) {
    return this.deps.models.LinkedAccount.findOne({ userId: new Types.ObjectId(userId), method, status: 'active' }).sort({ activatedAt: -1 }).lean();
  }

  private owned(actor: Actor, linkId: string): Promise<LinkedAccountDoc> {
    return findOwned<LinkedAccountDoc>(this.deps.models.LinkedAccount, actor, linkId, 'linked account').catch(() => {
      throw notFound('linked account');
    });
  }

  private stateFields(state: LinkState) {
    return {
      status: state.status,
      providerStatus: state.providerStatus,
      nextStep: state.nextStep,
      ...(state.accountLabel ? { accountLabel: state.accountLabel } : {}),
      ...(state.status === 'active' ? { activatedAt: this.now() } : {}),
    };
  }

  /** A pending link's state as the provider answers it now, recorded. */
  private async refresh(doc: LinkedAccountDoc): Promise<LinkedAccountDoc> {
    return this.save(doc, await this.linking().provider.directDebit.getLink(this.deps.cipher.decrypt(doc.tokenEnc)));
  }

  /** Records the provider's answer, only over a link still pending (an unlink meanwhile wins). */
  private async save(doc: LinkedAccountDoc, state: LinkState): Promise<LinkedAccountDoc> {
    if (state.status === 'pending' && doc.status === 'pending') return doc;
    const updated = await this.deps.models.LinkedAccount.findOneAndUpdate({ _id: doc._id, status: 'pending' }, { $set: this.stateFields(state) }, { returnDocument: 'after' }).lean();
    return updated ?? (await this.deps.models.LinkedAccount.findById(doc._id).lean())!;
  }
}

function toView(doc: LinkedAccountDoc): LinkedAccountView {
  const nextStep =
    doc.status !== 'pending' || !doc.nextStep || doc.nextStep.kind === 'none'
      ? undefined
      : doc.nextStep.kind === 'otp'
        ? { kind: 'otp' as const, how: `POST /api/payment/direct-debit/links/${doc._id}/otp {"otp": "<the code ${doc.channel} texted you>"}` }
        : { kind: 'redirect' as const, url: doc.nextStep.url ?? '', how: "open the URL, approve the link on the bank's page; GET /api/payment/direct-debit/links then shows it active" };
  return {
    id: String(doc._id),
    method: doc.method,
    channel: doc.channel,
    provider: doc.provider,
    status: doc.status,
    ...(doc.accountLabel ? { accountLabel: doc.accountLabel } : {}),
    ...(nextStep ? { nextStep } : {}),
    // Shown in Asia/Jakarta like every other answer's times (payments, banks, data).
    createdAt: toJakartaIso(new Date(doc.createdAt)),
    ...(doc.activatedAt ? { activatedAt: toJakartaIso(new Date(doc.activatedAt)) } : {}),
  };
}
