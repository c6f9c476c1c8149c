export { startSnapBankSandbox, type SnapBankSandbox, type SnapBankSandboxOptions, type SnapFaultMode, type SnapPartner, type SimAccount } from './server.js';
export { SIM_BANKS, SIM_BANK_BEHAVIOUR, type SimBankCode } from './banks.js';
export { generateHistory, type SimTransaction } from './transactions.js';
