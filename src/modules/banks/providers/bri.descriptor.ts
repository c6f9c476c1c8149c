import { briProfile } from './bri.js';
import { snapBankDescriptor } from './snap-descriptor.js';

/** BRI over SNAP BI: real with BANK_BRI_* set, else the local SNAP simulator (never in production). */
export const briDescriptor = snapBankDescriptor(briProfile);
