import { danamonProfile } from './danamon.js';
import { snapBankDescriptor } from './snap-descriptor.js';

/** DANAMON over SNAP BI: real with BANK_DANAMON_* set, else the local SNAP simulator (never in production). */
export const danamonDescriptor = snapBankDescriptor(danamonProfile);
