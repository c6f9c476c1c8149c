/**
 * The ledger: every account and transaction a user has, whatever brought it in (bank sync, bank notification,
 * statement import, manual entry), with the one dedupe rule they share (services/fingerprint.ts). Banks and
 * import/export build on it; it contributes models only.
 */
import { defineModule } from '../contract.js';
import { ledgerModels } from './models/index.js';

export const ledgerModule = defineModule({
  name: 'ledger',
  models: ledgerModels,
});
