import { bniProfile } from './bni.js';
import { snapBankDescriptor } from './snap-descriptor.js';

/** BNI over SNAP BI: real with BANK_BNI_* set, else the local SNAP simulator (never in production). */
export const bniDescriptor = snapBankDescriptor(bniProfile);
