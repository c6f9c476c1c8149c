/**
 * Slack request signing (api.slack.com/authentication/verifying-requests-from-slack): `v0=` + hex HMAC-SHA256 of
 * `v0:<timestamp>:<raw body>` with the signing secret. We reject timestamps more than five minutes away in either
 * direction (Bolt only checks the past), and compare in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SLACK_MAX_SKEW_SECONDS = 300;

export function slackSignature(signingSecret: string, timestamp: string | number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export type SlackVerification = { ok: true } | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

export function verifySlackSignature(input: {
  signingSecret: string;
  rawBody: string;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  nowSeconds?: number;
}): SlackVerification {
  const { timestamp, signature } = input;
  if (!input.signingSecret || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing_headers' };
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) return { ok: false, reason: 'stale_timestamp' };
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}
