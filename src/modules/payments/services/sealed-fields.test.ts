import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher, encryptionKeyFromBase64 } from '../../../lib/crypto.js';
import { maskPhone, openRequest, redactRequest, sealRequest } from './sealed-fields.js';

const cipher = new FieldCipher(encryptionKeyFromBase64(randomBytes(32).toString('base64')));

describe('sealed payment requests', () => {
  const request = { method: 'ovo', amountMinor: 5_000_000, currency: 'IDR', mobileNumber: '081234567890', cardToken: 'tok-12345678', runAt: new Date('2026-11-25T02:00:00Z') };

  it('stores no secret in the clear and opens to the request as sent (dates as ISO strings)', () => {
    const sealed = sealRequest(request, cipher);
    expect(JSON.stringify(sealed)).not.toMatch(/081234567890|tok-12345678/);
    expect(sealed).toMatchObject({ mobileNumberMasked: '0812****7890', mobileNumberEnc: expect.stringMatching(/^enc:v1:/), cardTokenEnc: expect.stringMatching(/^enc:v1:/) });
    expect(openRequest(sealed, cipher)).toEqual({ ...request, runAt: '2026-11-25T02:00:00.000Z' });
  });

  it('reads a request stored before sealing as it is', () => {
    expect(openRequest({ method: 'ovo', mobileNumber: '081234567890' }, cipher)).toEqual({ method: 'ovo', mobileNumber: '081234567890' });
  });

  it('shows neither sealed nor plain secrets, only a masked phone and that a card token is kept', () => {
    for (const stored of [sealRequest(request, cipher), JSON.parse(JSON.stringify(request))]) {
      const view = redactRequest(stored);
      expect(JSON.stringify(view)).not.toMatch(/081234567890|tok-12345678|enc:v1/);
      expect(view).toMatchObject({ method: 'ovo', mobileNumberMasked: '0812****7890', cardTokenSaved: true });
    }
    expect(redactRequest({ method: 'qris' })).toEqual({ method: 'qris' });
  });

  it('masks phone numbers of any length', () => {
    expect(maskPhone('+6281234567890')).toBe('+628******7890');
    expect(maskPhone('0812345')).toBe('****');
  });
});
