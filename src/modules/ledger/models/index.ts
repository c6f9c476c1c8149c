import { accountModel, type AccountModel } from './account.js';
import { ledgerTransactionModel, type LedgerTransactionModel } from './transaction.js';

export const ledgerModels = {
  BankAccount: accountModel,
  BankTransaction: ledgerTransactionModel,
};

declare module '../../../db/models/index.js' {
  interface Models {
    BankAccount: AccountModel;
    BankTransaction: LedgerTransactionModel;
  }
}
