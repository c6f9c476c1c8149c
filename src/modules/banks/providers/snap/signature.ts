/**
 * SNAP BI signatures, the one place the hub makes or checks them.
 *
 * - Access token (B2B): base64 SHA256withRSA over `clientKey|timestamp` with the hub's private key.
 * - Service call: base64 HMAC-SHA512 over `METHOD:relativePath:accessToken:lowercase(hex(sha256(minified body))):timestamp`
 *   with the client secret the bank issued.
 * - Notification from a bank or aggregator: SHA256withRSA over `METHOD:path:lowercase(hex(sha256(minified body))):timestamp`,
 *   checked with the bank's public key (`path` is our own notification path).
 */
import {
  accessTokenStringToSign,
  bodyDigestHex,
  hmacSha512Base64,
  notificationStringToSign,
  rsaSha256Sign,
  rsaSha256Verify,
  serviceStringToSign,
} from './string-to-sign.js';

export function signAccessToken(input: { clientKey: string; timestamp: string; privateKey: string }): string {
  return rsaSha256Sign(input.privateKey, accessTokenStringToSign(input.clientKey, input.timestamp));
}

export function signService(input: { method: string; path: string; accessToken: string; body: string | object | undefined; timestamp: string; clientSecret: string }): string {
  const data = serviceStringToSign({ method: input.method, path: input.path, accessToken: input.accessToken, bodyDigest: bodyDigestHex(input.body), timestamp: input.timestamp });
  return hmacSha512Base64(input.clientSecret, data);
}

export function verifyNotification(input: { method: string; path: string; body: string | object; timestamp: string; signature: string; publicKey: string }): boolean {
  if (!input.signature || !input.timestamp) return false;
  const data = notificationStringToSign({ method: input.method, path: input.path, bodyDigest: bodyDigestHex(input.body), timestamp: input.timestamp });
  return rsaSha256Verify(input.publicKey, data, input.signature);
}
