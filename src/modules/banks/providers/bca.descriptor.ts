import { bcaProfile } from './bca.js';
import { snapBankDescriptor } from './snap-descriptor.js';

/** BCA over SNAP BI: real with BANK_BCA_* set, else the local SNAP simulator (never in production). */
export const bcaDescriptor = snapBankDescriptor(bcaProfile);
