/**
 * The holder's token for one bank connection, kept alive. Tokens from redirect consent (SNAP B2B2C, service 74)
 * expire, typically in minutes, and come with a refresh token; binding tokens from an OTP last until unbinding.
 *
 * - Before a call: a token that ends within a minute is refreshed first, so a sync does not start on a token that
 *   dies half-way through its pages.
 * - After a refusal: a bank that says the customer token is invalid (ASPI 401xx02/04) gets one refresh and the call
 *   once more.
 * - When the bank refuses the refresh token too (or there is none), consent has ended at the bank: the connection
 *   becomes `expired`, the holder is told once, and the call fails with a message saying to connect again.
 *
 * Banks rotate refresh tokens, so two refreshes racing with the same one have the loser refused while the consent
 * is alive: refreshes of one connection share one request in this process; across processes the new tokens are
 * stored only over the refresh token they replace, and a refusal ends the consent only while the connection still
 * holds the refused refresh token (else the winner's token is read back). Only the bank refusing the holder's
 * tokens (401xx02/04) ends a consent; a refusal of our own credentials is an error to fix, not an ended consent.
 */
import { AppError } from '../../../lib/errors.js';
import type { FieldCipher } from '../../../lib/crypto.js';
import type { BankConnection, BankConnectionModel } from '../models/bank-connection.js';
import type { SnapClient } from '../providers/snap/client.js';
import { SnapError } from '../providers/snap/errors.js';
import type { BindingResult } from '../providers/snap/types.js';

/**
 * The bank's tokens as a connection stores them: sealed, with the ends the bank stated. Binding tokens (OTP) carry
 * no ends and no refresh token; a bank that does not rotate sends no new refresh token on renewal, and the old one
 * stays. Every path that stores a bank's tokens (consent, renewal) goes through here.
 */
export function sealedTokenFields(cipher: FieldCipher, bound: Extract<BindingResult, { status: 'bound' }>) {
  return {
    accountTokenSealed: cipher.encrypt(bound.accountToken),
    ...(bound.tokenExpiresAt ? { accountTokenExpiresAt: bound.tokenExpiresAt } : {}),
    ...(bound.refreshToken ? { refreshTokenSealed: cipher.encrypt(bound.refreshToken) } : {}),
    ...(bound.refreshExpiresAt ? { refreshTokenExpiresAt: bound.refreshExpiresAt } : {}),
  };
}

/** Every token field of a connection, for an `$unset` when its consent ends (disconnected, or ended at the bank). */
export const TOKEN_FIELDS_UNSET = { accountTokenSealed: 1, accountTokenExpiresAt: 1, refreshTokenSealed: 1, refreshTokenExpiresAt: 1 } as const;

/** Refresh this long before the bank's stated end, so a token does not run out in the middle of a sync. */
const REFRESH_MARGIN_MS = 60_000;

export interface CustomerTokenDeps {
  connections: BankConnectionModel;
  cipher: FieldCipher;
  now: () => Date;
  /** Called once when a connection's consent ends at the bank (the holder must connect again). */
  onConsentExpired?: (connection: BankConnection) => Promise<void>;
}

type ConnectionTokens = Pick<BankConnection, '_id' | 'userId' | 'bank' | 'accountId' | 'accountTokenSealed' | 'accountTokenExpiresAt' | 'refreshTokenSealed'>;

/** A token as the connection now stores it: sealed as stored, its stated end, and the token itself. */
interface HeldToken {
  token: string;
  sealed: string;
  expiresAt?: Date;
}

export class CustomerTokens {
  private readonly refreshing = new Map<string, Promise<HeldToken>>();

  constructor(private readonly deps: CustomerTokenDeps) {}

  /**
   * Runs `call` with the connection's current token (undefined for a connection the bank gave none), refreshing it
   * first when it is about to end and once more when the bank refuses it.
   */
  async withToken<T>(client: SnapClient, connection: ConnectionTokens, call: (accountToken: string | undefined) => Promise<T>): Promise<T> {
    let token = this.tokenOf(connection);
    const endsAt = connection.accountTokenExpiresAt?.getTime();
    if (token !== undefined && endsAt !== undefined && endsAt - REFRESH_MARGIN_MS <= this.deps.now().getTime()) token = await this.renew(client, connection, token);
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof SnapError && err.kind === 'invalid_customer_token') || token === undefined) throw err;
      return call(await this.renew(client, connection, token));
    }
  }

  /**
   * A fresh token in place of `stale`, also put in the caller's copy of the connection: the next call made with the
   * same copy (a sync asks for the balance after the statement) then uses it, instead of being refused once more
   * for the old one. The copy gets the sealed value the database holds, so it never differs from what is stored.
   */
  private async renew(client: SnapClient, connection: ConnectionTokens, stale: string): Promise<string> {
    const held = await this.refresh(client, connection, stale);
    connection.accountTokenSealed = held.sealed;
    connection.accountTokenExpiresAt = held.expiresAt;
    return held.token;
  }

  private tokenOf(connection: ConnectionTokens): string | undefined {
    return connection.accountTokenSealed ? this.deps.cipher.decrypt(connection.accountTokenSealed) : undefined;
  }

  /** A fresh token in place of `stale`: one request per connection at a time in this process. */
  private refresh(client: SnapClient, connection: ConnectionTokens, stale: string): Promise<HeldToken> {
    const key = String(connection._id);
    let pending = this.refreshing.get(key);
    if (!pending) {
      pending = this.refreshOnce(client, connection, stale).finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, pending);
    }
    return pending;
  }

  private async refreshOnce(client: SnapClient, connection: ConnectionTokens, stale: string): Promise<HeldToken> {
    const { connections, cipher } = this.deps;
    // Another process may have refreshed already: its token is in the database, not in our copy.
    const current = await connections.findOne({ _id: connection._id, status: 'active' }, { accountTokenSealed: 1, accountTokenExpiresAt: 1, refreshTokenSealed: 1 }).lean();
    if (!current) throw consentEnded(connection.bank);
    const stored = this.held(current);
    if (stored && stored.token !== stale) return stored;
    if (!current.refreshTokenSealed) {
      return this.endConsent(connection, { accountTokenSealed: current.accountTokenSealed }, "the bank ended the holder's token and gave no way to renew it");
    }
    let fresh;
    try {
      fresh = await client.refreshCustomerToken({ refreshToken: cipher.decrypt(current.refreshTokenSealed) });
    } catch (err) {
      // Refused: ended at the bank, unless another process renewed with this same refresh token first (banks rotate
      // them, so the loser of that race is refused while the consent is alive): only the refused one ends it.
      if (err instanceof SnapError && err.kind === 'invalid_customer_token') {
        return this.endConsent(connection, { refreshTokenSealed: current.refreshTokenSealed }, "the bank refused to renew the holder's token");
      }
      throw err;
    }
    const renewed = await connections.findOneAndUpdate(
      { _id: connection._id, status: 'active', refreshTokenSealed: current.refreshTokenSealed },
      {
        $set: sealedTokenFields(cipher, fresh),
        ...(fresh.tokenExpiresAt ? {} : { $unset: { accountTokenExpiresAt: 1 } }),
      },
      { returnDocument: 'after' },
    );
    if (renewed?.accountTokenSealed) return { token: fresh.accountToken, sealed: renewed.accountTokenSealed, expiresAt: renewed.accountTokenExpiresAt };
    return this.storedToken(connection);
  }

  private held(stored: Pick<BankConnection, 'accountTokenSealed' | 'accountTokenExpiresAt'>): HeldToken | undefined {
    if (!stored.accountTokenSealed) return undefined;
    return { token: this.deps.cipher.decrypt(stored.accountTokenSealed), sealed: stored.accountTokenSealed, expiresAt: stored.accountTokenExpiresAt };
  }

  /** The token another process stored after renewing first, or the consent is gone (ended, or disconnected). */
  private async storedToken(connection: ConnectionTokens): Promise<HeldToken> {
    const winner = await this.deps.connections.findOne({ _id: connection._id, status: 'active' }, { accountTokenSealed: 1, accountTokenExpiresAt: 1 }).lean();
    const held = winner && this.held(winner);
    if (!held) throw consentEnded(connection.bank);
    return held;
  }

  /**
   * Ends the consent, but only while the connection still holds the token or refresh token the bank refused
   * (`refused`): a connection renewed meanwhile by another process keeps its new token, which is returned.
   */
  private async endConsent(connection: ConnectionTokens, refused: Partial<Pick<BankConnection, 'accountTokenSealed' | 'refreshTokenSealed'>>, reason: string): Promise<HeldToken> {
    const ended = await this.deps.connections.findOneAndUpdate(
      { _id: connection._id, status: 'active', ...refused },
      { $set: { status: 'expired', expiredAt: this.deps.now(), lastError: reason }, $unset: { ...TOKEN_FIELDS_UNSET, syncLock: 1 } },
      { returnDocument: 'after' },
    );
    if (!ended) return this.storedToken(connection);
    // Only the update that ended it tells the holder, however many calls found the token dead at once. A failed
    // notification does not turn the answer into a server error: the consent has ended either way.
    await this.deps.onConsentExpired?.(ended.toObject()).catch(() => undefined);
    throw consentEnded(connection.bank);
  }
}

function consentEnded(bank: string): AppError {
  return new AppError('CONFLICT', `your consent at ${bank} has ended; connect this account again to keep it in sync`, { details: { bank, reason: 'consent_expired' } });
}

