/**
 * The building blocks of SNAP BI signatures (ASPI "Komponen Struktur Format Header"): body minification, the body
 * digest, the three strings that get signed, and the two algorithms. `signature.ts` composes them; they are separate
 * so the published vectors, which give a string-to-sign but not the body behind its digest, can be checked too.
 */
import { createHash, createHmac, createSign, createVerify } from 'node:crypto';

/**
 * Removes insignificant whitespace from a JSON text without re-serialising it: key order, number spelling
 * (`1.50` stays `1.50`) and string escapes stay byte for byte what the sender wrote. Re-serialising with
 * JSON.stringify(JSON.parse(…)) would reorder integer-like keys and rewrite numbers, and the digest would differ
 * from the one the other side computed over the bytes it sent.
 */
export function minifyJson(json: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  for (const ch of json) {
    if (inString) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch !== ' ' && ch !== '\n' && ch !== '\r' && ch !== '\t') {
      out += ch;
    }
  }
  return out;
}

/** A body given as an object is serialised once (JSON.stringify is already minified); a string is minified. */
export function minifiedBody(body: string | object | undefined | null): string {
  if (body === undefined || body === null) return '';
  return typeof body === 'string' ? minifyJson(body) : JSON.stringify(body);
}

export function bodyDigestHex(body: string | object | undefined | null): string {
  return createHash('sha256').update(minifiedBody(body), 'utf8').digest('hex').toLowerCase();
}

export const accessTokenStringToSign = (clientKey: string, timestamp: string) => `${clientKey}|${timestamp}`;

export const serviceStringToSign = (p: { method: string; path: string; accessToken: string; bodyDigest: string; timestamp: string }) =>
  `${p.method.toUpperCase()}:${p.path}:${p.accessToken}:${p.bodyDigest}:${p.timestamp}`;

export const notificationStringToSign = (p: { method: string; path: string; bodyDigest: string; timestamp: string }) =>
  `${p.method.toUpperCase()}:${p.path}:${p.bodyDigest}:${p.timestamp}`;

/** SHA256withRSA (RSASSA-PKCS1-v1_5), base64. */
export function rsaSha256Sign(privateKeyPem: string, data: string): string {
  return createSign('RSA-SHA256').update(data, 'utf8').sign(privateKeyPem, 'base64');
}

export function rsaSha256Verify(publicKeyPem: string, data: string, signatureBase64: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(data, 'utf8').verify(publicKeyPem, Buffer.from(signatureBase64, 'base64'));
  } catch {
    // A malformed key or signature is a failed verification, never an exception the caller must remember to catch.
    return false;
  }
}

export function hmacSha512Base64(secret: string, data: string): string {
  return createHmac('sha512', secret).update(data, 'utf8').digest('base64');
}
