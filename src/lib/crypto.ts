/**
 * Field encryption (AES-256-GCM with a key id for rotation), API-key hashing and constant-time comparison.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from './errors.js';

const ENVELOPE_PREFIX = 'enc:v1';

export interface EncryptionKey {
  /** Short stable id derived from the key itself, stored with every ciphertext so old data stays readable after rotation. */
  id: string;
  key: Buffer;
}

export function encryptionKeyFromBase64(base64: string): EncryptionKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('an encryption key must be 32 bytes (base64-encoded)');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

export class FieldCipher {
  private readonly keysById: Map<string, Buffer>;

  /** @param active the key new ciphertexts use; @param previous keys still accepted for decryption during rotation */
  constructor(private readonly active: EncryptionKey, previous: EncryptionKey[] = []) {
    this.keysById = new Map([active, ...previous].map((k) => [k.id, k.key]));
  }

  get activeKeyId(): string {
    return this.active.id;
  }

  /** Returns `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts). */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.active.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [ENVELOPE_PREFIX, this.active.id, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join(':');
  }

  decrypt(envelope: string): string {
    const parts = envelope.split(':');
    if (parts.length !== 6 || `${parts[0]}:${parts[1]}` !== ENVELOPE_PREFIX) throw new DecryptionError('not an encrypted value');
    const [, , keyId, ivPart, tagPart, dataPart] = parts;
    const key = this.keysById.get(keyId);
    if (!key) throw new DecryptionError(`no key with id ${keyId} is configured`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivPart, 'base64url'));
      decipher.setAuthTag(Buffer.from(tagPart, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(dataPart, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // GCM authentication failed: the ciphertext, iv or tag was altered, or the wrong key has this id.
      throw new DecryptionError('encrypted value failed authentication (tampered or wrong key)');
    }
  }

  /** Whether a stored value should be re-encrypted with the active key (rotation sweeps use this). */
  needsRotation(envelope: string): boolean {
    return envelope.split(':')[2] !== this.active.id;
  }
}

export class DecryptionError extends AppError {
  constructor(message: string) {
    super('INTERNAL', message);
    this.name = 'DecryptionError';
  }
}

/**
 * API keys are 32 random bytes, so a plain SHA-256 is enough: there is nothing to brute-force
 * that a slow password hash would protect, and lookups stay a single indexed equality.
 */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export function generateApiKey(): string {
  return `swh_${randomBytes(32).toString('base64url')}`;
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time string comparison that does not leak length through an early return on content. */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}

export function sha256Hex(input: string | Buffer): string {
  return createHash('sha256').update(input).digest('hex');
}

export function sha512Hex(input: string | Buffer): string {
  return createHash('sha512').update(input).digest('hex');
}

/** For display only: keeps the last four digits. */
export function maskAccountNumber(accountNumber: string): string {
  const digits = accountNumber.replace(/\s+/g, '');
  return digits.length <= 4 ? '****' : `${'*'.repeat(Math.min(digits.length - 4, 8))}${digits.slice(-4)}`;
}
