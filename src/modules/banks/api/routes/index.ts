/** The banks REST operations, in registration order. */
import { registerBankAccountUpdate } from './bank-account-update.js';
import { registerBankAccounts } from './bank-accounts.js';
import { registerBankBalance } from './bank-balance.js';
import { registerBankCategoryOverride } from './bank-category-override.js';
import { registerBankConnectOtp } from './bank-connect-otp.js';
import { registerBankConsent } from './bank-consent.js';
import { registerBankConnect } from './bank-connect.js';
import { registerBankDisconnect } from './bank-disconnect.js';
import { registerBankProviders } from './bank-providers.js';
import { registerBankSync } from './bank-sync.js';
import { registerBankTransactions } from './bank-transactions.js';

export const bankRoutes = [
  registerBankProviders,
  registerBankConnect,
  registerBankConnectOtp,
  registerBankConsent,
  registerBankAccounts,
  registerBankAccountUpdate,
  registerBankBalance,
  registerBankTransactions,
  registerBankSync,
  registerBankDisconnect,
  registerBankCategoryOverride,
];
