/**
 * What the SNAP client reads from a bank's answers (ASPI SNAP BI: access token B2B, balance inquiry service 11, bank
 * statement service 14; account binding, OTP and unbinding are our assumption, see sandbox/snap-bank), and from a
 * bank's account-mutation notification, whose `transaction` is shaped like a statement entry. Only the fields we
 * read are checked; extra fields pass, and banks differ (BCA answers `accountInfos` as one object, ASPI and BRI as an
 * array). SNAP writes numbers as text: amounts are `{"value": "10000.00", "currency": "IDR"}` and `expiresIn` is
 * "900"; both are checked as such here, and an amount that does not fit its currency names its field.
 */
import { z } from 'zod';
import { decimalToMinor } from '../../../../lib/money.js';
import { omittable } from '../../../../providers/answer.js';

/**
 * Every answer's `responseCode` and `responseMessage`, success or not. They only add words to what the HTTP status
 * says, so a field that is not text is dropped rather than turning the bank's answer into a different error.
 */
export const SnapEnvelope = z
  .looseObject({ responseCode: z.string().optional().catch(undefined), responseMessage: z.string().optional().catch(undefined) })
  .catch({ responseCode: undefined, responseMessage: undefined });

/** `{value: "10000.00", currency: "IDR"}`; some banks leave the currency out (IDR then). */
export const SnapAmountSchema = z
  .looseObject({
    value: z.string().regex(/^[+-]?\d+(\.\d+)?$/, 'must be a decimal amount like "10000.00"'),
    currency: omittable(z.string()),
  })
  .superRefine((amount, ctx) => {
    const currency = amount.currency || 'IDR';
    try {
      decimalToMinor(amount.value, currency);
    } catch {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `is not an amount in ${currency}` });
    }
  });

const dateTime = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'must be an ISO-8601 date-time');

/** One bank-statement entry (detailData[], and a notification's `transaction`). */
export const StatementEntrySchema = z.looseObject({
  amount: SnapAmountSchema,
  transactionDate: dateTime,
  remark: omittable(z.string()),
  transactionId: omittable(z.string()),
  type: omittable(z.string()),
  endAmount: omittable(SnapAmountSchema),
  detailBalance: omittable(z.looseObject({ endAmount: omittable(z.union([z.array(SnapAmountSchema), SnapAmountSchema])) })),
});

export const AccessTokenAnswer = z.looseObject({
  accessToken: z.string().min(1),
  // Seconds, as text ("900") in the standard; some banks send a number.
  expiresIn: omittable(z.union([z.string().regex(/^\d+$/, 'must be a number of seconds'), z.number().int().nonnegative()]).transform(Number)),
});

const balanceInfo = z.looseObject({
  balanceType: omittable(z.string()),
  amount: omittable(SnapAmountSchema),
  availableBalance: omittable(SnapAmountSchema),
  ledgerBalance: omittable(SnapAmountSchema),
});
export const BalanceAnswer = z.looseObject({
  accountNo: omittable(z.string()),
  name: omittable(z.string()),
  // ASPI and BRI answer an array; BCA's sample answers a single object.
  accountInfos: z.union([z.array(balanceInfo), balanceInfo]).transform((infos) => (Array.isArray(infos) ? infos : [infos])),
});

const statementBalance = z.looseObject({ startingBalance: omittable(SnapAmountSchema), endingBalance: omittable(SnapAmountSchema) });
export const StatementAnswer = z.looseObject({
  balance: omittable(z.union([z.array(statementBalance), statementBalance])),
  detailData: omittable(z.array(StatementEntrySchema)),
  hasMore: omittable(z.union([z.enum(['Y', 'N']), z.boolean()])),
  // Where banks that page by an opaque key put it (read by the bank's profile).
  additionalInfo: omittable(z.record(z.string(), z.unknown())),
});

export const BindingAnswer = z.looseObject({
  referenceNo: omittable(z.string()),
  accountToken: omittable(z.string()),
  accountName: omittable(z.string()),
  redirectUrl: omittable(z.string()),
  additionalInfo: omittable(z.looseObject({ redirectUrl: omittable(z.string()), otpExpiresAt: omittable(z.string()), consentExpiresAt: omittable(z.string()) })),
});

/** B2B2C customer token (access-token/b2b2c), given for the auth code a consent page redirected back with. */
export const CustomerTokenAnswer = z.looseObject({
  accessToken: z.string().min(1),
  // SNAP service 74 writes expiry times as ISO 8601 with the Jakarta offset; a bank may leave them (and the refresh
  // token) out, and then the token is used until the bank refuses it.
  accessTokenExpiryTime: omittable(z.string()),
  refreshToken: omittable(z.string().min(1)),
  refreshTokenExpiryTime: omittable(z.string()),
  referenceNo: omittable(z.string()),
  additionalInfo: omittable(z.looseObject({ accountName: omittable(z.string()) })),
});

export const OtpAnswer = z.looseObject({ accountToken: z.string().min(1), accountName: omittable(z.string()) });

export type StatementEntryAnswer = z.output<typeof StatementEntrySchema>;
export type StatementAnswerBody = z.output<typeof StatementAnswer>;
