import { mandiriProfile } from './mandiri.js';
import { snapBankDescriptor } from './snap-descriptor.js';

/** MANDIRI over SNAP BI: real with BANK_MANDIRI_* set, else the local SNAP simulator (never in production). */
export const mandiriDescriptor = snapBankDescriptor(mandiriProfile);
