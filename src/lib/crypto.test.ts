import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher, encryptionKeyFromBase64, generateApiKey, hashApiKey, maskAccountNumber, safeEqual } from './crypto.js';

const newKey = () => encryptionKeyFromBase64(randomBytes(32).toString('base64'));

describe('FieldCipher', () => {
  it('round-trips and never produces the same ciphertext twice', () => {
    const cipher = new FieldCipher(newKey());
    const a = cipher.encrypt('1234567890');
    const b = cipher.encrypt('1234567890');
    expect(a).not.toBe(b);
    expect(a).not.toContain('1234567890');
    expect(cipher.decrypt(a)).toBe('1234567890');
  });

  it('detects tampering with the ciphertext, the tag or the iv', () => {
    const cipher = new FieldCipher(newKey());
    const envelope = cipher.encrypt('secret-token');
    const parts = envelope.split(':');
    for (const index of [3, 4, 5]) {
      const altered = [...parts];
      const buf = Buffer.from(altered[index], 'base64url');
      buf[0] ^= 0x01;
      altered[index] = buf.toString('base64url');
      expect(() => cipher.decrypt(altered.join(':'))).toThrow(/failed authentication/);
    }
  });

  it('keeps old ciphertexts readable after rotation and flags them for re-encryption', () => {
    const oldKey = newKey();
    const oldCipher = new FieldCipher(oldKey);
    const stored = oldCipher.encrypt('9876543210');
    const rotated = new FieldCipher(newKey(), [oldKey]);
    expect(rotated.decrypt(stored)).toBe('9876543210');
    expect(rotated.needsRotation(stored)).toBe(true);
    expect(rotated.needsRotation(rotated.encrypt('x'))).toBe(false);
    expect(() => new FieldCipher(newKey()).decrypt(stored)).toThrow(/no key with id/);
  });

  it('rejects keys of the wrong length', () => {
    expect(() => encryptionKeyFromBase64(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});

describe('keys and masking', () => {
  it('hashes api keys deterministically and compares in constant time', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^swh_[A-Za-z0-9_-]{43}$/);
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(hashApiKey(key)).not.toContain(key);
    expect(safeEqual(key, key)).toBe(true);
    expect(safeEqual(key, `${key}x`)).toBe(false);
  });

  it('masks account numbers down to the last four digits', () => {
    expect(maskAccountNumber('1234567890')).toBe('******7890');
    expect(maskAccountNumber('123')).toBe('****');
  });
});
