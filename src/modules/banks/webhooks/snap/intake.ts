/**
 * POST /webhooks/bank/:bank — a bank's account-mutation notification (body format: our assumption, see
 * sandbox/snap-bank/server.ts), through the shared intake: verified with the bank's public key as a SNAP
 * notification (SHA256withRSA over METHOD:path:sha256(minified body):timestamp), 401 and stored nowhere when it
 * does not verify, stored once per bank + day + X-EXTERNAL-ID, and answered the SNAP way (responseCode).
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { WebhookIntake } from '../../../../../webhooks/intake.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { codeToStatus } from '../../../../http/errors.js';
import { AppError } from '../../../../lib/errors.js';
import type { WebhookSecrets } from '../../../contract.js';
import { notificationKeyName } from '../../providers/snap-descriptor.js';
import { verifyNotification } from '../../providers/snap/signature.js';
import { BANK_CODES, type BankCode } from '../../providers/snap/types.js';

export interface BankMutationEvent {
  eventKey: string;
  bank: BankCode;
  body: { accountNo: string; transaction: Record<string, unknown> };
}

/** Service code of the notification answer: SNAP BI defines none for account mutations, so "00" (our assumption). */
const NOTIFY_SERVICE = '00';

const bankOf = (param: string | undefined): BankCode | undefined => {
  const code = (param ?? '').toUpperCase();
  return (BANK_CODES as readonly string[]).includes(code) ? (code as BankCode) : undefined;
};

export function bankNotificationWebhook(secrets: WebhookSecrets): WebhookIntake<BankMutationEvent> {
  return {
    provider: 'bank',
    kind: 'bank-mutation',
    method: 'POST',
    path: '/webhooks/bank/:bank',
    body: 'json',
    verify: ({ method, path, params, raw, headers }) => {
      const bank = bankOf(params.bank);
      const publicKey = bank ? secrets[notificationKeyName(bank)] : undefined;
      if (!bank || !publicKey) return false;
      return verifyNotification({ method, path, body: raw, timestamp: headers.get('x-timestamp') ?? '', signature: headers.get('x-signature') ?? '', publicKey });
    },
    normalize: (parsed, request) => {
      const bank = bankOf(request.params.bank)!;
      const body = parsed as Record<string, unknown> | null;
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('BAD_REQUEST', 'notification body must be a JSON object');
      if (body.notificationType !== 'ACCOUNT_MUTATION') throw new AppError('BAD_REQUEST', 'notificationType must be ACCOUNT_MUTATION');
      if (typeof body.accountNo !== 'string' || !/^\d{6,20}$/.test(body.accountNo)) throw new AppError('BAD_REQUEST', 'accountNo is missing or not an account number');
      const tx = body.transaction as Record<string, unknown> | undefined;
      if (!tx || typeof tx !== 'object' || Array.isArray(tx) || typeof (tx.amount as { value?: unknown } | undefined)?.value !== 'string' || typeof tx.transactionDate !== 'string') {
        throw new AppError('BAD_REQUEST', 'transaction must carry amount.value and transactionDate');
      }
      // A bank's X-EXTERNAL-ID is unique per day; without one, the body itself identifies the event.
      const externalId = request.headers.get('x-external-id');
      const day = (request.headers.get('x-timestamp') ?? '').slice(0, 10);
      const key = externalId ? `${day}:${externalId}` : `body:${createHash('sha256').update(request.raw).digest('hex')}`;
      return { eventKey: `${bank}:${key}`, bank, body: { accountNo: body.accountNo, transaction: tx } };
    },
    acknowledge: (c, { duplicate }) => c.json({ responseCode: `200${NOTIFY_SERVICE}00`, responseMessage: duplicate ? 'Successful (already received)' : 'Successful' }, 200),
    refuse: (c: Context<HubEnv>, error: AppError) => {
      const status = codeToStatus(error.code);
      const message = status === 401 ? 'Unauthorized. [Signature]' : status === 413 ? 'Request Entity Too Large' : status === 400 ? `Bad Request. ${error.message}` : 'General Error';
      return c.json({ responseCode: `${status}${NOTIFY_SERVICE}00`, responseMessage: message }, status);
    },
  };
}
