/**
 * POST /webhooks/bank/:bank — a bank's account-mutation notification (body format: our assumption, see
 * sandbox/snap-bank/server.ts), through the shared intake: verified with the bank's public key as a SNAP
 * notification (SHA256withRSA over METHOD:path:sha256(minified body):timestamp), 401 and stored nowhere when it
 * does not verify or was signed more than 15 minutes from now, stored once per bank + day + X-EXTERNAL-ID, and answered the SNAP way (responseCode).
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import type { WebhookIntake } from '../../../../../webhooks/intake.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { codeToStatus } from '../../../../http/errors.js';
import { maskAccountNumber } from '../../../../lib/crypto.js';
import { AppError, validationFailed } from '../../../../lib/errors.js';
import type { WebhookSecrets } from '../../../contract.js';
import { notificationKeyName } from '../../providers/snap-descriptor.js';
import { StatementEntrySchema } from '../../providers/snap/schemas.js';
import { verifyNotification } from '../../providers/snap/signature.js';
import { BANK_CODES, type BankCode, type RawStatementEntry } from '../../providers/snap/types.js';

export interface BankMutationEvent {
  eventKey: string;
  bank: BankCode;
  /**
   * The account number only masked: the normalized event is what the admin inbox lists, and account numbers leave
   * the hub masked. The handler reads the number from the stored raw body. (`accountNo`: events stored before.)
   */
  body: { accountNumberMasked?: string; accountNo?: string; transaction: RawStatementEntry };
}

/**
 * The body we read; the `transaction` is a bank-statement entry, read by the same schema as a statement page's
 * entries (amount as decimal text, a readable transactionDate), so a notification that passes here can be applied.
 */
const MutationNotification = z.looseObject({
  notificationType: z.literal('ACCOUNT_MUTATION'),
  accountNo: z.string().regex(/^\d{6,20}$/, 'must be an account number (6 to 20 digits)'),
  transaction: StatementEntrySchema,
});

/**
 * How far a notification's X-TIMESTAMP may be from our clock. The timestamp is signed, so a notification captured
 * once (a log, a proxy) and sent again later (with any X-EXTERNAL-ID, which is not signed) would otherwise verify
 * and be stored as a new event for ever. 15 minutes leaves room for clock skew and a bank's quick retries; an
 * entry whose notification came too late still arrives with the next sync. Slack's window is 5 minutes.
 */
export const NOTIFICATION_WINDOW_MS = 15 * 60_000;
const SIGNED_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?([+-]\d{2}:\d{2}|Z)$/;

/** Service code of the notification answer: SNAP BI defines none for account mutations, so "00" (our assumption). */
const NOTIFY_SERVICE = '00';

const bankOf = (param: string | undefined): BankCode | undefined => {
  const code = (param ?? '').toUpperCase();
  return (BANK_CODES as readonly string[]).includes(code) ? (code as BankCode) : undefined;
};

export function bankNotificationWebhook(secrets: WebhookSecrets, now: () => number = Date.now): WebhookIntake<BankMutationEvent> {
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
      const timestamp = headers.get('x-timestamp') ?? '';
      // SNAP timestamps carry their offset; one without is not a moment we can compare.
      if (!SIGNED_TIMESTAMP.test(timestamp) || !(Math.abs(now() - Date.parse(timestamp)) <= NOTIFICATION_WINDOW_MS)) return false;
      return verifyNotification({ method, path, body: raw, timestamp, signature: headers.get('x-signature') ?? '', publicKey });
    },
    normalize: (parsed, request) => {
      const bank = bankOf(request.params.bank)!;
      const result = MutationNotification.safeParse(parsed);
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ field: i.path.join('.') || 'body', reason: i.message }));
        throw validationFailed(issues, 'not an account-mutation notification');
      }
      const body = result.data;
      // A bank's X-EXTERNAL-ID is unique per day; without one, the body itself identifies the event.
      const externalId = request.headers.get('x-external-id');
      const day = (request.headers.get('x-timestamp') ?? '').slice(0, 10);
      const key = externalId ? `${day}:${externalId}` : `body:${createHash('sha256').update(request.raw).digest('hex')}`;
      return { eventKey: `${bank}:${key}`, bank, body: { accountNumberMasked: maskAccountNumber(body.accountNo), transaction: body.transaction } };
    },
    acknowledge: (c, { duplicate }) => c.json({ responseCode: `200${NOTIFY_SERVICE}00`, responseMessage: duplicate ? 'Successful (already received)' : 'Successful' }, 200),
    refuse: (c: Context<HubEnv>, error: AppError) => {
      const status = codeToStatus(error.code);
      const message = status === 401 ? 'Unauthorized. [Signature]' : status === 413 ? 'Request Entity Too Large' : status === 400 ? `Bad Request. ${error.message}` : 'General Error';
      return c.json({ responseCode: `${status}${NOTIFY_SERVICE}00`, responseMessage: message }, status);
    },
  };
}
