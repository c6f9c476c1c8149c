import { cimbProfile } from './cimb.js';
import { snapBankDescriptor } from './snap-descriptor.js';

/** CIMB over SNAP BI: real with BANK_CIMB_* set, else the local SNAP simulator (never in production). */
export const cimbDescriptor = snapBankDescriptor(cimbProfile);
