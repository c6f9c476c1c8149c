/** The six banks, in the order users see them. Adding a SNAP bank is a profile file and one entry here. */
import { bcaProfile } from './bca.js';
import { bniProfile } from './bni.js';
import { briProfile } from './bri.js';
import { cimbProfile } from './cimb.js';
import { danamonProfile } from './danamon.js';
import { mandiriProfile } from './mandiri.js';
import type { BankCode, SnapBankProfile } from './snap/types.js';

export const BANK_PROFILES: Record<BankCode, SnapBankProfile> = {
  BCA: bcaProfile,
  MANDIRI: mandiriProfile,
  BNI: bniProfile,
  BRI: briProfile,
  CIMB: cimbProfile,
  DANAMON: danamonProfile,
};
