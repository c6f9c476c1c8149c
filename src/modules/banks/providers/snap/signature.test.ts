/**
 * SNAP signatures against the published Midtrans BI-SNAP vectors (the ASPI algorithm with a sample key), plus the
 * properties the published vectors cannot show: minification keeps the sender's bytes, and a notification signed
 * by someone else, for another path or another body, does not verify.
 */
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_VECTOR, MIDTRANS_SAMPLE_PRIVATE_KEY, SERVICE_VECTOR } from './published-vectors.js';
import { signAccessToken, signService, verifyNotification } from './signature.js';
import { bodyDigestHex, hmacSha512Base64, minifyJson, notificationStringToSign, rsaSha256Sign, rsaSha256Verify, serviceStringToSign } from './string-to-sign.js';

const samplePublicKey = createPublicKey(MIDTRANS_SAMPLE_PRIVATE_KEY).export({ type: 'spki', format: 'pem' }).toString();

describe('published vectors', () => {
  it('signAccessToken reproduces the published B2B access-token signature', () => {
    expect(signAccessToken({ clientKey: ACCESS_TOKEN_VECTOR.clientKey, timestamp: ACCESS_TOKEN_VECTOR.timestamp, privateKey: MIDTRANS_SAMPLE_PRIVATE_KEY })).toBe(ACCESS_TOKEN_VECTOR.signature);
  });

  it('the service string-to-sign and HMAC-SHA512 reproduce the published transactional signature', () => {
    const data = serviceStringToSign({ method: 'post', path: SERVICE_VECTOR.path, accessToken: SERVICE_VECTOR.accessToken, bodyDigest: SERVICE_VECTOR.bodyDigest, timestamp: SERVICE_VECTOR.timestamp });
    expect(data).toBe(SERVICE_VECTOR.stringToSign);
    expect(hmacSha512Base64(SERVICE_VECTOR.clientSecret, data)).toBe(SERVICE_VECTOR.signature);
  });

  it('signService is that same HMAC over the digest of the body it is given', () => {
    const body = { partnerReferenceNo: '2020102900000000000001', accountNo: '1234567890' };
    const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const expected = hmacSha512Base64(SERVICE_VECTOR.clientSecret, `POST:${SERVICE_VECTOR.path}:${SERVICE_VECTOR.accessToken}:${digest}:${SERVICE_VECTOR.timestamp}`);
    const signed = signService({ method: 'POST', path: SERVICE_VECTOR.path, accessToken: SERVICE_VECTOR.accessToken, body, timestamp: SERVICE_VECTOR.timestamp, clientSecret: SERVICE_VECTOR.clientSecret });
    expect(signed).toBe(expected);
  });

  it('verifyNotification accepts an RSA signature made with the published sample key', () => {
    const body = '{"responseCode":"2002500","virtualAccountNo":"   12345678"}';
    const data = notificationStringToSign({ method: 'POST', path: '/webhooks/bank/bca', bodyDigest: bodyDigestHex(body), timestamp: ACCESS_TOKEN_VECTOR.timestamp });
    const signature = rsaSha256Sign(MIDTRANS_SAMPLE_PRIVATE_KEY, data);
    expect(verifyNotification({ method: 'POST', path: '/webhooks/bank/bca', body, timestamp: ACCESS_TOKEN_VECTOR.timestamp, signature, publicKey: samplePublicKey })).toBe(true);
    // The published access-token signature checks out with the sample key's public half: the verifier reads signatures
    // made elsewhere, not only its own.
    expect(rsaSha256Verify(samplePublicKey, `${ACCESS_TOKEN_VECTOR.clientKey}|${ACCESS_TOKEN_VECTOR.timestamp}`, ACCESS_TOKEN_VECTOR.signature)).toBe(true);
  });
});

describe('minification', () => {
  it('removes whitespace outside strings only and keeps key order and number spelling', () => {
    const pretty = '{\n  "b" : "a b\\" c",\n\t"1": 1.50,\r\n  "a": [ 1, 2 ]\n}';
    expect(minifyJson(pretty)).toBe('{"b":"a b\\" c","1":1.50,"a":[1,2]}');
  });

  it('a pretty-printed body and its compact form sign the same; a changed value does not', () => {
    const base = { method: 'POST', path: '/openapi/v1.0/balance-inquiry', accessToken: 'tok', timestamp: '2024-01-02T03:04:05+07:00', clientSecret: 's3cret' };
    const compact = signService({ ...base, body: '{"partnerReferenceNo":"1","accountNo":"0611104625"}' });
    expect(signService({ ...base, body: '{\n  "partnerReferenceNo": "1",\n  "accountNo": "0611104625"\n}' })).toBe(compact);
    expect(signService({ ...base, body: { partnerReferenceNo: '1', accountNo: '0611104625' } })).toBe(compact);
    expect(signService({ ...base, body: '{"partnerReferenceNo":"1","accountNo":"0611104626"}' })).not.toBe(compact);
    expect(signService({ ...base, body: '{"partnerReferenceNo":"1","accountNo":"0611104625"}', timestamp: '2024-01-02T03:04:06+07:00' })).not.toBe(compact);
  });

  it('an empty body hashes the empty string', () => {
    expect(bodyDigestHex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('verifyNotification rejects', () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const body = '{"accountNo":"1234567890","amount":{"value":"15000.00","currency":"IDR"}}';
  const ts = '2026-12-01T10:00:00+07:00';
  const path = '/webhooks/bank/bri';
  const good = rsaSha256Sign(MIDTRANS_SAMPLE_PRIVATE_KEY, notificationStringToSign({ method: 'POST', path, bodyDigest: bodyDigestHex(body), timestamp: ts }));
  const check = (over: Partial<Parameters<typeof verifyNotification>[0]>) => verifyNotification({ method: 'POST', path, body, timestamp: ts, signature: good, publicKey: samplePublicKey, ...over });

  it('nothing when every part matches', () => expect(check({})).toBe(true));
  it('another body', () => expect(check({ body: body.replace('15000.00', '15000000.00') })).toBe(false));
  it('another path (a notification replayed to another bank)', () => expect(check({ path: '/webhooks/bank/bca' })).toBe(false));
  it('another timestamp', () => expect(check({ timestamp: '2026-12-01T10:00:01+07:00' })).toBe(false));
  it('another key', () => expect(check({ publicKey: other.publicKey.export({ type: 'spki', format: 'pem' }).toString() })).toBe(false));
  it('a missing or garbled signature without throwing', () => {
    expect(check({ signature: '' })).toBe(false);
    expect(check({ signature: 'not base64 at all!' })).toBe(false);
    expect(check({ publicKey: 'not a key' })).toBe(false);
  });
});
